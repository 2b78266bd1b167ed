"""The school's spreadsheets: majors and teachers, imported and exported.

Each row goes through the same service function as the form, so an imported
row obeys exactly the same rules.
"""

from __future__ import annotations

from portal.organisations import services as organisations
from portal.organisations.models import School
from portal.platform import spreadsheets
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.spreadsheets import BOOLEAN, CHOICE, INTEGER, Column, SheetSpec
from portal.programs import records as school_records
from portal.programs import services as programs
from portal.programs.models import Program
from portal.programs.school_models import Degree, Employment, TargetGroup, Teacher

DEGREE_LABELS: dict[str, object] = {
    Degree.SECONDARY.value: _l("Secondary or below"),
    Degree.ASSOCIATE.value: _l("Associate (专科)"),
    Degree.BACHELOR.value: _l("Bachelor"),
    Degree.MASTER.value: _l("Master"),
    Degree.DOCTORATE.value: _l("Doctorate"),
}

EMPLOYMENT_LABELS: dict[str, object] = {
    Employment.FULL_TIME.value: _l("Full-time"),
    Employment.PART_TIME.value: _l("Part-time"),
}

# The plan's item 12 groups, one label each everywhere (issue 28: portal.training.models).
TARGET_GROUP_LABELS: dict[str, object] = TargetGroup.labels()

MAJORS = SheetSpec(
    name="majors",
    title=_l("Majors"),
    columns=(
        Column(
            "name",
            _l("Major name"),
            required=True,
            aliases=("专业名称", "专业", "名称"),
            hint=_l("As in the national catalogue; a direction may follow in brackets."),
        ),
        Column(
            "code",
            _l("Catalogue code"),
            aliases=("专业代码", "代码"),
            hint=_l("Optional; filled from the catalogue when left empty."),
        ),
        Column("intake_capacity", _l("Annual intake"), INTEGER, aliases=("年招生计划", "招生计划", "年招生")),
        Column("enrolment", _l("Current enrolment"), INTEGER, aliases=("在校生", "在校生人数")),
        Column("skills", _l("Skills taught"), aliases=("核心技能", "技能")),
        Column("certificates", _l("1+X certificates"), aliases=("1+x证书", "证书", "职业技能等级证书")),
        Column("facilities", _l("Training facilities"), aliases=("实训条件", "实训基地")),
        Column(
            "partner_college", _l("3+2 partner college"), aliases=("3+2合作高校", "合作高职", "贯通培养院校")
        ),
        Column("description", _l("Description"), aliases=("专业介绍", "简介", "说明")),
    ),
)

TEACHERS = SheetSpec(
    name="teachers",
    title=_l("Teachers"),
    columns=(
        Column("name", _l("Name"), required=True, aliases=("姓名", "教师姓名")),
        Column("subjects", _l("Subjects"), aliases=("任教学科", "学科", "课程")),
        Column("double_qualified", _l("Double-qualified"), BOOLEAN, aliases=("双师型", "是否双师型")),
        Column("degree", _l("Highest degree"), CHOICE, choices=DEGREE_LABELS, aliases=("最高学历", "学历")),
        Column(
            "employment", _l("Employment"), CHOICE, choices=EMPLOYMENT_LABELS, aliases=("专兼职", "聘用方式")
        ),
        Column(
            "open_to_practice",
            _l("Open to enterprise practice"),
            BOOLEAN,
            aliases=("愿意下企业实践", "企业实践"),
        ),
    ),
)


def program_row(program: Program) -> dict:
    return {column.key: getattr(program, column.key) for column in MAJORS.columns}


def teacher_row(teacher: Teacher) -> dict:
    return {column.key: getattr(teacher, column.key) for column in TEACHERS.columns}


def import_programs(school: School, data: bytes, filename: str | None) -> int:
    organisations.ensure_may_import(school)
    return spreadsheets.import_rows(
        MAJORS, data, filename, lambda values: programs.create_program(school, **values)
    )


def import_teachers(school: School, data: bytes, filename: str | None) -> int:
    organisations.ensure_may_import(school)
    return spreadsheets.import_rows(
        TEACHERS, data, filename, lambda values: school_records.create_teacher(school, **values)
    )


def export(kind: str, school_id: int, fmt: str) -> bytes:
    """The school's own majors or teachers only (never another school's)."""
    if kind == "majors":
        spec, rows = MAJORS, [program_row(p) for p in programs.programs_of_school(school_id)]
    else:
        spec, rows = TEACHERS, [teacher_row(t) for t in school_records.teachers_of_school(school_id)]
    return spreadsheets.write_xlsx(spec, rows) if fmt == "xlsx" else spreadsheets.write_csv(spec, rows)


def template(kind: str, fmt: str) -> bytes:
    spec = MAJORS if kind == "majors" else TEACHERS
    return (
        spreadsheets.write_xlsx(spec, [], with_notes=True)
        if fmt == "xlsx"
        else spreadsheets.write_csv(spec, [])
    )


SPECS = {"majors": MAJORS, "teachers": TEACHERS}
