"""Spreadsheet import and export: all rows or none, bad rows reported by line, files checked."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Program, Teacher
from portal.platform import spreadsheets
from portal.platform.errors import ServiceError
from portal.platform.spreadsheets import INTEGER, Column, ImportRefused, SheetSpec
from tests.conftest import imported, login, refused, shown
from tests.hostile_files import workbook

MAJOR_HEADER = [
    "专业名称",
    "专业代码",
    "年招生计划",
    "在校生",
    "核心技能",
    "1+X证书",
    "实训条件",
    "3+2合作高校",
    "专业介绍",
]
GOOD_MAJORS = [
    [
        "工业机器人技术应用",
        "",
        60,
        150,
        "示教编程、离线仿真",
        "工业机器人操作与运维",
        "机器人实训室",
        "莱芜职业技术学院",
        "智能制造",
    ],
    ["护理", "", 100, 280, "基础护理", "老年照护", "模拟病房", "", "临床护理"],
    ["电子商务（农村电商方向）", None, 40, 90, "直播带货", "网店运营推广", "直播间", "", "生姜大蒜网销"],
]
TEACHER_HEADER = ["姓名", "任教学科", "双师型", "最高学历", "专兼职", "愿意下企业实践"]
GOOD_TEACHERS = [
    ["王老师", "焊接工艺", "是", "bachelor", "full_time", "是"],
    ["李工", "机器人编程", "否", "master", "part_time", "否"],
]


def xlsx(header, rows) -> bytes:
    return workbook([header, *rows])


def csv_bytes(header, rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def multipart(data: bytes, filename: str) -> bytes:
    # Built by hand: the test client spools large bodies to a temporary file it never closes.
    return (
        (
            f'--XQ\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + b"\r\n--XQ--\r\n"
    )


def upload(client, kind, data: bytes, filename: str):
    return shown(
        client,
        client.post(
            f"/school/import/{kind}",
            data=multipart(data, filename),
            content_type="multipart/form-data; boundary=XQ",
        ),
    )


def majors_of(school_id) -> list[str]:
    return sorted(db.session.scalars(select(Program.name).where(Program.school_id == school_id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def staff(build, client):
    user = build.school(name="导入测试学校", programs=())
    login(client, user.email)
    return user


# --- good imports -----------------------------------------------------------------


def test_good_xlsx_import_writes_every_row(app, client, staff):
    response = upload(client, "majors", xlsx(MAJOR_HEADER, GOOD_MAJORS), "专业.xlsx")
    assert imported(response)
    assert majors_of(staff.organisation_id) == sorted(r[0] for r in GOOD_MAJORS)
    robot = db.session.scalar(select(Program).where(Program.name == "工业机器人技术应用"))
    assert (robot.intake_capacity, robot.enrolment, robot.status) == (60, 150, "draft")
    assert robot.partner_college == "莱芜职业技术学院"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_good_csv_import_in_each_encoding(app, client, staff, encoding):
    response = upload(client, "teachers", csv_bytes(TEACHER_HEADER, GOOD_TEACHERS, encoding), "teachers.csv")
    assert imported(response), response.get_data(as_text=True)
    teachers = {t.name: t for t in db.session.scalars(select(Teacher))}
    assert set(teachers) == {"王老师", "李工"}
    assert teachers["王老师"].double_qualified and not teachers["李工"].double_qualified
    assert teachers["李工"].employment == "part_time"


def test_english_headers_and_labels_are_accepted(app, client, staff):
    header = [
        "Name",
        "Subjects",
        "Double-qualified",
        "Highest degree",
        "Employment",
        "Open to enterprise practice",
    ]
    rows = [["Ms Zhao", "Nursing", "yes", "Bachelor", "Full-time", "no"]]
    assert imported(upload(client, "teachers", xlsx(header, rows), "t.xlsx"))
    assert db.session.scalar(select(Teacher.degree)) == "bachelor"


# --- bad rows ---------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_reports_its_line(app, client, staff):
    rows = [*GOOD_MAJORS[:2], ["火箭发射技术", "", 30, 0, "", "", "", "", ""], GOOD_MAJORS[2]]
    response = upload(client, "majors", xlsx(MAJOR_HEADER, rows), "majors.xlsx")
    assert refused(response)
    page = response.get_data(as_text=True)
    assert "火箭发射技术" not in majors_of(staff.organisation_id)
    assert majors_of(staff.organisation_id) == []
    # Header is line 1, so the third data row is line 4.
    assert "4" in page and ("Line 4" in page or "第 4 行" in page or "第4行" in page)


def test_every_bad_row_is_reported(app, client, staff):
    rows = [
        ["护理", "", -5, 0, "", "", "", "", ""],  # line 2: negative intake
        ["护理", "", "很多", 0, "", "", "", "", ""],  # line 3: not a number
        ["焊接技术应用", "", 40, 0, "", "", "", "", ""],  # line 4: good
        ["焊接技术应用", "", 40, 0, "", "", "", "", ""],  # line 5: duplicate of line 4
        ["", "", 40, 0, "", "", "", "", ""],  # line 6: no name
    ]
    with pytest.raises(ImportRefused) as refused:
        from portal.programs import sheets as school_sheets

        school_sheets.import_programs(staff.organisation, xlsx(MAJOR_HEADER, rows), "m.xlsx")
    db.session.rollback()
    lines = sorted({e.line for e in refused.value.errors})
    assert lines == [2, 3, 5, 6]
    assert majors_of(staff.organisation_id) == []


def test_unknown_and_missing_columns_are_reported(app, client, staff):
    response = upload(client, "teachers", csv_bytes(["任教学科", "血型"], [["焊接", "A"]]), "t.csv")
    assert refused(response)
    page = response.get_data(as_text=True)
    assert "血型" in page and count(Teacher) == 0


def test_bad_choice_is_reported_with_allowed_values(app, client, staff):
    rows = [["王老师", "焊接", "是", "博士后", "full_time", "是"]]
    response = upload(client, "teachers", xlsx(TEACHER_HEADER, rows), "t.xlsx")
    assert refused(response)
    assert "博士后" in response.get_data(as_text=True)
    assert count(Teacher) == 0


# --- files that are not what they claim -------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data,filename",
    [
        (PNG, "majors.xlsx"),
        (PNG, "majors.csv"),
        (docx_like(), "majors.xlsx"),
        (b"name,code\n\xe5\xb7\xa5,1\n", "majors.xlsx"),  # CSV text named .xlsx
        (xlsx(MAJOR_HEADER, GOOD_MAJORS), "majors.csv"),  # a workbook named .csv
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "majors.xls"),
        (b"%PDF-1.7 hello", "majors.pdf"),
        (b"", "majors.csv"),
        (b"\x00\x01\x02binary\x03" * 10, "majors.csv"),
    ],
    ids=[
        "png-as-xlsx",
        "png-as-csv",
        "docx-as-xlsx",
        "csv-as-xlsx",
        "xlsx-as-csv",
        "xls",
        "pdf",
        "empty",
        "binary-as-csv",
    ],
)
# Named ids: the generated files carry timestamps, and test ids must be the same in every xdist worker.
def test_wrong_files_are_refused(app, client, staff, data, filename):
    response = upload(client, "majors", data, filename)
    assert refused(response)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count(Program) == 0


def test_file_name_is_never_a_path(app, client, staff):
    response = upload(client, "majors", xlsx(MAJOR_HEADER, GOOD_MAJORS[:1]), "../../etc/passwd.xlsx")
    assert imported(response)
    assert majors_of(staff.organisation_id) == ["工业机器人技术应用"]


def test_over_5_mb_is_refused_with_a_message(app, client, staff):
    data = csv_bytes(MAJOR_HEADER, []) + b"#" * (5 * 1024 * 1024)
    response = upload(client, "majors", data, "big.csv")
    assert refused(response)
    assert "5 MB" in response.get_data(as_text=True)
    assert count(Program) == 0


def test_over_the_request_limit_is_413_with_a_message(app, client, staff):
    data = b"a," * (3 * 1024 * 1024 + 10)  # above MAX_CONTENT_LENGTH (6 MB)
    response = upload(client, "majors", data, "huge.csv")
    assert response.status_code == 413
    assert "5 MB" in response.get_data(as_text=True)
    assert count(Program) == 0


def test_over_5000_rows_is_refused(app, client, staff):
    rows = [["护理", "", 1, 0, "", "", "", "", ""]] * 5001
    response = upload(client, "majors", csv_bytes(MAJOR_HEADER, rows), "many.csv")
    assert refused(response)
    page = response.get_data(as_text=True)
    assert "5,000" in page
    assert count(Program) == 0


def test_empty_sheet_is_refused(app, client, staff):
    assert refused(upload(client, "majors", csv_bytes(MAJOR_HEADER, []), "empty.csv"))


def test_no_file_is_refused(app, client, staff):
    response = client.post("/school/import/majors", data={}, content_type="multipart/form-data")
    assert refused(response)


def test_unknown_list_is_404(app, client, staff):
    assert client.get("/school/import/students").status_code == 404
    assert client.get("/school/export/students.xlsx").status_code == 404


# --- export and templates ---------------------------------------------------------


def test_export_opens_with_openpyxl_and_round_trips(app, build, client, staff):
    upload(client, "majors", xlsx(MAJOR_HEADER, GOOD_MAJORS), "m.xlsx")
    other = build.school(name="别的学校", programs=("药剂",))
    response = client.get("/school/export/majors.xlsx")
    assert response.status_code == 200
    assert response.mimetype == spreadsheets.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    names = sorted(r[0] for r in rows[1:])
    assert names == sorted(r[0] for r in GOOD_MAJORS)  # only this school's, never 药剂

    # The exported workbook imports into another school unchanged.
    login(client, other.email)
    assert imported(upload(client, "majors", response.data, "export.xlsx"))
    assert majors_of(other.organisation_id) == sorted(["药剂", *names])


def test_csv_export_round_trips_and_defuses_formulas(app, build, client, staff):
    formula = '=HYPERLINK("http://evil.example","点我")'
    from portal.programs import services as programs

    programs.create_program(staff.organisation, name="护理", intake_capacity=10, description=formula)
    db.session.commit()
    response = client.get("/school/export/majors.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    other = build.school(name="另一所学校", programs=())
    login(client, other.email)
    assert imported(upload(client, "majors", response.data, "majors.csv"))
    copy = db.session.scalar(select(Program).where(Program.school_id == other.organisation_id))
    assert copy.description == formula


def test_teacher_export_round_trips(app, build, client, staff):
    upload(client, "teachers", xlsx(TEACHER_HEADER, GOOD_TEACHERS), "t.xlsx")
    for fmt in ("xlsx", "csv"):
        data = client.get(f"/school/export/teachers.{fmt}").data
        other = build.school(programs=())
        login(client, other.email)
        assert imported(upload(client, "teachers", data, f"teachers.{fmt}"))
        copied = db.session.scalars(select(Teacher).where(Teacher.school_id == other.organisation_id)).all()
        assert {(t.name, t.double_qualified, t.degree, t.employment) for t in copied} == {
            ("王老师", True, "bachelor", "full_time"),
            ("李工", False, "master", "part_time"),
        }
        login(client, staff.email)


@pytest.mark.parametrize("kind", ["majors", "teachers"])
def test_templates_download_and_import_as_empty(app, client, staff, kind):
    workbook = client.get(f"/school/import/{kind}/template.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.data)).worksheets
    assert len(sheets) == 2  # the list and its notes
    text = client.get(f"/school/import/{kind}/template.csv")
    assert text.status_code == 200 and text.data.startswith(b"\xef\xbb\xbf")
    # An untouched template has a header only: refused as empty, not as malformed.
    response = upload(client, kind, workbook.data, "template.xlsx")
    assert refused(response)


# --- the generic importer, as another list would use it ---------------------------

SPEC = SheetSpec(
    name="things",
    title="Things",
    columns=(Column("title", "Title", required=True, aliases=("标题",)), Column("count", "Count", INTEGER)),
)


def test_generic_importer_with_a_custom_spec(app):
    made = []

    def create(values):
        if values.get("count", 0) > 10:
            raise ServiceError("too many", field="count")
        made.append(values)

    data = csv_bytes(["标题", "Count"], [["甲", 1], ["乙", ""]])
    assert spreadsheets.import_rows(SPEC, data, "x.csv", create) == 2
    assert made == [{"title": "甲", "count": 1}, {"title": "乙"}]
    with pytest.raises(ImportRefused) as refused:
        spreadsheets.import_rows(SPEC, csv_bytes(["标题", "Count"], [["甲", 11], ["", 1]]), "x.csv", create)
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "Count"), (3, "Title")]


def test_utf16_tab_separated_text_is_read(app):
    text = "标题\tCount\n甲\t3\n"
    made = []
    assert spreadsheets.import_rows(SPEC, text.encode("utf-16"), "x.txt", made.append) == 1
    assert made == [{"title": "甲", "count": 3}]


def test_zip_bomb_is_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (spreadsheets.MAX_UNPACKED + 1))
    with pytest.raises(ServiceError):
        spreadsheets.sniff(out.getvalue(), "bomb.xlsx")
