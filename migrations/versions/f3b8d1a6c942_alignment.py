"""supply against demand by major: each posting's catalogue majors (posting_major) and the warning thresholds administrators set (alignment_threshold)

Revision ID: f3b8d1a6c942
Revises: e4a9c3b7d215
Create Date: 2026-12-03 17:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3b8d1a6c942"
down_revision = "e4a9c3b7d215"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "posting_major",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("major_name", sa.String(length=80), nullable=False),
        sa.Column("major_group", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_posting_major_rank_positive")),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
            name=op.f("fk_posting_major_posting_id_posting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_major")),
        sa.UniqueConstraint("posting_id", "rank", name="uq_posting_major_posting_rank"),
    )
    with op.batch_alter_table("posting_major", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_major_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index("ix_posting_major_rank_group", ["rank", "major_group"], unique=False)
    op.create_table(
        "alignment_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortage_above", sa.Float(), nullable=False),
        sa.Column("surplus_below", sa.Float(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_email", sa.String(length=254), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "surplus_below > 0 AND shortage_above > surplus_below",
            name=op.f("ck_alignment_threshold_ratios_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user.id"],
            name=op.f("fk_alignment_threshold_set_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alignment_threshold")),
    )


def downgrade():
    op.drop_table("alignment_threshold")
    with op.batch_alter_table("posting_major", schema=None) as batch_op:
        batch_op.drop_index("ix_posting_major_rank_group")
        batch_op.drop_index(batch_op.f("ix_posting_major_posting_id"))
    op.drop_table("posting_major")
