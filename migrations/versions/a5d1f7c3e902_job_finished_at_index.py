"""jobs: index on finished_at, for the fair order's look at the running time of the last minutes

Revision ID: a5d1f7c3e902
Revises: a1d9c4e7b253
Create Date: 2026-12-06 19:00:00

"""

from alembic import op

revision = "a5d1f7c3e902"
down_revision = "a1d9c4e7b253"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_finished_at"), ["finished_at"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_finished_at"))
