"""internship rules as written (2021): declared facts, weekly hours, insurance, model agreement,
consent, grades, rule version; a student's entry year and sex; an enterprise's dated staff count

Every new column is nullable: placements offered before stay valid as they are (rule_version NULL
reads as the first clause set) and are listed for the school to review.

Revision ID: a7c41e9b2d05
Revises: a5d1f7c3e902
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c41e9b2d05"
down_revision = "a5d1f7c3e902"
branch_labels = None
depends_on = None

PLACEMENT_COLUMNS = (
    ("weekly_hours", sa.Integer()),
    ("rest_days", sa.Integer()),
    ("insurance_payer", sa.String(length=20)),
    ("insurer", sa.String(length=100)),
    ("cover_starts_on", sa.Date()),
    ("cover_ends_on", sa.Date()),
    ("lodging_terms", sa.String(length=300)),
    ("leave_terms", sa.String(length=300)),
    ("accident_terms", sa.String(length=300)),
    ("assessment_terms", sa.String(length=300)),
    ("school_supervisor", sa.String(length=60)),
    ("rule_version", sa.String(length=30)),
    ("student_consent", sa.LargeBinary()),
    ("student_consent_type", sa.String(length=20)),
    ("guardian_consent", sa.LargeBinary()),
    ("guardian_consent_type", sa.String(length=20)),
    ("enterprise_grade", sa.String(length=20)),
    ("school_grade", sa.String(length=20)),
)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=1), nullable=True))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff_count_on", sa.Date(), nullable=True))
    with op.batch_alter_table("internship_placement", schema=None) as batch_op:
        for name, type_ in PLACEMENT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_internship_placement_insurance_not_student"),
            "insurance_payer IS NULL OR insurance_payer <> 'student'",
        )


def downgrade():
    with op.batch_alter_table("internship_placement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_internship_placement_insurance_not_student"), type_="check")
        for name, _ in reversed(PLACEMENT_COLUMNS):
            batch_op.drop_column(name)
    # Plain DROP COLUMN (SQLite ≥ 3.35): a batch rebuild of these tables fails on the foreign keys
    # that point at them once they hold rows.
    for table, column in (("organisation", "staff_count_on"), ("organisation", "staff_count")):
        op.drop_column(table, column)
    for column in ("sex", "entry_year"):
        op.drop_column("user", column)
