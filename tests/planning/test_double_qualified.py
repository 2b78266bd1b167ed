"""The road to 70 % double-qualified teachers (issue 15, item 2): each teacher's ledger of
enterprise practice and certificates, a school's roadmap, the district's rows on the dashboard
and in the yearly report, and the certificate of teaching service for enterprise experts.

Every figure is computed by hand from records built here.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.models import AuditEntry, Exchange, ExchangeStatus, Teacher, TeacherCertificate, TeacherPractice
from portal.planning import double_qualified as dq
from portal.platform.errors import NotFound, ServiceError
from portal.platform.model_base import utcnow
from portal.programs import records as school_records
from tests.conftest import Builders, client_for

TODAY = date(2026, 12, 1)
MONTH = 365.25 / 12


@pytest.fixture
def school(build):
    return build.school(name="莱芜测试职专")


def teacher(staff, name: str, *, double: bool = False, employment: str = "full_time", open_to_practice=False):
    made = school_records.create_teacher(
        staff.organisation,
        name=name,
        subjects="工业机器人编程、焊接",
        double_qualified=double,
        employment=employment,
        open_to_practice=open_to_practice,
    )
    db.session.commit()
    return made


def practice(staff, who, starts_on: date, days: int, enterprise: str = "山东重工"):
    made = dq.record_practice(
        staff,
        who.id,
        enterprise=enterprise,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        description="车间实践，主任签字证明",
        today=TODAY,
    )
    db.session.commit()
    return made


def certificate(staff, who, kind: str, name: str, level: str, issued_on: date):
    made = dq.add_certificate(
        staff, who.id, kind=kind, name=name, level=level, issued_on=issued_on, today=TODAY
    )
    db.session.commit()
    return made


def ledger_of(who):
    return dq.ledgers([who], TODAY)[who.id]


# --- the ledger ----------------------------------------------------------------------------------


def test_the_window_is_the_five_years_that_end_today():
    assert dq.window_start(TODAY) == date(2021, 12, 2)
    assert dq.window_start(date(2028, 2, 29)) == date(2023, 3, 1)


def test_days_are_counted_once_and_only_inside_the_window(school):
    t = teacher(school, "王老师")
    start = dq.window_start(TODAY)
    practice(school, t, start - timedelta(days=10), 30)  # 10 days before the window: 20 days count
    practice(school, t, date(2025, 3, 1), 31)  # March 2025
    practice(school, t, date(2025, 3, 20), 20)  # overlaps March by 12 days: 8 new days
    book = ledger_of(t)
    assert book.entered_days == 20 + 31 + 8
    assert book.months == round(59 / MONTH, 1) == 1.9
    assert [e.months for e in book.entries] == [
        round(20 / MONTH, 1),
        round(31 / MONTH, 1),
        round(20 / MONTH, 1),
    ]
    assert book.months_missing == round(6 - 59 / MONTH, 1)
    assert book.lacks == ["practice"]  # Art. 4 asks for practice; no source makes a certificate a lack


def test_six_months_of_days_meet_the_rule(school):
    t = teacher(school, "李老师")
    practice(school, t, date(2024, 1, 1), math.ceil(6 * MONTH))  # 183 days
    certificate(school, t, "skill_level", "工业机器人系统运维员", "三级", date(2023, 5, 1))
    book = ledger_of(t)
    assert book.months == 6.0 and book.months_missing == 0 and book.lacks == []


def test_completed_exchanges_count_their_hours_and_planned_ones_do_not(school, build):
    hr = build.enterprise()
    t = teacher(school, "孙老师", open_to_practice=True)
    post = exchanges.create_post(
        hr.organisation, title="焊接机器人实践", skills="焊接", hours_per_term=348, places=2
    )
    done = exchanges.propose_practice(t.id, post.id)
    done.status, done.completed_at = ExchangeStatus.COMPLETED.value, utcnow() - timedelta(days=30)
    planned = exchanges.propose_practice(t.id, post.id)
    planned.status = ExchangeStatus.AGREED.value
    db.session.commit()
    book = dq.ledgers([t])[t.id]
    counted = [e for e in book.entries if e.source == "exchange"]
    assert [(e.months, e.planned) for e in counted] == [(2.0, False), (0.0, True)]  # 348 h = 2 × 174 h
    assert book.months == 2.0 and book.planned_months == 2.0


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"ends_on": TODAY + timedelta(days=1)}, "ends_on"),
        ({"starts_on": date(2025, 5, 2), "ends_on": date(2025, 5, 1)}, "ends_on"),
        ({"enterprise": ""}, "enterprise"),
        ({"description": ""}, "description"),
        ({"evidence": b"MZ\x90\x00 not a document"}, "evidence"),
        ({"evidence": b"%PDF-" + b"0" * (2 * 1024 * 1024)}, "evidence"),
    ],
)
def test_bad_practice_is_refused_beside_its_field_and_nothing_saved(school, changes, field):
    t = teacher(school, "周老师")
    values = {
        "enterprise": "山东重工",
        "starts_on": date(2025, 4, 1),
        "ends_on": date(2025, 4, 30),
        "description": "装配线实践",
        "evidence": None,
        **changes,
    }
    with pytest.raises(ServiceError) as refused:
        dq.record_practice(school, t.id, today=TODAY, **values)
    db.session.rollback()
    assert field in {p.field for p in getattr(refused.value, "problems", [refused.value])}
    assert db.session.scalar(select(func.count()).select_from(TeacherPractice)) == 0


def test_evidence_is_known_by_its_content(school):
    t = teacher(school, "吴老师")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    saved = dq.record_practice(
        school,
        t.id,
        enterprise="山东重工",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 4, 30),
        description="实践",
        evidence=png,
        today=TODAY,
    )
    assert saved.evidence_type == "image/png"


# --- a school's roadmap --------------------------------------------------------------------------


def test_roadmap_share_needed_and_who_is_nearest(school):
    for i in range(6):
        teacher(school, f"双师{i}", double=True)
    near = teacher(school, "近老师")
    teacher(school, "远老师")
    teacher(school, "兼职老师", employment="part_time")  # not a full-time teacher: not counted
    practice(school, near, date(2025, 1, 1), 170)
    certificate(school, near, "one_plus_x", "工业机器人应用编程", "中级", date(2024, 6, 1))
    plan = dq.roadmap(school.organisation, TODAY)
    assert (plan.full_time, plan.double_qualified, plan.share) == (8, 6, 75.0)
    assert plan.needed == 0  # ceil(8 × 0.7) = 6
    assert [c.ledger.teacher.name for c in plan.candidates] == ["近老师", "远老师"]
    assert plan.candidates[0].ledger.lacks == ["practice"]
    assert (plan.subject_teachers, plan.subject_double_qualified, plan.subject_share) == (8, 6, 75.0)

    teacher(school, "新老师")
    teacher(school, "新老师二")
    plan = dq.roadmap(school.organisation, TODAY)
    assert (plan.full_time, plan.share, plan.needed) == (10, 60.0, 1)  # ceil(7.0) − 6


def test_the_share_both_ways_and_art_4_only_for_subject_teachers(school):
    """The plan counts all full-time teachers; the national measure, subject teachers. 教师〔2016〕3号
    Art. 4's six months apply to subject teachers (practice instructors included) only."""
    teacher(school, "专业课甲", double=True)
    teacher(school, "专业课乙")
    for name in ("语文老师", "数学老师"):
        school_records.create_teacher(school.organisation, name=name, subject_teacher=False)
    db.session.commit()
    plan = dq.roadmap(school.organisation, TODAY)
    assert (plan.full_time, plan.double_qualified, plan.share) == (4, 1, 25.0)
    assert (plan.subject_teachers, plan.subject_double_qualified, plan.subject_share) == (2, 1, 50.0)
    assert plan.short_of_practice == 2  # both subject teachers, certified or not; never the others
    public = next(c.ledger for c in plan.candidates if c.ledger.teacher.name == "语文老师")
    assert (public.practice_applies, public.lacks) == (False, [])
    assert plan.candidates[0].ledger.teacher.name == "专业课乙"  # subject teachers first
    row = next(r for r in dq.district_rows(TODAY) if r["school"] == "莱芜测试职专")
    assert (row["share"], row["subject_share"], row["short_of_practice"]) == (25.0, 50.0, 2)


