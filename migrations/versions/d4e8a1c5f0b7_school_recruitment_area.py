"""a school's recruitment area (issue 26): whether it recruits across the whole district (its intake is
the district pool of the by-town alignment) or from its own town; every existing school recruits
district-wide, as the district's vocational schools do

Revision ID: d4e8a1c5f0b7
Revises: c31e5a7d9b20
Create Date: 2026-12-07 00:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e8a1c5f0b7"
down_revision = "c31e5a7d9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recruits_district_wide", sa.Boolean(), nullable=True))
    op.execute(sa.text("UPDATE organisation SET recruits_district_wide = TRUE WHERE kind = 'school'"))


def downgrade():
    # Not a batch: on SQLite a batch recreates the table, and dropping organisation fails its foreign keys.
    op.drop_column("organisation", "recruits_district_wide")
