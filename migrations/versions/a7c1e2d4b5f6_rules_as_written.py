"""rules as written (issue 24): rule settings, the part-time quota's funding

Revision ID: a7c1e2d4b5f6
Revises: e182bd07f007
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c1e2d4b5f6"
down_revision = "e182bd07f007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rule_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_email", sa.String(length=254), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["user.id"], name=op.f("fk_rule_setting_set_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_setting")),
    )
    with op.batch_alter_table("rule_setting", schema=None) as batch_op:
        batch_op.create_index("ix_rule_setting_key_id", ["key", "id"], unique=False)

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part_time_funding", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("part_time_spending", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("part_time_spending")
        batch_op.drop_column("part_time_funding")
    with op.batch_alter_table("rule_setting", schema=None) as batch_op:
        batch_op.drop_index("ix_rule_setting_key_id")
    op.drop_table("rule_setting")
