"""岗位实习 placements: the state machine, the 2021 rules at offer and approval, ownership, pages.

Every refused step changes nothing; foreign ids are 404s; each rule refuses a violating offer
with its message in English and in Chinese.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.internships import services as internships
from portal.internships.services import OfferTerms
from portal.models import AuditEntry, Notification, Placement, PostingKind
from portal.platform import checks
from portal.platform.errors import Conflict, NotFound, ServiceError
from tests.conftest import POSTING_DETAILS, Builders, login, refused_unchanged

TODAY = checks.district_today()
ADULT = date(TODAY.year - 18, 1, 1)
MINOR = date(TODAY.year - 16, 6, 1)  # 16 or 17 when the offers below start


def terms(**changes) -> OfferTerms:
    base = OfferTerms(
        starts_on=TODAY + timedelta(days=30),
        ends_on=TODAY + timedelta(days=210),
        daily_hours=8,
        shift_pattern="白班 8:00–17:00，周一至周五",
        night_shifts=False,
        overtime=False,
        holiday_work=False,
        pay_monthly=3200,
        post_wage=4000,
        insurance_policy="实习责任保险 PICC-2026-001",
        fee_charged=0,
        mentor_name="王师傅",
        weekly_hours=40,
        rest_days=2,
        insurance_payer="enterprise",
        insurer="人保财险莱芜支公司",
        cover_starts_on=TODAY + timedelta(days=30),
        cover_ends_on=TODAY + timedelta(days=210),
        lodging_terms="提供宿舍和午餐",
        leave_terms="向导师和指导教师请假",
        accident_terms="保险以外费用由企业先行承担",
        assessment_terms="导师与指导教师共同考核",
    )
    made = replace(base, **changes)
    if "cover_starts_on" not in changes and "cover_ends_on" not in changes:
        made = replace(made, cover_starts_on=made.starts_on, cover_ends_on=made.ends_on)
    return made


PDF = b"%PDF-1.4\n% consent\n%%EOF\n"
POST_DETAILS = {**POSTING_DETAILS["internship"], "positions": "焊工", "months": 6, "post_staff_count": 40}


def internship_posting(hr, *, title="焊接岗位实习", **details):
    return Builders.posting(
        hr,
        PostingKind.INTERNSHIP.value,
        title=title,
        description="焊接 实习",
        headcount=5,
        deadline=TODAY + timedelta(days=20),
        details=dict(POST_DETAILS, **details),
    )


def make_world(build):
    """A school with a student, and an enterprise of 500 staff with a published internship."""
    staff = build.school()
    hr = build.enterprise()
    student = build.student(staff)
    internships.record_staff(hr, 500)
    posting = internship_posting(hr)
    return type(
        "World", (), {"staff": staff, "hr": hr, "student": student, "posting": posting, "build": build}
    )


@pytest.fixture
def world(app, build):
    return make_world(build)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def snapshot():
    db.session.expire_all()
    return (
        count(AuditEntry),
        count(Notification),
        tuple(db.session.execute(select(Placement.id, Placement.status).order_by(Placement.id))),
    )


def refused(action, error=ServiceError):
    """A service call refused; nothing of `snapshot()` changed."""
    return refused_unchanged(action, snapshot, error=error)


def messages(error) -> dict[str, str]:
    problems = getattr(error, "problems", None) or [error]
    with force_locale("en"):
        return {p.field: str(p.message) for p in problems}


def applied(
    world, student=None, *, birth=ADULT, entry_year=TODAY.year - 2, sex="m", posting=None
) -> Placement:
    placement = internships.apply(
        student or world.student,
        (posting or world.posting).id,
        "我想学焊接",
        birth,
        entry_year=entry_year,
        sex=sex,
    )
    db.session.commit()
    return placement


def approve(world, placement) -> None:
    internships.approve(world.staff, placement.id, "李老师")


def accepted_and_started(world, placement) -> None:
    """The student accepts the offer; the school approves, all three sign, the internship starts."""
    internships.answer(placement.student, placement.id, accept=True)
    approve(world, placement)
    sign_all(world, placement)
    internships.start(world.hr, placement.id)


def sign_all(world, placement) -> None:
    internships.upload_consent(placement.student, placement.id, own=PDF, guardian=PDF)
    for user in (world.staff, world.hr, placement.student):
        internships.sign(user, placement.id)


def grade_both(world, placement) -> None:
    internships.grade(world.hr, placement.id, "good")
    internships.grade(world.staff, placement.id, "excellent")


def test_whole_loop_with_audit_and_notifications(world):
    placement = applied(world)
    assert placement.status == "applied" and placement.school_id == world.staff.organisation_id
    internships.shortlist(world.hr, placement.id)
    internships.offer(world.hr, placement.id, terms())
    assert placement.status == "offered" and placement.pay_monthly == 3200 and placement.fee_charged == 0
    accepted_and_started(world, placement)
    grade_both(world, placement)
    internships.complete(world.staff, placement.id)
    internships.hire(world.hr, placement.id)
    db.session.commit()
    assert placement.status == "hired"
    actions = list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "internship_placement")
            .order_by(AuditEntry.id)
        )
    )
    assert actions == [
        "apply",
        "shortlist",
        "offer",
        "accept",
        "approve",
        "upload_consent",
        "sign",
        "sign",
        "sign",
        "start",
        "grade",
        "grade",
        "complete",
        "hire",
    ]
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == world.student.id)))
    assert {"internship_offered", "internship_approved", "internship_hired"} <= kinds
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == world.hr.id, Notification.kind == "internship_applied")
        )
        == 1
    )


@pytest.mark.parametrize(
    "changes, field, words_en, words_zh",
    [
        ({"night_shifts": True}, "night_shifts", "night shifts", "夜班"),
        ({"overtime": True}, "overtime", "overtime", "加班"),
        ({"holiday_work": True}, "holiday_work", "public holidays", "法定节假日"),
        ({"daily_hours": 9}, "daily_hours", "8 hours", "8小时"),
        ({"pay_monthly": 3199}, "pay_monthly", "80 % of the same post's wage: at least 3200 yuan", "80%"),
        ({"insurance_policy": ""}, "insurance_policy", "required", "必填"),
        ({"fee_charged": 100}, "fee_charged", "No fee", "费用"),
        ({"weekly_hours": 46, "rest_days": 1}, "weekly_hours", "40 hours a week", "40小时"),
        ({"rest_days": 0}, "rest_days", "one day of rest", "休息"),
        ({"insurance_payer": "student"}, "insurance_payer", "never be paid by the student", "学生"),
        (
            {"cover_ends_on": TODAY + timedelta(days=100)},
            "cover_ends_on",
            "cover the whole internship",
            "整个实习",
        ),
        ({"lodging_terms": ""}, "lodging_terms", "required", "必填"),
    ],
)
def test_each_rule_refuses_a_violating_offer(world, changes, field, words_en, words_zh):
    placement = applied(world)
    error = refused(lambda: internships.offer(world.hr, placement.id, terms(**changes)))
    assert words_en in messages(error)[field]
    with force_locale("zh"):
        problems = getattr(error, "problems", None) or [error]
        assert words_zh in str(next(p.message for p in problems if p.field == field))


def test_no_student_under_16(world):
    placement = applied(world, world.build.student(world.staff), birth=date(TODAY.year - 15, 6, 1))
    error = refused(lambda: internships.offer(world.hr, placement.id, terms()))
    assert "under 16" in messages(error)["starts_on"] and "Art. 16(2)" in messages(error)["starts_on"]


def test_every_problem_at_once(world):
    placement = applied(world)
    error = refused(
        lambda: internships.offer(
            world.hr, placement.id, terms(night_shifts=True, fee_charged=5, pay_monthly=100)
        )
    )
    assert {"night_shifts", "fee_charged", "pay_monthly"} <= set(messages(error))


def test_field_checks_and_rules_are_one_round(world):
    """A missing text or an out-of-range number no longer hides the rules' problems until the next
    submission (issue 26's "errors come in rounds", on the offer): every problem in one answer."""
    placement = applied(world)
    error = refused(
        lambda: internships.offer(
            world.hr,
            placement.id,
            terms(
                shift_pattern="", insurer="", daily_hours=30, night_shifts=True, fee_charged=100, rest_days=0
            ),
        )
    )
    found = messages(error)
    assert {"shift_pattern", "insurer", "daily_hours", "night_shifts", "fee_charged", "rest_days"} <= set(
        found
    )
    assert "8 hours" not in found["daily_hours"]  # out of range: its field says so, no rule judges it


def test_exactly_80_percent_and_exactly_10_and_20_percent_pass(world):
    internships.record_staff(world.hr, 10)
    posting = internship_posting(world.hr, title="小岗位", post_staff_count=5)
    placement = applied(world, posting=posting)
    internships.offer(world.hr, placement.id, terms(pay_monthly=3200, post_wage=4000))
    db.session.commit()
    assert placement.status == "offered"


def test_approval_checks_the_shares_again(world):
    """Two offers fit one intern place (10 % of 10 staff); the second approval is refused."""
    internships.record_staff(world.hr, 10)
    first, second = applied(world), applied(world, world.build.student(world.staff))
    for placement in (first, second):
        internships.offer(world.hr, placement.id, terms())
        internships.answer(placement.student, placement.id, accept=True)
    approve(world, first)
    db.session.commit()
    error = refused(lambda: internships.approve(world.staff, second.id, "李老师"))
    assert "10 % of the enterprise's 10 employees" in messages(error)["staff_count"]


def test_steps_out_of_order_are_refused(world):
    placement = applied(world)
    refused(lambda: internships.answer(world.student, placement.id, accept=True), Conflict)
    refused(lambda: internships.approve(world.staff, placement.id), Conflict)
    refused(lambda: internships.hire(world.hr, placement.id), Conflict)
    internships.offer(world.hr, placement.id, terms())
    internships.answer(world.student, placement.id, accept=False, reason="已找到其他实习")
    db.session.commit()
    assert placement.status == "declined"
    refused(lambda: internships.answer(world.student, placement.id, accept=True), Conflict)


def test_only_the_parties_see_or_act(world):
    placement = applied(world)
    other_hr = world.build.enterprise()
    other_staff = world.build.school()
    other_student = world.build.student(other_staff)
    for user in (other_hr, other_staff, other_student):
        refused(lambda u=user: internships.get_for(u, placement.id), NotFound)
    refused(lambda: internships.offer(other_hr, placement.id, terms()), NotFound)
    refused(lambda: internships.offer(world.staff, placement.id, terms()), NotFound)  # school cannot offer
    refused(lambda: internships.approve(world.hr, placement.id), NotFound)  # enterprise cannot approve
    assert internships.placements_of(other_hr) == []


def test_apply_twice_and_to_other_kinds_refused(world):
    applied(world)
    again = dict(entry_year=TODAY.year - 2, sex="m")
    refused(lambda: internships.apply(world.student, world.posting.id, "再来一次", ADULT, **again), Conflict)
    other = world.build.student(world.staff)
    error = refused(lambda: internships.apply(other, world.posting.id, "", None))
    assert set(messages(error)) == {"statement", "birth_date", "entry_year", "sex"}


def test_public_listing_filters_and_pages(world, client):
    page = client.get("/internships/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "焊接岗位实习" in html and 'data-rule="pay"' in html
    assert "焊接岗位实习" not in client.get("/internships/?town=kouzhen").get_data(as_text=True)
    assert "焊接岗位实习" in client.get("/internships/?major=焊接").get_data(as_text=True)
    assert client.get("/internships/?page=999999999999").status_code == 200


def test_pages_follow_the_loop(world, client):
    login(client, world.student.email)
    response = client.post(
        f"/student/internships/apply/{world.posting.id}",
        data={
            "statement": "我想学焊接",
            "birth_date": ADULT.isoformat(),
            "entry_year": str(TODAY.year - 2),
            "sex": "m",
        },
    )
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement))
    client.get("/auth/logout")
    login(client, world.hr.email)
    assert "焊接岗位实习" in client.get("/enterprise/internships/").get_data(as_text=True)
    bad = client.post(
        f"/enterprise/internships/{placement.id}/offer",
        data={
            **{k: str(v) for k, v in vars(terms()).items() if not isinstance(v, bool)},
            "night_shifts": "y",
        },
    )
    assert bad.status_code == 400 and 'id="night_shifts-error"' in bad.get_data(as_text=True)
    good = client.post(
        f"/enterprise/internships/{placement.id}/offer",
        data={k: str(v) for k, v in vars(terms()).items() if not isinstance(v, bool)},
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == "offered"


def test_offer_form_shows_the_recorded_staff_counts(world, client):
    """Issue 26: the offer form starts with the enterprise's recorded employees and the post's count;
    they are shown, never taken from the request (the shares are judged on the records)."""
    import re

    placement = applied(world)
    login(client, world.hr.email)
    html = client.get(f"/enterprise/internships/{placement.id}").get_data(as_text=True)
    staff = re.search(r'<input[^>]*name="staff_count"[^>]*>', html).group(0)
    post = re.search(r'<input[^>]*name="post_staff_count"[^>]*>', html).group(0)
    assert 'value="500"' in staff and "readonly" in staff
    assert 'value="40"' in post and "readonly" in post
    good = {k: str(v) for k, v in vars(terms()).items() if not isinstance(v, bool)}
    bad = client.post(
        f"/enterprise/internships/{placement.id}/offer",
        data={**good, "daily_hours": "12", "staff_count": "9"},
    )
    assert bad.status_code == 400
    staff = re.search(r'<input[^>]*name="staff_count"[^>]*>', bad.get_data(as_text=True)).group(0)
    assert 'value="500"' in staff  # the record, not what was sent
    response = client.post(
        f"/enterprise/internships/{placement.id}/offer", data={**good, "staff_count": "99999"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).staff_count == 500


def test_foreign_placement_page_is_404(world, client):
    placement = applied(world)
    other = world.build.enterprise()
    login(client, other.email)
    assert client.get(f"/enterprise/internships/{placement.id}").status_code == 404
    assert client.post(f"/enterprise/internships/{placement.id}/shortlist").status_code in (302, 404)
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == "applied"


def completed(world, student=None) -> Placement:
    placement = applied(world, student)
    internships.offer(world.hr, placement.id, terms())
    accepted_and_started(world, placement)
    grade_both(world, placement)
    internships.complete(world.hr, placement.id)
    db.session.commit()
    return placement


def test_outcomes_one_query_and_stay_rate(world, client, app):
    from sqlalchemy import event

    from portal.internships import outcomes as internship_outcomes

    hired = completed(world)
    internships.hire(world.hr, hired.id)
    away = completed(world, world.build.student(world.staff))
    internships.record_destination(world.staff, away.id, "outside")
    applied(world, world.build.student(world.staff))
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = internship_outcomes.outcomes()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    district = result.district
    assert (district.applied, district.placed, district.destinations) == (3, 2, 2)
    assert district.stay_rate == 50.0 and district.hired_by_partner_rate == 50.0
    assert round(district.placement_rate, 1) == 66.7
    assert [o.name for o in result.schools] == [world.staff.organisation.name]
    assert result.cooperations == []  # these partners have no cooperation
    page = client.get("/stats").get_data(as_text=True)
    assert 'data-testid="stay-rate">50.0 %' in page and world.student.name not in page
    # The yearly report's workbook carries the same figures, on a sheet of their own.
    import io

    from openpyxl import load_workbook

    from portal.statistics import report as statistics_report

    with app.test_request_context():
        sheet = load_workbook(io.BytesIO(statistics_report.yearly_report_workbook()))["实习与去向"]
    rows = {(r[0], r[1]): r[2:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("全区", "全区")] == (3, 2, 66.7, 50.0, 50.0)
    assert rows[("学校", world.staff.organisation.name)][:2] == (3, 2)


def test_destination_only_by_the_school_after_completion(world):
    placement = applied(world)
    refused(lambda: internships.record_destination(world.staff, placement.id, "laiwu"), Conflict)
    done = completed(world, world.build.student(world.staff))
    refused(lambda: internships.record_destination(world.hr, done.id, "laiwu"), NotFound)
    error = refused(lambda: internships.record_destination(world.staff, done.id, "mars"))
    assert error.field == "destination"


def test_agreement_needs_all_three_before_the_start(world, client):
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    refused(lambda: internships.sign(world.hr, placement.id), Conflict)  # not approved yet
    internships.answer(world.student, placement.id, accept=True)
    approve(world, placement)
    internships.sign(world.staff, placement.id)
    internships.sign(world.hr, placement.id)
    db.session.commit()
    refused(lambda: internships.sign(world.hr, placement.id), Conflict)  # twice
    refused(lambda: internships.start(world.hr, placement.id))  # the student has not confirmed
    outsider = world.build.enterprise()
    refused(lambda: internships.sign(outsider, placement.id), NotFound)
    error = refused(lambda: internships.sign(world.student, placement.id))  # no consent yet
    assert "consent" in messages(error)["student_consent"]
    internships.upload_consent(world.student, placement.id, own=PDF)
    internships.sign(world.student, placement.id)
    db.session.commit()
    assert placement.is_signed
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == world.student.id)))
    assert "internship_agreement_signed" in kinds
    login(client, world.student.email)
    page = client.get(f"/student/internships/{placement.id}/agreement").get_data(as_text=True)
    assert "实习责任保险 PICC-2026-001" in page and 'data-testid="agreement-signed"' in page
    docx = client.get(f"/student/internships/{placement.id}/agreement.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK" and docx.headers["Cache-Control"] == "no-store"
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "80%" in text or "80 %" in text
    client.get("/auth/logout")
    login(client, world.build.enterprise().email)
    assert client.get(f"/enterprise/internships/{placement.id}/agreement.docx").status_code == 404


def test_rules_listed_on_the_posting_with_apply_for_students(world, client):
    assert 'data-rule="share"' in client.get(f"/postings/{world.posting.id}").get_data(as_text=True)
    login(client, world.student.email)
    page = client.get(f"/postings/{world.posting.id}").get_data(as_text=True)
    assert f"/student/internships/apply/{world.posting.id}" in page


def test_demo_data_has_every_state_and_outcomes_and_loads_twice(app, demo):
    from portal.internships import outcomes as internship_outcomes
    from portal.models import PlacementStatus
    from seed.loader import load_demo, remove_demo

    states = set(db.session.scalars(select(Placement.status)))
    assert states == {s.value for s in PlacementStatus}
    result = internship_outcomes.outcomes()
    assert result.district.stay_rate is not None
    assert [o.name for o in result.cooperations] and result.cooperations[0].stay_rate is not None
    assert load_demo()["internships"] == 0
    db.session.commit()
    remove_demo()
    db.session.commit()
    assert count(Placement) == 0


def running(world) -> Placement:
    placement = applied(world)
    internships.offer(
        world.hr,
        placement.id,
        terms(starts_on=TODAY - timedelta(days=60), ends_on=TODAY + timedelta(days=120)),
    )
    accepted_and_started(world, placement)
    db.session.commit()
    return placement


def test_timeline_each_party_writes_its_own_kind_once_per_period(world, client):
    placement = running(world)
    monday = TODAY - timedelta(days=TODAY.weekday())
    internships.add_entry(world.student, placement.id, "log", TODAY, "学习了焊接机器人示教。", today=TODAY)
    internships.add_entry(world.hr, placement.id, "evaluation", TODAY, "态度认真，进步明显。", 4, today=TODAY)
    internships.add_entry(
        world.staff, placement.id, "visit", TODAY, "到车间巡查，安全防护到位。", today=TODAY
    )
    db.session.commit()
    refused(
        lambda: internships.add_entry(world.student, placement.id, "log", monday, "again", today=TODAY),
        Conflict,
    )
    refused(lambda: internships.add_entry(world.student, placement.id, "evaluation", TODAY, "x", 5), NotFound)
    error = refused(
        lambda: internships.add_entry(
            world.hr, placement.id, "evaluation", TODAY + timedelta(days=1), "", 9, today=TODAY
        )
    )
    assert set(messages(error)) == {"day", "text", "score"}
    kinds = [e.kind for e in internships.timeline(placement)]
    assert sorted(kinds) == ["evaluation", "log", "visit"]
    for email, area in ((world.hr.email, "enterprise"), (world.staff.email, "school")):
        login(client, email)
        page = client.get(f"/{area}/internships/{placement.id}").get_data(as_text=True)
        assert "学习了焊接机器人示教。" in page and "到车间巡查" in page
        client.get("/auth/logout")


def test_reminders_once_per_period(world):
    placement = running(world)
    sent = internships.send_reminders(TODAY)
    db.session.commit()
    assert sent == 2  # last week's log and last month's evaluation are missing
    assert internships.send_reminders(TODAY) == 0  # run again: nothing more
    db.session.commit()
    kinds = list(
        db.session.scalars(
            select(Notification.kind).where(
                Notification.kind.in_(["internship_log_late", "internship_evaluation_late"])
            )
        )
    )
    assert sorted(kinds) == ["internship_evaluation_late", "internship_log_late"]
    last_week = TODAY - timedelta(days=TODAY.weekday() + 7)
    internships.add_entry(world.student, placement.id, "log", last_week, "补写上周日志", today=TODAY)
    db.session.commit()
    assert internships.send_reminders(TODAY + timedelta(days=7)) >= 1  # a new week, a new reminder


def test_next_steps_follow_the_service(world):
    placement = applied(world)
    assert internships.next_steps(placement, "enterprise") == {"shortlist", "reject", "offer"}
    assert internships.next_steps(placement, "school") == set()
    internships.offer(world.hr, placement.id, terms())
    internships.answer(world.student, placement.id, accept=True)
    approve(world, placement)
    internships.sign(world.hr, placement.id)
    assert internships.next_steps(placement, "enterprise") == set()  # signed; the others have not
    assert internships.next_steps(placement, "school") == {"sign"}


# --- the rules added from the 2021 text (portal/rules/internships.py) ----------------------------


def test_first_year_student_refused_at_apply_and_at_offer(world):
    """Art. 16(1): before 1 September of the year after entry, no 岗位实习."""
    starts = TODAY + timedelta(days=30)
    first_year = starts.year if starts.month >= 9 else starts.year - 1
    dated = internship_posting(world.hr, title="有开始日期的实习")
    dated.start_date = starts
    db.session.commit()
    error = refused(
        lambda: internships.apply(world.student, dated.id, "想实习", ADULT, entry_year=first_year, sex="m")
    )
    assert "first school year" in messages(error)["entry_year"] and "16(1)" in messages(error)["entry_year"]
    placement = applied(world, entry_year=first_year)  # the undated posting: judged at the offer
    error = refused(lambda: internships.offer(world.hr, placement.id, terms(starts_on=starts)))
    assert "first-year" in messages(error)["starts_on"]
    with force_locale("zh"):
        assert "一年级" in str(error.problems[0].message if hasattr(error, "problems") else error.message)


def test_minors_and_women_forbidden_work_refused(world):
    minor = applied(world, world.build.student(world.staff), birth=MINOR)
    woman = applied(world, world.build.student(world.staff), sex="f")
    world.posting.details = dict(POST_DETAILS, minors_forbidden="yes", women_forbidden="yes")
    db.session.commit()
    error = refused(lambda: internships.offer(world.hr, minor.id, terms()))
    assert "forbidden to minors" in messages(error)["starts_on"]
    error = refused(lambda: internships.offer(world.hr, woman.id, terms()))
    assert "forbidden to women" in messages(error)["starts_on"] and "16(4)" in messages(error)["starts_on"]
    internships.offer(world.hr, applied(world).id, terms())  # an adult man may take the post


@pytest.mark.parametrize(
    "answer, field, words",
    [
        ({"venue": "entertainment"}, "venue", "Art. 16(5)"),
        ({"channel": "agency"}, "channel", "Art. 16(6)"),
        ({"intensity": "3"}, "intensity", "Art. 16(7)"),
        ({"hazards": ["height"]}, "hazards", "Art. 17"),
    ],
)
def test_forbidden_posts_refused_when_declared(world, answer, field, words):
    from portal.postings import services as postings

    def save():
        return Builders.posting(world.hr, title="KTV服务员实习", details=dict(POST_DETAILS, **answer))

    before = count(Placement)
    error = refused(save)
    assert words in messages(error)[field]
    assert count(Placement) == before
    draft = Builders.posting(
        world.hr, title="草稿", details={"positions": "服务员", "months": 3}, publish=False
    )
    error = refused(lambda: postings.publish(draft))
    assert {"venue", "channel", "intensity", "hazards"} <= set(messages(error))


def test_keywords_and_long_internships_warn_without_refusing(world):
    posting = internship_posting(world.hr, title="KTV 包厢服务实习")
    placement = applied(world, posting=posting)
    internships.offer(world.hr, placement.id, terms(ends_on=TODAY + timedelta(days=400)))
    with force_locale("en"):
        found = " ".join(str(w) for w in internships.warnings(placement))
    assert "KTV" in found and "six months" in found


def test_guardian_consent_for_a_minor_and_consent_by_content(world, client):
    minor = world.build.student(world.staff)
    placement = applied(world, minor, birth=MINOR)
    internships.offer(world.hr, placement.id, terms())
    internships.answer(minor, placement.id, accept=True)
    approve(world, placement)
    error = refused(lambda: internships.upload_consent(minor, placement.id, own=b"MZ not a pdf"))
    assert "PDF, PNG or JPEG" in messages(error)["student_consent"]
    refused(lambda: internships.upload_consent(world.student, placement.id, own=PDF), NotFound)
    internships.upload_consent(minor, placement.id, own=PDF)
    db.session.commit()
    error = refused(lambda: internships.sign(minor, placement.id))
    assert "guardian" in messages(error)["guardian_consent"]
    internships.upload_consent(minor, placement.id, guardian=b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    for user in (world.staff, world.hr, minor):
        internships.sign(user, placement.id)
    db.session.commit()
    login(client, world.hr.email)
    page = client.get(f"/enterprise/internships/{placement.id}/agreement").get_data(as_text=True)
    assert 'data-testid="guardian-consent"' in page
    got = client.get(f"/enterprise/internships/{placement.id}/consent/guardian")
    assert got.status_code == 200 and got.data.startswith(b"\x89PNG")
    client.get("/auth/logout")
    login(client, world.build.enterprise().email)
    assert client.get(f"/enterprise/internships/{placement.id}/consent/guardian").status_code == 404


def test_completion_needs_both_grades(world):
    placement = running(world)
    error = refused(lambda: internships.complete(world.hr, placement.id))
    assert {"enterprise_grade", "school_grade"} == set(messages(error))
    refused(lambda: internships.grade(world.hr, placement.id, "superb"))
    refused(lambda: internships.grade(world.student, placement.id, "good"), NotFound)
    grade_both(world, placement)
    internships.complete(world.hr, placement.id)
    db.session.commit()
    assert (placement.status, placement.enterprise_grade, placement.school_grade) == (
        "completed",
        "good",
        "excellent",
    )


def test_shares_come_from_the_record_and_count_overlapping_dates(world):
    world.hr.organisation.staff_count = None
    db.session.commit()
    placement = applied(world)
    error = refused(lambda: internships.offer(world.hr, placement.id, terms()))
    assert "employees on the job first" in messages(error)["staff_count"]
    error = refused(lambda: internships.record_staff(world.hr, 0))
    assert error.field == "staff_count"
    internships.record_staff(world.hr, 10)  # one intern at a time
    db.session.commit()
    # The district's day when it was recorded (TODAY is the day the module was read: a suite that
    # runs across the district's midnight, 16:00 UTC, would see the day change in between).
    assert world.hr.organisation.staff_count_on == checks.district_today()
    spring = terms(starts_on=TODAY + timedelta(days=10), ends_on=TODAY + timedelta(days=100))
    autumn = terms(starts_on=TODAY + timedelta(days=200), ends_on=TODAY + timedelta(days=300))
    internships.offer(world.hr, placement.id, spring)
    internships.answer(world.student, placement.id, accept=True)
    approve(world, placement)
    later = applied(world, world.build.student(world.staff))
    internships.offer(world.hr, later.id, autumn)  # no overlap: the place is free again
    overlapping = applied(world, world.build.student(world.staff))
    error = refused(lambda: internships.offer(world.hr, overlapping.id, spring))
    assert "10 %" in messages(error)["staff_count"]
    assert placement.staff_count == 10 and placement.post_staff_count == 40  # snapshots at the offer


def test_a_past_agreement_keeps_its_clauses_and_is_listed_for_review(world, client):
    """A placement offered before the rule version (rule_version NULL) keeps the first clause set; the
    school sees it among those today's rules would refuse, and nothing about it changes."""
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    placement.rule_version = None
    world.student.entry_year = None  # the old application did not ask
    db.session.commit()
    assert internships.clauses_for(placement) == internships.LEGACY_CLAUSES
    with force_locale("en"):
        review = internships.to_review(world.staff)
    assert [p.id for p, _ in review] == [placement.id]
    assert any("year of entry" in m for m in review[0][1])
    login(client, world.staff.email)
    page = client.get("/school/internships/").get_data(as_text=True)
    assert 'data-testid="to-review"' in page
    assert internships.to_review(world.hr) == []
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == "offered"


def test_agreement_page_has_every_model_clause_and_prints(world, client):
    placement = running(world)
    login(client, world.student.email)
    page = client.get(f"/student/internships/{placement.id}/agreement").get_data(as_text=True)
    with force_locale("zh"):
        for clause in internships.AGREEMENT_CLAUSES:
            assert str(clause).split("：")[0] in page
    for words in ("李老师", "提供宿舍和午餐", "人保财险莱芜支公司", "data-print"):
        assert words in page


def test_hr_is_warned_of_words_in_an_internship_posting(world, client):
    from portal.rules import internships as rules

    assert rules.keyword_warnings("网吧管理员", "高空作业") == ["网吧", "高空"]
    assert rules.major_fit_warning("焊接技术应用", "焊接岗位") is None
    with force_locale("en"):
        assert "major" in str(rules.major_fit_warning("护理", "焊接岗位", "焊工"))
    login(client, world.hr.email)
    data = {
        "title": "网吧夜班实习",
        "headcount": "3",
        "town": "fengcheng",
        "deadline": (TODAY + timedelta(days=20)).isoformat(),
        "positions": "网管",
        "months": "3",
    }
    page = client.post("/enterprise/postings/new/internship", data=data, follow_redirects=True)
    assert "网吧" in page.get_data(as_text=True) and "flash-info" in page.get_data(as_text=True)
