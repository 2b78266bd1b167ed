"""supply snapshots: a year's planned intake per major and town

Revision ID: e182bd07f007
Revises: 19bfdd9e7115
Create Date: 2026-12-03 18:29:09.845330

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e182bd07f007"
down_revision = "19bfdd9e7115"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supply_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("major_name", sa.String(length=80), nullable=False),
        sa.Column("major_group", sa.String(length=40), nullable=False),
        sa.Column("town", sa.String(length=40), nullable=False),
        sa.Column("intake", sa.Integer(), nullable=False),
        sa.Column("enrolment", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_snapshot")),
        sa.UniqueConstraint("year", "major_name", "town", name="uq_supply_snapshot_year_major_town"),
    )
    with op.batch_alter_table("supply_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_snapshot_year"), ["year"], unique=False)


def downgrade():
    with op.batch_alter_table("supply_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_snapshot_year"))

    op.drop_table("supply_snapshot")
