"""teacher practice periods and certificates (双师型 roadmap)

Revision ID: 19bfdd9e7115
Revises: f3b8d1a6c942
Create Date: 2026-12-03 17:51:21.666083

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "19bfdd9e7115"
down_revision = "f3b8d1a6c942"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teacher_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teacher.id"],
            name=op.f("fk_teacher_certificate_teacher_id_teacher"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teacher_certificate")),
    )
    with op.batch_alter_table("teacher_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teacher_certificate_teacher_id"), ["teacher_id"], unique=False)

    op.create_table(
        "teacher_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("enterprise", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", sa.LargeBinary(), nullable=True),
        sa.Column("evidence_type", sa.String(length=20), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_teacher_practice_dates_ordered")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_teacher_practice_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teacher.id"],
            name=op.f("fk_teacher_practice_teacher_id_teacher"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teacher_practice")),
    )
    with op.batch_alter_table("teacher_practice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teacher_practice_teacher_id"), ["teacher_id"], unique=False)


def downgrade():
    with op.batch_alter_table("teacher_practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teacher_practice_teacher_id"))

    op.drop_table("teacher_practice")
    with op.batch_alter_table("teacher_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teacher_certificate_teacher_id"))

    op.drop_table("teacher_certificate")
