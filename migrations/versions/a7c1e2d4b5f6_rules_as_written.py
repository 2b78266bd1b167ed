"""rules as written (issue 24): rule settings, the part-time quota's funding, pilot enterprises
recommended by the district and confirmed by the province (approved ones become confirmed, with a
note that the province's decision document is missing), teachers' 双师型 level, date and certifying body
(yes/no flags become level "unknown" with a note) and whether they teach subject courses, the
apprenticeship training agreement of a pairing, and the free-choice clause of named classes (NULL for
classes made before it: listed for review)

Revision ID: a7c1e2d4b5f6
Revises: a7c41e9b2d05
Create Date: 2026-12-06 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c1e2d4b5f6"
down_revision = "a7c41e9b2d05"
branch_labels = None
depends_on = None

TEACHER_NOTE = "迁移：原“双师型”是/否标记，未记录级别、认定日期和认定机构，请学校补录。"
OPEN_SQL = "status IN ('submitted', 'recommended', 'confirmed')"
MIGRATED_NOTE = "迁移：原由区里批准；产教融合型企业由省级发展改革、教育部门确认（发改社会〔2019〕590号第四条），省级确认文件（文号、日期）待补录。"


def upgrade():
    op.create_table(
        "rule_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_email", sa.String(length=254), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["user.id"], name=op.f("fk_rule_setting_set_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_setting")),
    )
    with op.batch_alter_table("rule_setting", schema=None) as batch_op:
        batch_op.create_index("ix_rule_setting_key_id", ["key", "id"], unique=False)

    # Plain ADD COLUMN (never a batch recreate) on tables others refer to: on SQLite a recreate drops
    # the table, which foreign keys refuse, or cascade (teacher → practice periods, certificates).
    op.add_column("organisation", sa.Column("part_time_funding", sa.Integer(), nullable=True))
    op.add_column("organisation", sa.Column("part_time_spending", sa.Integer(), nullable=True))

    with op.batch_alter_table("pilot_enterprise_application", schema=None) as batch_op:
        batch_op.drop_index("uq_pilot_enterprise_open")
        batch_op.drop_constraint(op.f("ck_pilot_enterprise_application_status_known"), type_="check")
        batch_op.add_column(sa.Column("criteria", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("recommendation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("recommended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("notice_starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notice_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decision_document", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("decision_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decision_recorded_at", sa.DateTime(timezone=True), nullable=True))
    application = sa.table(
        "pilot_enterprise_application",
        sa.column("status", sa.String),
        sa.column("criteria", sa.JSON),
        sa.column("decision_note", sa.Text),
    )
    op.execute(application.update().values(criteria=[]))
    # The district approved these itself; 590 has the province confirm. They stay counted, marked for
    # the district to record the province's document.
    op.execute(
        application.update()
        .where(application.c.status == "approved")
        .values(status="confirmed", decision_note=MIGRATED_NOTE)
    )
    with op.batch_alter_table("pilot_enterprise_application", schema=None) as batch_op:
        batch_op.alter_column("criteria", existing_type=sa.JSON(), nullable=False)
        batch_op.create_check_constraint(
            "status_known",
            "status IN ('submitted', 'recommended', 'confirmed', 'not_confirmed', 'rejected', 'withdrawn', "
            "'revoked')",
        )
        batch_op.create_check_constraint(
            "notice_ordered",
            "notice_ends_on IS NULL OR notice_starts_on IS NULL OR notice_ends_on >= notice_starts_on",
        )
        batch_op.create_index(
            "uq_pilot_enterprise_open",
            ["enterprise_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_SQL),
            postgresql_where=sa.text(OPEN_SQL),
        )

    op.add_column("teacher", sa.Column("dq_level", sa.String(length=20), nullable=True))
    op.add_column("teacher", sa.Column("dq_certified_on", sa.Date(), nullable=True))
    op.add_column("teacher", sa.Column("dq_certified_by", sa.String(length=20), nullable=True))
    op.add_column("teacher", sa.Column("dq_note", sa.String(length=300), nullable=True))
    op.add_column(
        "teacher", sa.Column("subject_teacher", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    teacher = sa.table(
        "teacher",
        sa.column("double_qualified", sa.Boolean),
        sa.column("dq_level", sa.String),
        sa.column("dq_note", sa.String),
    )
    # The flag recorded no level: "unknown" keeps the teacher counted and asks the school to complete it
    # (初级 would assert a certification under the 2022 standard that nobody recorded).
    op.execute(
        teacher.update()
        .where(teacher.c.double_qualified.is_(True))
        .values(dq_level="unknown", dq_note=TEACHER_NOTE)
    )

    op.create_table(
        "apprentice_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("stipend_yuan", sa.Integer(), nullable=False),
        sa.Column("insurer", sa.String(length=120), nullable=False),
        sa.Column("insurance_policy", sa.String(length=120), nullable=False),
        sa.Column("insurance_paid_by", sa.String(length=20), nullable=False),
        sa.Column("insurance_from", sa.Date(), nullable=False),
        sa.Column("insurance_until", sa.Date(), nullable=False),
        sa.Column("apprentice_minor", sa.Boolean(), nullable=False),
        sa.Column("guardian_name", sa.String(length=60), nullable=True),
        sa.Column("guardian_relation", sa.String(length=30), nullable=True),
        sa.Column("guardian_consent_on", sa.Date(), nullable=True),
        sa.Column("terms_version", sa.String(length=30), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stipend_yuan > 0", name=op.f("ck_apprentice_agreement_stipend_positive")),
        sa.CheckConstraint(
            "insurance_until >= insurance_from", name=op.f("ck_apprentice_agreement_insurance_ordered")
        ),
        sa.CheckConstraint(
            "insurance_paid_by IN ('enterprise', 'school')",
            name=op.f("ck_apprentice_agreement_insurance_not_by_apprentice"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["organisation.id"],
            name=op.f("fk_apprentice_agreement_enterprise_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["apprentice_place.id"],
            name=op.f("fk_apprentice_agreement_place_id_apprentice_place"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["apprenticeship_programme.id"],
            name=op.f("fk_apprentice_agreement_programme_id_apprenticeship_programme"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_apprentice_agreement_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organisation.id"], name=op.f("fk_apprentice_agreement_school_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_apprentice_agreement_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apprentice_agreement")),
        sa.UniqueConstraint("programme_id", "student_id", name="uq_apprentice_agreement_programme_student"),
    )
    with op.batch_alter_table("apprentice_agreement", schema=None) as batch_op:
        for column in ("enterprise_id", "place_id", "programme_id", "school_id", "student_id"):
            batch_op.create_index(batch_op.f(f"ix_apprentice_agreement_{column}"), [column], unique=False)

    op.add_column("named_class", sa.Column("free_choice", sa.Boolean(), nullable=True))
    op.add_column("named_class", sa.Column("free_choice_clause", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("named_class", "free_choice_clause")
    op.drop_column("named_class", "free_choice")
    op.drop_table("apprentice_agreement")
    for column in ("subject_teacher", "dq_note", "dq_certified_by", "dq_certified_on", "dq_level"):
        op.drop_column("teacher", column)
    with op.batch_alter_table("pilot_enterprise_application", schema=None) as batch_op:
        batch_op.drop_index("uq_pilot_enterprise_open")
        batch_op.drop_constraint(op.f("ck_pilot_enterprise_application_notice_ordered"), type_="check")
        batch_op.drop_constraint(op.f("ck_pilot_enterprise_application_status_known"), type_="check")
    application = sa.table("pilot_enterprise_application", sa.column("status", sa.String))
    op.execute(application.update().where(application.c.status == "confirmed").values(status="approved"))
    op.execute(
        application.update()
        .where(application.c.status.in_(("recommended", "not_confirmed", "withdrawn")))
        .values(status="rejected")
    )
    with op.batch_alter_table("pilot_enterprise_application", schema=None) as batch_op:
        for column in (
            "decision_recorded_at",
            "decision_note",
            "decision_date",
            "decision_document",
            "notice_note",
            "notice_days",
            "notice_ends_on",
            "notice_starts_on",
            "recommended_at",
            "recommendation",
            "criteria",
        ):
            batch_op.drop_column(column)
        batch_op.create_check_constraint(
            "status_known", "status IN ('submitted', 'approved', 'rejected', 'revoked')"
        )
        batch_op.create_index(
            "uq_pilot_enterprise_open",
            ["enterprise_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('submitted', 'approved')"),
            postgresql_where=sa.text("status IN ('submitted', 'approved')"),
        )
    op.drop_column("organisation", "part_time_spending")
    op.drop_column("organisation", "part_time_funding")
    with op.batch_alter_table("rule_setting", schema=None) as batch_op:
        batch_op.drop_index("ix_rule_setting_key_id")
    op.drop_table("rule_setting")
