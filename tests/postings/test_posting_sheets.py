"""Demand postings in spreadsheets: drafts of the HR's own enterprise, all rows or none, own export only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Posting
from portal.platform import checks, spreadsheets
from portal.platform.spreadsheets import ImportRefused
from portal.postings import services as postings
from portal.postings import sheets as posting_sheets
from tests.conftest import Builders, imported, login, refused, shown
from tests.platform.test_spreadsheets import PNG, csv_bytes, docx_like, multipart, xlsx

TODAY = checks.district_today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


HEADER = [
    "类型",
    "标题",
    "简介",
    "技能",
    "1+X证书",
    "人数",
    "镇街",
    "开始日期",
    "结束日期",
    "报名截止日期",
    "所需专业",
    "班级名称",
    "培养年限",
    "企业提供",
    "企业的要求",
    "每月补贴",
    "工学交替安排",
    "企业师傅",
    "岗位",
    "实习期",
    "月薪",
    "提供住宿",
    "专家",
    "培训课程",
    "培训对象",
    "培训时间",
]


def row(kind: str, title: str, **cells) -> list:
    values = {"类型": kind, "标题": title, "人数": 10, "镇街": "高庄街道", "报名截止日期": day(30), **cells}
    return [values.get(h, "") for h in HEADER]


GOOD_ROWS = [
    row(
        "冠名班",
        "智能制造冠名班",
        简介="三年制",
        技能="焊接、装配",
        所需专业="焊接技术应用",
        班级名称="山东重工冠名班",
        培养年限=3,
        企业提供="奖学金、scholarship、guaranteed_job",
        开始日期=day(60),
        结束日期=day(400),
    ),
    row("订单班", "数控订单班", 所需专业="数控技术应用", 培养年限="2", 镇街="kouzhen"),
    row(
        "现代学徒制",
        "焊工学徒",
        每月补贴=1500,
        工学交替安排="校内2个月、企业2个月交替",
        企业师傅="王师傅/氩弧焊、二保焊/技师；李师傅/钳工/senior_worker",
    ),
    row("现代学徒制", "装配学徒", 工学交替安排="工学交替", 企业师傅="赵师傅/装配/技师、钱师傅/调试/Engineer"),
    row("internship", "装配实习", 岗位="装配工", 实习期=6, 月薪=3200, 提供住宿="是", 人数=20),
    row("企业兼职教师", "机器人编程专家", 专家="李工/机器人焊接编程/高级技师/40"),
    row(
        "职工培训",
        "氩弧焊培训",
        培训课程="不锈钢氩弧焊",
        培训对象="退役军人、disabled",
        培训时间="周末",
        镇街="",
    ),
]


def alert(response) -> str:
    """The import result box only (the page also lists every column's notes)."""
    page = response.get_data(as_text=True)
    start = page.find('data-testid="import-result"')
    assert start >= 0, page
    return page[start : page.find("</div>", start)]


def upload(client, data: bytes, filename: str):
    return shown(
        client,
        client.post(
            "/enterprise/postings/import",
            data=multipart(data, filename),
            content_type="multipart/form-data; boundary=XQ",
        ),
    )


def postings_of(enterprise_id) -> list[Posting]:
    return list(
        db.session.scalars(
            select(Posting).where(Posting.enterprise_id == enterprise_id).order_by(Posting.title)
        )
    )


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Posting))


@pytest.fixture
def hr(build, client):
    user = build.enterprise(name="导入测试企业")
    login(client, user.email)
    return user


def shape(posting: Posting) -> tuple:
    return (
        posting.kind,
        posting.title,
        posting.description,
        posting.skills,
        posting.certificates,
        posting.headcount,
        posting.town,
        posting.start_date,
        posting.end_date,
        posting.deadline,
        posting.details,
        posting.status,
    )


# --- good imports ---------------------------------------------------------------------


