"""a school's proposals by major, status and score from one index (issue 31: /school/proposals at 5×);
it replaces the index on school_id alone, which it leads with

Revision ID: f5a9d2c7e418
Revises: e7c1f5a2b9d3
Create Date: 2026-12-07 12:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f5a9d2c7e418"
down_revision = "e7c1f5a2b9d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposal_school_program_status_score",
            ["school_id", "program_id", "status", "score", "id"],
            unique=False,
        )
        batch_op.drop_index("ix_proposal_school_id")


def downgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_school_id", ["school_id"], unique=False)
        batch_op.drop_index("ix_proposal_school_program_status_score")
