"""student profiles and internship placements (岗位实习) with their terms, three-party agreement, timeline (logs, evaluations, visits) and outcome, and the student's date of birth for the under-16 rule

Revision ID: e4a9c3b7d215
Revises: c7d2e5f81a30
Create Date: 2026-12-03 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e4a9c3b7d215"
down_revision = "c7d2e5f81a30"
branch_labels = None
depends_on = None

STATES = (
    "'applied', 'shortlisted', 'offered', 'accepted', 'declined', 'rejected', 'approved', "
    "'in_progress', 'completed', 'hired'"
)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
    op.create_table(
        "internship_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("daily_hours", sa.Integer(), nullable=True),
        sa.Column("shift_pattern", sa.String(length=200), nullable=True),
        sa.Column("night_shifts", sa.Boolean(), nullable=True),
        sa.Column("overtime", sa.Boolean(), nullable=True),
        sa.Column("holiday_work", sa.Boolean(), nullable=True),
        sa.Column("pay_monthly", sa.Integer(), nullable=True),
        sa.Column("post_wage", sa.Integer(), nullable=True),
        sa.Column("insurance_policy", sa.String(length=200), nullable=True),
        sa.Column("fee_charged", sa.Integer(), nullable=True),
        sa.Column("mentor_name", sa.String(length=60), nullable=True),
        sa.Column("staff_count", sa.Integer(), nullable=True),
        sa.Column("post_staff_count", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("school_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enterprise_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("student_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("log_reminded_for", sa.Date(), nullable=True),
        sa.Column("evaluation_reminded_for", sa.Date(), nullable=True),
        sa.Column("destination", sa.String(length=20), nullable=True),
        sa.Column("destination_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint(f"status IN ({STATES})", name=op.f("ck_internship_placement_status_known")),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_internship_placement_dates_ordered"),
        ),
        sa.CheckConstraint(
            "fee_charged IS NULL OR fee_charged = 0", name=op.f("ck_internship_placement_no_fee")
        ),
        sa.CheckConstraint(
            "destination IS NULL OR destination IN ('host', 'laiwu', 'outside', 'study', 'other')",
            name=op.f("ck_internship_placement_destination_known"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["organisation.id"],
            name=op.f("fk_internship_placement_enterprise_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["posting.id"], name=op.f("fk_internship_placement_posting_id_posting")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organisation.id"], name=op.f("fk_internship_placement_school_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_internship_placement_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship_placement")),
        sa.UniqueConstraint("posting_id", "student_id", name="uq_internship_placement_posting_student"),
    )
    with op.batch_alter_table("internship_placement", schema=None) as batch_op:
        for column in ("enterprise_id", "posting_id", "school_id", "student_id"):
            batch_op.create_index(batch_op.f(f"ix_internship_placement_{column}"), [column], unique=False)
    op.create_table(
        "internship_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('log', 'evaluation', 'visit')", name=op.f("ck_internship_entry_kind_known")
        ),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 1 AND 5", name=op.f("ck_internship_entry_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_internship_entry_author_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["internship_placement.id"],
            name=op.f("fk_internship_entry_placement_id_internship_placement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship_entry")),
        sa.UniqueConstraint(
            "placement_id", "kind", "period", name="uq_internship_entry_placement_kind_period"
        ),
    )
    with op.batch_alter_table("internship_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_internship_entry_placement_id"), ["placement_id"], unique=False)

    op.create_table(
        "student_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("entry_year", sa.Integer(), nullable=True),
        sa.Column("hometown", sa.String(length=40), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("awards", sa.JSON(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cv", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["user.id"], name=op.f("fk_student_profile_student_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_profile")),
        sa.UniqueConstraint("student_id", name=op.f("uq_student_profile_student_id")),
    )


def downgrade():
    op.drop_table("student_profile")
    with op.batch_alter_table("internship_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internship_entry_placement_id"))
    op.drop_table("internship_entry")
    with op.batch_alter_table("internship_placement", schema=None) as batch_op:
        for column in ("enterprise_id", "posting_id", "school_id", "student_id"):
            batch_op.drop_index(batch_op.f(f"ix_internship_placement_{column}"))
    op.drop_table("internship_placement")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("birth_date")