def test_good_import_creates_drafts_of_the_hr_enterprise(app, build, client, hr):
    other = build.enterprise(name="别的企业")
    response = upload(client, xlsx(HEADER, GOOD_ROWS), "岗位.xlsx")
    assert imported(response), response.get_data(as_text=True)
    made = {p.title: p for p in postings_of(hr.organisation_id)}
    assert made["装配学徒"].details["mentors"] == [
        {"name": "赵师傅", "skills": "装配", "title": "technician"},
        {"name": "钱师傅", "skills": "调试", "title": "engineer"},
    ]
    assert len(made) == 7 and postings_of(other.organisation_id) == []
    assert {p.status for p in made.values()} == {"draft"}
    named = made["智能制造冠名班"]
    assert named.kind == "order_class" and named.is_named_class
    assert named.details["benefits"] == ["scholarship", "guaranteed_job"]
    assert named.details["years"] == 3 and named.skills == "焊接、装配" and named.town == "gaozhuang"
    assert made["数控订单班"].town == "kouzhen" and not made["数控订单班"].is_named_class
    assert made["焊工学徒"].details["mentors"] == [
        {"name": "王师傅", "skills": "氩弧焊、二保焊", "title": "technician"},
        {"name": "李师傅", "skills": "钳工", "title": "senior_worker"},
    ]
    intern = made["装配实习"]
    assert (intern.kind, intern.headcount, intern.details) == (
        "internship",
        20,
        {
            "positions": "装配工",
            "months": 6,
            "pay": 3200,
            "post_wage": None,
            "lodging": True,
            # A draft may leave the internship rules' answers out; publishing asks for them.
            "post_staff_count": None,
            "venue": None,
            "channel": None,
            "intensity": None,
            "hazards": [],
            "minors_forbidden": None,
            "women_forbidden": None,
        },
    )
    assert made["机器人编程专家"].details["experts"] == [
        {"name": "李工", "expertise": "机器人焊接编程", "title": "senior_technician", "hours": 40}
    ]
    training = made["氩弧焊培训"]
    assert training.details["target_groups"] == ["veterans", "disabled"]
    assert training.town == "fengcheng"  # empty town: the enterprise's own
    # Drafts go through the same service as the form: publishable like any other draft.
    postings.publish(named)
    db.session.commit()


def test_csv_with_english_headers_and_values(app, client, hr):
    header = [
        "Kind",
        "Title",
        "Headcount",
        "Town / street",
        "Application deadline",
        "Positions",
        "Period",
        "Lodging provided",
    ]
    rows = [["Internship", "Summer interns", 5, "Kouzhen Street", day(10), "Assembler", 3, "no"]]
    response = upload(client, csv_bytes(header, rows, "utf-8"), "postings.csv")
    assert imported(response), response.get_data(as_text=True)
    (posting,) = postings_of(hr.organisation_id)
    assert (posting.kind, posting.town, posting.details["lodging"]) == ("internship", "kouzhen", False)


def test_errors_in_english_for_an_english_user(app, client, hr):
    client.set_cookie("lang", "en")
    rows = [GOOD_ROWS[1], row("Summer camp", "Unknown kind")]
    result = alert(upload(client, xlsx(HEADER, rows), "p.xlsx"))
    assert "Line 3" in result and "Summer camp" in result
    assert count() == 0


def test_gbk_csv_import(app, client, hr):
    response = upload(client, csv_bytes(HEADER, GOOD_ROWS[:2], "gbk"), "postings.csv")
    assert imported(response)
    assert count() == 2