def test_district_rows_match_the_dashboard_and_the_workbook(app, school, build):
    teacher(school, "甲", double=True)
    teacher(school, "乙", double=True)
    teacher(school, "丙")
    admin = build.admin()
    db.session.commit()
    rows = dq.district_rows()
    mine = next(r for r in rows if r["school"] == "莱芜测试职专")
    assert (mine["full_time"], mine["double_qualified"], mine["share"], mine["needed"]) == (3, 2, 66.7, 1)
    html = client_for(app, admin).get("/admin/dashboard").get_data(as_text=True)
    assert 'data-testid="dq-schools"' in html and "66.7%" in html
    data = client_for(app, admin).get("/admin/dashboard/report.xlsx").data
    sheet = next(
        ws
        for ws in load_workbook(io.BytesIO(data)).worksheets
        if ws.max_column == 9 and any(c.value == "莱芜测试职专" for c in ws["A"])
    )
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "莱芜测试职专")
    assert row[1:8] == (3, 2, 66.7, 3, 66.7, 70, 1)


# --- pages, access, languages ------------------------------------------------------------------


def record_practice(client, teacher, evidence: bytes, filename: str, description: str = "实践"):
    """Staff record a teacher's month of practice at 山东重工 through the form, with its evidence file."""
    return client.post(
        f"/school/teachers/{teacher.id}/practice/new",
        data={
            "enterprise": "山东重工",
            "starts_on": "2025-04-01",
            "ends_on": "2025-04-30",
            "description": description,
            "evidence": (io.BytesIO(evidence), filename),
        },
        content_type="multipart/form-data",
    )


