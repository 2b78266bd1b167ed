"""background jobs: what pages poll while re-ranking or importing runs outside the request

Revision ID: c7d2e5f81a30
Revises: b3c1f0a9d2e4
Create Date: 2026-12-03 07:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c7d2e5f81a30"
down_revision = "b3c1f0a9d2e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_job_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_status"))
        batch_op.drop_index(batch_op.f("ix_job_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_job_created_by_id"))
    op.drop_table("job")