# --- bad rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad,word",
    [
        (row("岗位实习", "过期实习", 岗位="焊工", 实习期=3, 报名截止日期=day(-1)), ["报名截止日期", "past"]),
        (row("夏令营", "未知类型"), ["夏令营"]),
        (row("岗位实习", "负数人数", 岗位="焊工", 实习期=3, 人数=-5), ["1000", "1 ", "1和"]),
        (row("岗位实习", "未知镇街", 岗位="焊工", 实习期=3, 镇街="火星镇"), ["火星镇"]),
        (row("冠名班", "没有班名", 所需专业="焊接", 培养年限=3), ["冠名班"]),
        (row("岗位实习", "多填了列", 岗位="焊工", 实习期=3, 每月补贴=100), ["每月补贴", "Monthly stipend"]),
        (
            row("现代学徒制", "师傅格式错", 工学交替安排="交替", 企业师傅="王师傅氩弧焊"),
            ["企业师傅", "mentors"],
        ),
        (row("现代学徒制", "未知职称", 工学交替安排="交替", 企业师傅="王师傅/氩弧焊/大师"), ["大师"]),
        (row("企业兼职教师", "学时非数", 专家="李工/编程/技师/很多"), ["专家", "Experts"]),
        (row("岗位实习", "<script>alert(1)</script>", 岗位="焊工", 实习期=99), ["时间段", "Period"]),
    ],
)
def test_one_bad_row_imports_nothing_and_reports_its_line(app, client, hr, bad, word):
    rows = [*GOOD_ROWS[:2], bad, GOOD_ROWS[3]]
    response = upload(client, xlsx(HEADER, rows), "postings.xlsx")
    assert refused(response)
    page = alert(response)
    assert count() == 0
    # Header is line 1, so the third data row is line 4; no other line is reported.
    assert "Line 4" in page or "第 4 行" in page or "第4行" in page
    assert not any(f"Line {n}" in page or f"第 {n} 行" in page for n in (2, 3, 5))
    assert any(w in page for w in word), page
    assert "<script>alert(1)</script>" not in page


def test_every_bad_row_is_reported_by_the_service(app, hr):
    rows = [
        row("订单班", "", 所需专业="焊接", 培养年限=3),  # line 2: no title
        GOOD_ROWS[1],
        row("岗位实习", "晚于开始", 岗位="焊工", 实习期=3, 开始日期=day(50), 结束日期=day(40)),
    ]  # line 4
    with pytest.raises(ImportRefused) as refused:
        posting_sheets.import_postings(hr, xlsx(HEADER, rows), "p.xlsx")
    db.session.rollback()
    assert sorted({e.line for e in refused.value.errors}) == [2, 4]
    assert count() == 0


@pytest.mark.parametrize("extra", ["enterprise_id", "status", "企业"])
def test_extra_columns_such_as_enterprise_or_status_are_refused(app, build, client, hr, extra):
    other = build.enterprise(name="别人的企业")
    rows = [[*GOOD_ROWS[1], other.organisation_id if extra != "status" else "published"]]
    response = upload(client, xlsx([*HEADER, extra], rows), "p.xlsx")
    assert refused(response)
    assert extra in response.get_data(as_text=True)
    assert count() == 0


def test_required_columns_missing_are_reported(app, client, hr):
    response = upload(client, csv_bytes(["类型", "标题"], [["岗位实习", "无人数"]]), "p.csv")
    assert refused(response)
    assert count() == 0


# --- files that are not what they claim -------------------------------------------------