def test_staff_record_practice_and_certificate_through_the_pages(app, school):
    t = teacher(school, "郑老师")
    client = client_for(app, school)
    response = record_practice(client, t, b"%PDF-1.4 evidence", "证明.pdf", description="装配线实践")
    assert response.status_code == 302
    saved = db.session.scalar(select(TeacherPractice))
    assert saved.evidence_type == "application/pdf"
    file = client.get(f"/school/practice/{saved.id}/evidence")
    assert (
        file.status_code == 200
        and file.data.startswith(b"%PDF-")
        and file.headers["Cache-Control"] == "no-store"
    )
    posted = client.post(
        f"/school/teachers/{t.id}/certificates",
        data={"kind": "skill_level", "name": "焊工", "level": "高级工", "issued_on": "2024-01-10"},
    )
    assert posted.status_code == 302
    page = client.get(f"/school/teachers/{t.id}/practice").get_data(as_text=True)
    assert "山东重工" in page and "焊工" in page


@pytest.mark.parametrize(
    "lang,message",
    [
        ("zh", "证明材料必须是 PDF、PNG 或 JPEG 文件。"),
        ("en", "The evidence must be a PDF, PNG or JPEG file."),
    ],
)
def test_a_bad_file_is_refused_in_the_readers_language(app, school, lang, message):
    t = teacher(school, "冯老师")
    client = client_for(app, school)
    client.post("/lang", data={"lang": lang})
    response = record_practice(client, t, b"GIF89a not allowed", "证明.pdf")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TeacherPractice)) == 0


def test_another_schools_teacher_and_records_are_not_found(app, school, build):
    t = teacher(school, "卫老师")
    saved = practice(school, t, date(2025, 1, 1), 10)
    other = build.school(name="别的学校")
    client = client_for(app, other)
    assert client.get(f"/school/teachers/{t.id}/practice").status_code == 404
    posted = client.post(
        f"/school/teachers/{t.id}/certificates",
        data={"kind": "skill_level", "name": "焊工", "level": "", "issued_on": "2024-01-10"},
    )
    assert posted.status_code == 404
    assert client.get(f"/school/practice/{saved.id}/evidence").status_code == 404
    client.post(f"/school/practice/{saved.id}/remove")
    assert db.session.get(TeacherPractice, saved.id) is not None
    with pytest.raises(NotFound):
        dq.ledger(other, t.id)
    assert db.session.scalar(select(func.count()).select_from(TeacherCertificate)) == 0
    hr = build.enterprise()
    assert client_for(app, hr).get("/school/double-qualified").status_code == 403


def test_roadmap_page_in_both_languages(app, school):
    teacher(school, "蒋老师", double=True)
    teacher(school, "沈老师")
    client = client_for(app, school)
    zh = client.get("/school/double-qualified").get_data(as_text=True)
    assert "迈向 70% 双师型教师" in zh and "沈老师" in zh and 'data-testid="dq-share-value">50.0%' in zh
    client.post("/lang", data={"lang": "en"})
    en = client.get("/school/double-qualified").get_data(as_text=True)
    assert "The road to 70% double-qualified teachers" in en and "Full-time teachers not yet certified" in en
    assert "教师〔2016〕3号 Art. 4" in en and "教师厅〔2022〕2号" in en


