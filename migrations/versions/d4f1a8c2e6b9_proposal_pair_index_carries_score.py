"""one proposal a pair by a unique index that, on PostgreSQL, carries the origin and score (issue 31:
a major's job counts the matcher's proposals of each candidate posting, and their weakest score,
from the index alone)

Revision ID: d4f1a8c2e6b9
Revises: c7d2e9a1f3b5
Create Date: 2026-12-07 20:55:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d4f1a8c2e6b9"
down_revision = "c7d2e9a1f3b5"
branch_labels = None
depends_on = None


def upgrade():
    # A constraint on SQLite is part of the table: dropping it copies the table (proposal is
    # referred to by no key, so the copy is safe); PostgreSQL drops it in place.
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint("uq_proposal_posting_program", type_="unique")
    op.create_index(
        "uq_proposal_posting_program",
        "proposal",
        ["posting_id", "program_id"],
        unique=True,
        postgresql_include=["origin", "score"],
    )


def downgrade():
    op.drop_index("uq_proposal_posting_program", table_name="proposal")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_proposal_posting_program", ["posting_id", "program_id"])