@pytest.mark.parametrize(
    "data,filename",
    [
        (PNG, "postings.xlsx"),
        (PNG, "postings.csv"),
        (docx_like(), "postings.xlsx"),
        (b"%PDF-1.7 hello", "postings.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "postings.xls"),
        (b"", "postings.csv"),
    ],
    ids=["png-as-xlsx", "png-as-csv", "docx-as-xlsx", "pdf", "xls", "empty"],
)  # the same ids in every xdist worker
def test_wrong_files_are_refused(app, client, hr, data, filename):
    response = upload(client, data, filename)
    assert refused(response)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count() == 0


def test_over_5_mb_is_refused_with_a_message(app, client, hr):
    data = csv_bytes(HEADER, []) + b"#" * (5 * 1024 * 1024)
    response = upload(client, data, "big.csv")
    assert refused(response)
    assert "5 MB" in response.get_data(as_text=True)


def test_over_the_request_limit_is_413_with_a_message(app, client, hr):
    response = upload(client, b"a," * (3 * 1024 * 1024 + 10), "huge.csv")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "5 MB" in page and 'role="alert"' in page
    assert count() == 0


def test_over_5000_rows_is_refused(app, client, hr):
    response = upload(client, csv_bytes(HEADER, [GOOD_ROWS[3]] * 5001), "many.csv")
    assert refused(response)
    assert "5,000" in response.get_data(as_text=True)
    assert count() == 0


def test_no_file_is_refused(app, client, hr):
    response = client.post("/enterprise/postings/import", data={}, content_type="multipart/form-data")
    assert refused(response)


# --- export and templates ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_round_trips_into_another_enterprise(app, build, client, hr, fmt):
    assert imported(upload(client, xlsx(HEADER, GOOD_ROWS), "p.xlsx"))
    Builders.posting(hr, "internship", title="已发布的实习")  # published: exported too, imported as a draft
    response = client.get(f"/enterprise/postings/export.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        assert response.mimetype == spreadsheets.XLSX_MIMETYPE
    else:
        assert response.data.startswith(b"\xef\xbb\xbf")
    other = build.enterprise(name="接收企业")
    login(client, other.email)
    assert imported(upload(client, response.data, f"postings.{fmt}")), response.data
    mine = [shape(p)[:-1] for p in postings_of(hr.organisation_id)]
    copies = postings_of(other.organisation_id)
    assert [shape(p)[:-1] for p in copies] == mine
    assert {p.status for p in copies} == {"draft"}


def test_export_contains_only_own_postings(app, build, client, hr):
    Builders.posting(hr, "order_class", title="我们的订单班")
    other = build.enterprise(name="别家企业")
    Builders.posting(other, "internship", title="别家的实习", publish=False)
    Builders.posting(other, "staff_training", title="别家的培训")
    response = client.get("/enterprise/postings/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["我们的订单班"]
    text = client.get("/enterprise/postings/export.csv").data.decode("utf-8-sig")
    assert "我们的订单班" in text and "别家" not in text


def test_export_defuses_formulas(app, client, hr):
    Builders.posting(hr, "internship", description='=HYPERLINK("http://evil.example","点我")')
    text = client.get("/enterprise/postings/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_templates_download_with_notes(app, client, hr):
    workbook = client.get("/enterprise/postings/import/template.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.data)).worksheets
    assert len(sheets) == 2
    notes = "\n".join(str(c) for r in sheets[1].iter_rows(values_only=True) for c in r if c)
    assert "冠名班" in notes and "/" in notes
    text = client.get("/enterprise/postings/import/template.csv")
    assert text.status_code == 200 and text.data.startswith(b"\xef\xbb\xbf")
    # An untouched template is refused as empty.
    assert refused(upload(client, workbook.data, "template.xlsx"))
    assert refused(upload(client, text.data, "template.csv"))


def test_import_page_and_link_from_the_list(app, client, hr):
    page = client.get("/enterprise/postings").get_data(as_text=True)
    assert "/enterprise/postings/import" in page and "/enterprise/postings/export.xlsx" in page
    response = client.get("/enterprise/postings/import")
    assert response.status_code == 200
    assert 'data-testid="posting-columns"' in response.get_data(as_text=True)


def test_column_headers_do_not_collide(app):
    seen: dict[str, str] = {}
    for column in posting_sheets.POSTINGS.columns:
        for header in column.headers():
            assert seen.setdefault(header, column.key) == column.key, header


# --- access -----------------------------------------------------------------------------

URLS = [
    "/enterprise/postings/import",
    "/enterprise/postings/import/template.xlsx",
    "/enterprise/postings/import/template.csv",
    "/enterprise/postings/export.xlsx",
    "/enterprise/postings/export.csv",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(app, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_other_roles_are_refused(app, build, client):
    staff = build.school()
    student = build.student(staff)
    for user in (staff, student):
        login(client, user.email)
        for url in URLS:
            assert client.get(url).status_code == 403, (user.email, url)
        assert upload(client, xlsx(HEADER, GOOD_ROWS), "p.xlsx").status_code == 403
        client.post("/auth/logout")
    assert count() == 0