# --- the certificate of teaching service ---------------------------------------------------------


def test_certificate_of_teaching_service(app, school, build):
    hr = build.enterprise()
    other_school = build.school(name="第二职专")
    posting = Builders.posting(
        hr,
        "part_time_teacher",
        title="焊接技师到校兼职授课",
        details={
            "experts": [{"name": "刘工", "expertise": "焊接机器人", "title": "technician", "hours": 100}]
        },
    )
    done = []
    for staff, hours in ((school, 30), (other_school, 20)):
        need = school_records.create_need(
            staff.organisation, course="焊接机器人离线编程", skills="焊接机器人", hours=hours
        )
        db.session.flush()
        exchange = exchanges.propose_expert(posting.id, 0, need.id)
        exchange.status, exchange.completed_at = ExchangeStatus.COMPLETED.value, utcnow()
        done.append(exchange)
    db.session.commit()

    enterprise_view = client_for(app, hr).get(f"/enterprise/exchanges/{done[0].id}/teaching-certificate")
    text = enterprise_view.get_data(as_text=True)
    assert enterprise_view.status_code == 200 and "刘工" in text
    assert 'data-testid="certificate-hours">50<' in text  # both schools, for the expert's employer
    school_view = client_for(app, school).get(f"/school/exchanges/{done[0].id}/teaching-certificate")
    assert 'data-testid="certificate-hours">30<' in school_view.get_data(
        as_text=True
    )  # its own teaching only
    assert (
        client_for(app, school).get(f"/school/exchanges/{done[1].id}/teaching-certificate").status_code == 404
    )
    stranger = build.enterprise(name="别的企业")
    assert (
        client_for(app, stranger).get(f"/enterprise/exchanges/{done[0].id}/teaching-certificate").status_code
        == 404
    )
    db.session.get(Exchange, done[0].id).status = ExchangeStatus.AGREED.value
    db.session.commit()
    assert (
        client_for(app, hr).get(f"/enterprise/exchanges/{done[0].id}/teaching-certificate").status_code == 404
    )


# --- the demo data -------------------------------------------------------------------------------


def test_demo_school_is_one_teacher_short_of_seventy_percent(app, demo):
    row = next(r for r in dq.district_rows() if r["school"] == "莱芜职业中专")
    assert (row["full_time"], row["double_qualified"], row["share"], row["needed"]) == (110, 76, 69.1, 1)
    wang = db.session.scalar(select(Teacher).where(Teacher.name == "王海燕（演示）"))
    book = dq.ledgers([wang])[wang.id]
    assert book.entered_days == 92 + 68 and book.lacks == ["practice"] and 0 < book.months_missing < 1


def test_a_certificate_name_as_long_as_the_form_allows_is_saved(app, school):
    """Issue 22.3: a name of 41–120 characters (the form allows 120) gave a 500: the audit entry's
    state column holds 40. The certificate keeps its whole name; the entry a shortened one."""
    t = teacher(school, "韩老师")
    name = "工业机器人应用编程职业技能等级证书（中级）" * 5  # 105 characters
    response = client_for(app, school).post(
        f"/school/teachers/{t.id}/certificates",
        data={"kind": "skill_level", "name": name, "level": "中级", "issued_on": "2024-01-10"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(TeacherCertificate.name)) == name
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "add_certificate")).one()
    assert entry.to_state == name[:39] + "…"


def test_a_practice_place_goes_first_to_a_teacher_who_needs_it(app, school, build):
    """One free place, whose skills read closest to a certified teacher's with her six months done:
    it is suggested to the uncertified teacher short of practice, and her road says so."""
    done = teacher(school, "孙海燕", double=True, open_to_practice=True)
    practice(school, done, date(2025, 1, 1), 200)
    short = school_records.create_teacher(
        school.organisation, name="王海燕", subjects="焊接", open_to_practice=True
    )
    post = exchanges.create_post(
        build.enterprise().organisation,
        title="焊接机器人工作站调试实践",
        skills="工业机器人编程、焊接",
        hours_per_term=60,
        places=1,
    )
    db.session.commit()
    assert [(s.offer.id, s.target.id) for s in exchanges.practice_suggestions()] == [(short.id, post.id)]
    road = {c.ledger.teacher.name: c.posts for c in dq.roadmap(school.organisation).candidates}
    assert [s.target.id for s in road["王海燕"]] == [post.id]

    # A second place: the certified teacher has her suggestion too, after those who need one.
    second = exchanges.create_post(
        post.enterprise,
        title="工业机器人编程实践",
        skills="工业机器人编程、焊接",
        hours_per_term=60,
        places=1,
    )
    db.session.commit()
    found = [(s.offer.id, s.target.id) for s in exchanges.practice_suggestions()]
    assert found[0][0] == short.id
    assert {t for t, _ in found} == {short.id, done.id} and {p for _, p in found} == {post.id, second.id}


