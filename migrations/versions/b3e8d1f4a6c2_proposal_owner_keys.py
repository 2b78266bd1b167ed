"""a proposal's owners held by its posting's and its major's keys: (posting_id, enterprise_id) →
posting and (program_id, school_id) → program, in place of four single keys (issue 31: two checks
a row on a district's recompute, not four; a proposal's school can no longer differ from its
major's). The unique keys they refer to replace the single-column indexes they lead with.

Revision ID: b3e8d1f4a6c2
Revises: f5a9d2c7e418
Create Date: 2026-12-07 17:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b3e8d1f4a6c2"
down_revision = "f5a9d2c7e418"
branch_labels = None
depends_on = None


def upgrade():
    # Unique indexes, not constraints: SQLite adds an index in place, where a constraint would
    # copy the whole table (and fail the keys of the rows that refer to it).
    op.create_index("uq_posting_enterprise_id", "posting", ["enterprise_id", "id"], unique=True)
    op.drop_index("ix_posting_enterprise_id", table_name="posting")
    op.create_index("uq_program_school_id", "program", ["school_id", "id"], unique=True)
    op.drop_index("ix_program_school_id", table_name="program")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint("fk_proposal_posting_id_posting", type_="foreignkey")
        batch_op.drop_constraint("fk_proposal_program_id_program", type_="foreignkey")
        batch_op.drop_constraint("fk_proposal_school_id_organisation", type_="foreignkey")
        batch_op.drop_constraint("fk_proposal_enterprise_id_organisation", type_="foreignkey")
        batch_op.drop_index("ix_proposal_posting_id")  # uq_proposal_posting_program leads with it
        batch_op.create_foreign_key(
            "fk_proposal_posting_enterprise",
            "posting",
            ["posting_id", "enterprise_id"],
            ["id", "enterprise_id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_proposal_program_school",
            "program",
            ["program_id", "school_id"],
            ["id", "school_id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint("fk_proposal_program_school", type_="foreignkey")
        batch_op.drop_constraint("fk_proposal_posting_enterprise", type_="foreignkey")
        batch_op.create_index("ix_proposal_posting_id", ["posting_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_proposal_enterprise_id_organisation",
            "organisation",
            ["enterprise_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_proposal_school_id_organisation", "organisation", ["school_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_proposal_program_id_program", "program", ["program_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_proposal_posting_id_posting", "posting", ["posting_id"], ["id"], ondelete="CASCADE"
        )
    op.create_index("ix_program_school_id", "program", ["school_id"], unique=False)
    op.drop_index("uq_program_school_id", table_name="program")
    op.create_index("ix_posting_enterprise_id", "posting", ["enterprise_id"], unique=False)
    op.drop_index("uq_posting_enterprise_id", table_name="posting")
