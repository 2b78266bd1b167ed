"""the matcher's text model as last fitted on the live majors (issue 31): a major's ranking reads it
instead of fitting one on every major

Revision ID: d4f2a8c61e07
Revises: c31e5a7d9b20
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4f2a8c61e07"
down_revision = "c31e5a7d9b20"
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: the next ranking (or district recompute) fits and keeps a model.
    op.create_table(
        "text_model_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("majors", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_model_state")),
    )


def downgrade():
    op.drop_table("text_model_state")