def test_the_school_home_shows_the_share_against_the_target(app, school):
    """The home carries the plan's headline figure, counted as the road counts it (full-time only)."""
    for name, double in (("甲", True), ("乙", True), ("丙", False)):
        teacher(school, name, double=double)
    teacher(school, "兼职丁", double=True, employment="part_time")
    road = dq.roadmap(school.organisation)
    home = client_for(app, school)
    home.post("/lang", data={"lang": "en", "next": "/school/"})
    card = (
        home.get("/school/").text.split('data-testid="double-qualified-share"', 1)[1].split("</section>")[0]
    )
    assert (
        f"<strong>{road.share}%</strong>" in card
        and "2 of 3 full-time teachers; the plan asks for 70%" in card
    )
    assert f"{road.needed} more teacher to reach the target." in card and road.needed == 1
    assert 'href="/school/double-qualified"' in card


def test_the_school_asks_a_practice_place_for_a_teacher_itself(app, school, build):
    """The matcher gave the one place to another; the school chooses it for the teacher short of
    practice. Once only; never for another school's teacher; never beyond the free places."""
    short = teacher(school, "王海燕", open_to_practice=True)
    hr = build.enterprise()
    post = exchanges.create_post(
        hr.organisation, title="焊接机器人工作站调试实践", skills="焊接", hours_per_term=60, places=1
    )
    db.session.commit()
    client = client_for(app, school)
    ledger = client.get(f"/school/teachers/{short.id}/practice").text
    assert 'data-testid="practice-place-form"' in ledger and "焊接机器人工作站调试实践" in ledger

    done = client.post(f"/school/teachers/{short.id}/practice-place", data={"post_id": post.id})
    assert done.status_code == 302 and done.headers["Location"].endswith("/school/exchanges")
    asked = db.session.scalar(select(Exchange))
    assert (asked.teacher_id, asked.practice_post_id, asked.status) == (
        short.id,
        post.id,
        "accepted_by_school",
    )

    again = client.post(f"/school/teachers/{short.id}/practice-place", data={"post_id": post.id})
    assert again.status_code == 400 and "王海燕 已有进行中的交流" in again.text
    assert db.session.scalar(select(func.count()).select_from(Exchange)) == 1
    other = teacher(school, "李老师", open_to_practice=True)
    full = client.post(f"/school/teachers/{other.id}/practice-place", data={"post_id": post.id})
    assert full.status_code == 400 and "名额已满" in full.text  # the one place is held

    stranger = client_for(app, build.school(name="别的学校"))
    assert (
        stranger.post(f"/school/teachers/{short.id}/practice-place", data={"post_id": post.id}).status_code
        == 404
    )
    assert db.session.scalar(select(func.count()).select_from(Exchange)) == 1


def test_certified_teachers_short_of_practice_are_listed_too(app, school):
    """The figure of subject teachers short of practice has its list: the uncertified among the
    candidates, the certified ones in their own list (Art. 4 asks it of every subject teacher)."""
    certified = teacher(school, "赵老师", double=True)
    done = teacher(school, "钱老师", double=True)
    practice(school, done, date(2024, 1, 1), 200)
    teacher(school, "孙老师")
    road = dq.roadmap(school.organisation, today=TODAY)
    assert road.short_of_practice == 2 and [ledger.teacher.id for ledger in road.certified_short] == [
        certified.id
    ]
    page = client_for(app, school).get("/school/double-qualified").text
    listed = page.split('data-testid="dq-certified-short"', 1)[1].split("</section>", 1)[0]
    assert "赵老师" in listed and "钱老师" not in listed and "孙老师" not in listed
    assert '<a href="#short-h">2</a>' in page
