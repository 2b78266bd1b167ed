"""Named classes (冠名班/订单班): publication, applications, admissions, pages, exports.

Every illegal transition is refused with a message and changes nothing (no row,
no audit entry, no notification); foreign ids are 404. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import (
    AdmissionsMode,
    AuditEntry,
    ClassApplication,
    Cooperation,
    CooperationKind,
    CooperationStatus,
    NamedClass,
    Notification,
    User,
)
from portal.named_classes import services as nc
from portal.named_classes.services import NamedClassInput, NotPermitted
from portal.platform import checks
from portal.platform.errors import NotFound, ServiceError
from tests.conftest import Builders, client_for, login, refused_unchanged

TODAY = checks.district_today()


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def state() -> tuple:
    """What a refused action must leave exactly as it was."""
    db.session.expire_all()
    return (
        count(AuditEntry),
        count(Notification),
        tuple(
            db.session.execute(
                select(NamedClass.id, NamedClass.status, NamedClass.taken).order_by(NamedClass.id)
            )
        ),
        tuple(
            db.session.execute(
                select(
                    ClassApplication.id, ClassApplication.status, ClassApplication.decision_reason
                ).order_by(ClassApplication.id)
            )
        ),
    )


def refused(action, error=ServiceError, match: str | None = None):
    """A service call refused; nothing of `state()` changed."""
    return refused_unchanged(action, state, error=error, match=match)


# --- builders -----------------------------------------------------------------------------


def make_cooperation(
    staff: User,
    hr: User,
    *,
    kind=CooperationKind.ORDER_CLASS,
    seats=30,
    mode=AdmissionsMode.SCHOOL,
    status=CooperationStatus.ACTIVE,
) -> Cooperation:
    return Builders.cooperation(
        staff,
        hr,
        kind=kind.value,
        seats=seats,
        start_date=day(60),
        admissions_mode=mode.value,
        status=status.value,
    )


def class_input(**overrides) -> NamedClassInput:
    values = {
        "name": "山东重工智能制造冠名班",
        "seats": 5,
        "opens_on": day(-1),
        "closes_on": day(10),
        "decide_by": day(30),
        "scholarship": True,
        "guaranteed_job": True,
        "equipment": False,
        "mentors": True,
        "benefits_detail": "每年奖学金 2000 元",
        "criteria": "焊接技术应用专业二年级，身体健康",
    }
    values.update(overrides)
    return NamedClassInput(**values)


@pytest.fixture
def world(build):
    """A school with staff and two confirmed students, its enterprise partner, and an open class."""
    staff = build.school(name="莱芜测试职专")
    hr = build.enterprise(name="山东重工测试")
    students = [build.student(staff), build.student(staff)]
    cooperation = make_cooperation(staff, hr)
    named_class = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
    db.session.commit()
    return SimpleNamespace(
        staff=staff, hr=hr, students=students, cooperation=cooperation, named_class=named_class, build=build
    )


def with_mode(world, mode: AdmissionsMode) -> None:
    world.cooperation.admissions_mode = mode.value
    db.session.commit()


# --- the class -------------------------------------------------------------------------------


def test_an_order_class_must_leave_students_free_to_choose_and_shows_the_clause(app, build):
    """The district's rule (setting order_class_free_choice; no national text confirmed): refused beside
    the field with its source, the clause recorded with the class and shown to applicants."""
    staff, hr = build.school(), build.enterprise()
    cooperation = make_cooperation(staff, hr, seats=40)
    with pytest.raises(ServiceError) as refused:
        nc.create_named_class(staff, cooperation.id, class_input(free_choice=False, seats=400))
    db.session.rollback()
    fields = {p.field for p in getattr(refused.value, "problems", [refused.value])}
    assert fields == {"seats", "free_choice"}  # every problem at once
    assert count(NamedClass) == 0
    made = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
    db.session.commit()
    assert made.free_choice is True and "自主选择就业单位" in made.free_choice_clause
    page = app.test_client().get(f"/named-classes/{made.id}").get_data(as_text=True)
    assert 'data-testid="free-choice-clause"' in page and "自主选择就业单位" in page


def test_with_the_rule_off_a_class_without_the_clause_is_allowed_and_says_so(app, build):
    from portal.rules import services as rule_settings

    staff, hr = build.school(), build.enterprise()
    admin = build.admin()
    rule_settings.set_value(admin, "order_class_free_choice", 0, "试行期间暂不要求")
    cooperation = make_cooperation(staff, hr, seats=40)
    made = nc.create_named_class(staff, cooperation.id, class_input(free_choice=False), publish=True)
    db.session.commit()
    assert (made.free_choice, made.free_choice_clause) == (False, None)


def test_classes_made_before_the_clause_are_listed_for_review(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = make_cooperation(staff, hr, seats=40)
    made = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
    made.free_choice, made.free_choice_clause = None, None  # as the migration leaves older classes
    db.session.commit()
    client = client_for(app, staff)
    assert 'data-testid="free-choice-review"' in client.get("/school/named-classes").get_data(as_text=True)


def test_school_publishes_a_named_class_from_its_order_class_cooperation(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = make_cooperation(staff, hr, seats=40)
    draft = nc.create_named_class(staff, cooperation.id, class_input(seats=40))
    db.session.commit()
    assert (draft.status, draft.taken, draft.seats) == ("draft", 0, 40)
    assert draft.school_id == staff.organisation_id and draft.enterprise_id == hr.organisation_id
    assert draft.program.name == "焊接技术应用"
    nc.open_named_class(staff, draft.id)
    db.session.commit()
    assert draft.status == "open" and draft.opened_at is not None
    actions = [
        (e.action, e.from_state, e.to_state)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "named_class").order_by(AuditEntry.id)
        )
    ]
    assert actions == [("create", None, "draft"), ("publish", "draft", "open")]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "publish", AuditEntry.subject_type == "named_class")
    ).one()
    assert set(entry.organisation_ids) == {staff.organisation_id, hr.organisation_id}
    note = db.session.scalars(
        select(Notification).where(
            Notification.user_id == hr.id, Notification.kind == "named_class_published"
        )
    ).one()
    assert note.link == f"/named-classes/{draft.id}"


def test_publish_refusals(app, build):
    staff, hr = build.school(), build.enterprise()
    other_staff = build.school(name="外校")
    internship = make_cooperation(staff, hr, kind=CooperationKind.INTERNSHIP)
    ended = make_cooperation(staff, hr, status=CooperationStatus.ENDED)
    order = make_cooperation(staff, hr, seats=10)
    refused(lambda: nc.create_named_class(staff, internship.id, class_input()), match="order-class")
    refused(lambda: nc.create_named_class(staff, ended.id, class_input()), match="ended")
    error = refused(lambda: nc.create_named_class(staff, order.id, class_input(seats=11)))
    assert error.field == "seats"
    refused(lambda: nc.create_named_class(staff, order.id, class_input(seats=0)))
    refused(
        lambda: nc.create_named_class(staff, order.id, class_input(closes_on=day(-2), opens_on=day(-5))),
        match="past",
    )
    refused(lambda: nc.create_named_class(staff, order.id, class_input(opens_on=day(5), closes_on=day(4))))
    refused(lambda: nc.create_named_class(staff, order.id, class_input(decide_by=day(9))))
    refused(lambda: nc.create_named_class(staff, order.id, class_input(name=" ")))
    # Not a partner: the cooperation does not exist for them. The enterprise partner: not its job.
    refused(lambda: nc.create_named_class(other_staff, order.id, class_input()), NotFound)
    refused(lambda: nc.create_named_class(hr, order.id, class_input()), NotPermitted)
    refused(lambda: nc.create_named_class(staff, 999_999, class_input()), NotFound)


def test_open_and_close_rules(app, world):
    refused(lambda: nc.open_named_class(world.staff, world.named_class.id), match="draft")
    refused(lambda: nc.close_named_class(world.hr, world.named_class.id), NotPermitted)
    other = world.build.school(name="别的学校")
    refused(lambda: nc.close_named_class(other, world.named_class.id), NotFound)
    nc.close_named_class(world.staff, world.named_class.id)
    db.session.commit()
    refused(lambda: nc.close_named_class(world.staff, world.named_class.id), match="already closed")


# --- applying ----------------------------------------------------------------------------------


def test_confirmed_student_applies_and_the_school_is_told(app, world):
    student = world.students[0]
    application = nc.apply(student, world.named_class.id, "我想学机器人焊接。")
    db.session.commit()
    assert application.status == "submitted" and application.statement == "我想学机器人焊接。"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "class_application")).one()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor_id) == (
        "submit",
        None,
        "submitted",
        student.id,
    )
    told = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.kind == "application_submitted"))
    }
    assert told == {world.staff.id}  # SCHOOL mode: the enterprise does not decide, so is not told


def test_apply_refusals(app, world):
    named = world.named_class
    student = world.students[0]
    pending = world.build.student(world.staff, confirmed=False)
    outsider_staff = world.build.school(name="外校二")
    outsider = world.build.student(outsider_staff)
    refused(lambda: nc.apply(pending, named.id, "申请"), match="confirmed")
    refused(lambda: nc.apply(outsider, named.id, "申请"), match="Only students of")
    refused(lambda: nc.apply(world.staff, named.id, "申请"), match="confirmed")
    refused(lambda: nc.apply(student, named.id, "   "))
    refused(lambda: nc.apply(student, named.id, "长" * 1001))
    refused(lambda: nc.apply(student, named.id, "申请", today=day(-2)), match="open on")
    refused(lambda: nc.apply(student, named.id, "申请", today=day(11)), match="deadline")
    refused(lambda: nc.apply(student, 999_999, "申请"), NotFound)
    nc.apply(student, named.id, "第一次")
    db.session.commit()
    refused(lambda: nc.apply(student, named.id, "第二次"), match="already applied")
    assert count(ClassApplication) == 1


def test_cannot_apply_to_a_draft_closed_or_full_class(app, world):
    student = world.students[0]
    draft = nc.create_named_class(world.staff, world.cooperation.id, class_input(name="草稿班"))
    db.session.commit()
    refused(lambda: nc.apply(student, draft.id, "申请"), NotFound)
    full = nc.create_named_class(
        world.staff, world.cooperation.id, class_input(name="满员班", seats=1), publish=True
    )
    db.session.commit()
    nc.apply(world.students[1], full.id, "先到")
    db.session.commit()
    nc.admit(world.staff, nc.application_of(world.students[1], full.id).id)
    db.session.commit()
    refused(lambda: nc.apply(student, full.id, "申请"), match="full")
    nc.close_named_class(world.staff, world.named_class.id)
    db.session.commit()
    refused(lambda: nc.apply(student, world.named_class.id, "申请"), match="closed")


def test_withdraw_then_apply_again_reuses_the_row(app, world):
    student = world.students[0]
    first = nc.apply(student, world.named_class.id, "第一次")
    db.session.commit()
    nc.withdraw(student, first.id)
    db.session.commit()
    assert first.status == "withdrawn" and first.withdrawn_at is not None
    refused(lambda: nc.withdraw(student, first.id), match="waiting for a decision")
    again = nc.apply(student, world.named_class.id, "第二次")
    db.session.commit()
    assert again.id == first.id and again.status == "submitted" and again.statement == "第二次"
    assert count(ClassApplication) == 1
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "class_application").order_by(AuditEntry.id)
        )
    ]
    assert actions == ["submit", "withdraw", "submit"]


def test_withdraw_refusals(app, world):
    student, other = world.students
    application = nc.apply(student, world.named_class.id, "申请")
    db.session.commit()
    refused(lambda: nc.withdraw(other, application.id), NotFound)
    refused(lambda: nc.withdraw(student, application.id, today=day(11)), match="deadline")
    nc.admit(world.staff, application.id)
    db.session.commit()
    refused(lambda: nc.withdraw(student, application.id), match="waiting for a decision")


def test_one_application_per_class_and_student_in_the_database(app, world):
    student = world.students[0]
    nc.apply(student, world.named_class.id, "申请")
    db.session.commit()
    db.session.add(
        ClassApplication(named_class_id=world.named_class.id, student_id=student.id, statement="x")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_more_admissions_than_seats(app, world):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE named_class SET taken = seats + 1 WHERE id = :id"), {"id": world.named_class.id}
        )
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE named_class SET taken = -1 WHERE id = :id"), {"id": world.named_class.id}
        )
    db.session.rollback()


# --- deciding -------------------------------------------------------------------------------------


def test_school_admits_and_rejects_with_reason(app, world):
    a, b = (nc.apply(s, world.named_class.id, "申请") for s in world.students)
    db.session.commit()
    nc.admit(world.staff, a.id, "成绩优秀")
    nc.reject(world.staff, b.id, "名额优先给二年级")
    db.session.commit()
    db.session.refresh(world.named_class)
    assert world.named_class.taken == 1 == nc.admitted_count(world.named_class.id)
    assert (a.status, a.decided_by_id, a.decision_reason) == ("admitted", world.staff.id, "成绩优秀")
    assert (b.status, b.decision_reason) == ("rejected", "名额优先给二年级")
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (world.students[0].id, "admission") in kinds and (world.students[1].id, "rejection") in kinds
    actions = [
        (e.action, e.to_state, e.reason)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["admit", "reject"])).order_by(AuditEntry.id)
        )
    ]
    assert actions == [("admit", "admitted", "成绩优秀"), ("reject", "rejected", "名额优先给二年级")]


def test_decision_refusals(app, world):
    a, b = (nc.apply(s, world.named_class.id, "申请") for s in world.students)
    db.session.commit()
    refused(lambda: nc.reject(world.staff, a.id, "  "), match="reason")
    nc.admit(world.staff, a.id)
    db.session.commit()
    refused(lambda: nc.admit(world.staff, a.id), match="already been decided")  # admit twice
    refused(lambda: nc.reject(world.staff, a.id, "晚了"), match="already been decided")
    nc.withdraw(world.students[1], b.id)
    db.session.commit()
    refused(lambda: nc.admit(world.staff, b.id), match="withdrawn")  # admit a withdrawn application
    refused(lambda: nc.admit(world.staff, 999_999), NotFound)


def test_admitting_after_the_window_is_allowed_until_the_decision_deadline(app, world):
    a, b = (nc.apply(s, world.named_class.id, "申请") for s in world.students)
    db.session.commit()
    nc.admit(world.staff, a.id, today=day(11))  # the window closed yesterday: decisions go on
    db.session.commit()
    refused(lambda: nc.admit(world.staff, b.id, today=day(31)), match="decision deadline")
    refused(lambda: nc.reject(world.staff, b.id, "太晚", today=day(31)), match="decision deadline")


def test_full_class_refuses_admission_and_changes_nothing(app, world):
    small = nc.create_named_class(
        world.staff, world.cooperation.id, class_input(name="一座班", seats=1), publish=True
    )
    db.session.commit()
    a, b = (nc.apply(s, small.id, "申请") for s in world.students)
    db.session.commit()
    nc.admit(world.staff, a.id)
    db.session.commit()
    refused(lambda: nc.admit(world.staff, b.id), match="full")
    db.session.refresh(small)
    assert small.taken == 1 and b.status == "submitted"


def test_another_organisation_cannot_act_on_the_class(app, world):
    application = nc.apply(world.students[0], world.named_class.id, "申请")
    db.session.commit()
    other_school = world.build.school(name="外校三")
    other_hr = world.build.enterprise(name="外企")
    for outsider in (other_school, other_hr):
        refused(lambda u=outsider: nc.admit(u, application.id), NotFound)
        refused(lambda u=outsider: nc.reject(u, application.id, "不行"), NotFound)
        refused(lambda u=outsider: nc.applications_of_class(u, world.named_class.id), NotFound)
    refused(lambda: nc.admit(world.students[1], application.id), NotFound)


def test_school_mode_keeps_the_enterprise_out_of_admissions(app, world):
    application = nc.apply(world.students[0], world.named_class.id, "申请")
    db.session.commit()
    refused(lambda: nc.admit(world.hr, application.id), NotPermitted)
    refused(lambda: nc.review(world.hr, application.id), NotPermitted)
    refused(lambda: nc.applications_of_class(world.hr, world.named_class.id), NotPermitted)


def test_enterprise_review_mode_enterprise_approves_then_school_admits(app, world):
    with_mode(world, AdmissionsMode.ENTERPRISE_REVIEW)
    a, b = (nc.apply(s, world.named_class.id, "申请") for s in world.students)
    db.session.commit()
    told = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.kind == "application_submitted"))
    }
    assert told == {world.staff.id, world.hr.id}
    refused(lambda: nc.admit(world.staff, a.id), match="enterprise must approve")
    refused(lambda: nc.admit(world.hr, a.id), NotPermitted)
    refused(lambda: nc.review(world.staff, a.id), NotPermitted)
    nc.review(world.hr, a.id, "面试通过")
    db.session.commit()
    assert a.status == "enterprise_approved" and a.reviewed_by_id == world.hr.id
    assert (
        count(
            Notification, Notification.kind == "application_reviewed", Notification.user_id == world.staff.id
        )
        == 1
    )
    refused(lambda: nc.review(world.hr, a.id), match="already approved")
    nc.admit(world.staff, a.id)
    nc.reject(world.hr, b.id, "面试未通过")  # the enterprise's review may also say no
    db.session.commit()
    assert (a.status, b.status) == ("admitted", "rejected")


def test_shared_mode_either_partner_admits(app, world):
    with_mode(world, AdmissionsMode.SHARED)
    a, b = (nc.apply(s, world.named_class.id, "申请") for s in world.students)
    db.session.commit()
    nc.admit(world.hr, a.id)
    nc.admit(world.staff, b.id)
    db.session.commit()
    db.session.refresh(world.named_class)
    assert world.named_class.taken == 2
    refused(lambda: nc.review(world.hr, a.id), match="already been decided")


# --- pages -------------------------------------------------------------------------------------------


def test_public_list_filters_search_and_pages(app, world, client):
    hr2 = world.build.enterprise(name="泰钢测试")
    hr2.organisation.industry = "new_materials"
    staff2 = world.build.school(name="第二职专", programs=("护理",))
    co2 = make_cooperation(staff2, hr2)
    nc.create_named_class(
        staff2,
        co2.id,
        class_input(
            name="泰钢护理订单班", scholarship=False, guaranteed_job=False, mentors=False, equipment=True
        ),
        publish=True,
    )
    nc.create_named_class(staff2, co2.id, class_input(name="草稿不显示"))
    db.session.commit()

    def names(query: str) -> list[str]:
        page = client.get("/named-classes" + query).get_data(as_text=True)
        return [n for n in ("山东重工智能制造冠名班", "泰钢护理订单班", "草稿不显示") if n in page]

    assert names("") == ["山东重工智能制造冠名班", "泰钢护理订单班"]
    assert names("?industry=new_materials") == ["泰钢护理订单班"]
    assert names(f"?school={world.staff.organisation_id}") == ["山东重工智能制造冠名班"]
    assert names("?major=护理") == ["泰钢护理订单班"]
    assert names("?benefit=scholarship&benefit=mentors") == ["山东重工智能制造冠名班"]
    assert names("?benefit=equipment") == ["泰钢护理订单班"]
    assert names("?q=智能制造") == ["山东重工智能制造冠名班"]
    assert names("?q=泰钢") == ["泰钢护理订单班"]
    assert client.get("/named-classes?industry=bogus&school=x&page=-3&benefit=nope").status_code == 200
    for n in range(13):
        nc.create_named_class(
            world.staff, world.cooperation.id, class_input(name=f"批量班{n:02d}", seats=1), publish=True
        )
    db.session.commit()
    client.set_cookie("lang", "en")
    first = client.get("/named-classes").get_data(as_text=True)
    assert 'rel="next"' in first and "15 named classes found" in first
    last = client.get("/named-classes?page=99").get_data(as_text=True)
    assert 'rel="prev"' in last
    # The page and its count come in one statement; past the last page, the last page.
    past = nc.search_named_classes(nc.NamedClassQuery(page=99), per_page=10)
    assert (past.page, past.total, len(past.items)) == (2, 15, 5)
    second = nc.search_named_classes(nc.NamedClassQuery(page=2), per_page=10)
    assert [c.id for c in second.items] == [c.id for c in past.items] and second.total == 15
    nothing = nc.search_named_classes(nc.NamedClassQuery(q="没有这个班", page=3))
    assert (nothing.page, nothing.total, nothing.items) == (1, 0, [])
    # The public list's cards: the same classes in the same order, with what their cards show.
    for number in (1, 2, 99):
        records = nc.search_named_classes(nc.NamedClassQuery(page=number), per_page=10)
        cards = nc.search_class_cards(nc.NamedClassQuery(page=number), per_page=10)
        assert (cards.page, cards.total) == (records.page, records.total)
        assert [
            (c.id, c.name, c.enterprise_name, c.school_name, c.program_name, c.seats_left, c.benefit_codes)
            for c in cards.items
        ] == [
            (
                c.id,
                c.name,
                c.enterprise.name,
                c.school.name,
                c.program and c.program.name,
                c.seats_left,
                c.benefit_codes,
            )
            for c in records.items
        ]
    # A card is kept rendered under its values: a seat taken shows at once.
    one = next(c for c in nc.search_class_cards(nc.NamedClassQuery(q="批量班00")).items)
    assert "1 of 1 seats left" in client.get("/named-classes?q=批量班00").get_data(as_text=True)
    db.session.execute(update(NamedClass).where(NamedClass.id == one.id).values(taken=1))
    db.session.commit()
    assert "0 of 1 seats left" in client.get("/named-classes?q=批量班00").get_data(as_text=True)
    options = nc.filter_options()  # schools and majors with an open class (not the draft's)
    assert {name for _id, name in options["schools"]} == {world.staff.organisation.name, "第二职专"}
    assert dict(options["schools"])[staff2.organisation_id] == "第二职专"
    assert set(options["majors"]) == {"焊接技术应用", "护理"}


def test_detail_page_offers_the_form_to_confirmed_students_of_the_school(app, world, client):
    url = f"/named-classes/{world.named_class.id}"
    anonymous = client.get(url).get_data(as_text=True)
    assert (
        "山东重工智能制造冠名班" in anonymous and "山东重工测试" in anonymous and "焊接技术应用" in anonymous
    )
    assert 'data-testid="apply-form"' not in anonymous
    student = client_for(app, world.students[0])
    assert 'data-testid="apply-form"' in student.get(url).get_data(as_text=True)
    outsider = app.test_client()
    login(outsider, world.build.student(world.build.school(name="外校四")).email)
    assert 'data-testid="apply-refusal"' in outsider.get(url).get_data(as_text=True)
    draft = nc.create_named_class(world.staff, world.cooperation.id, class_input(name="草稿"))
    db.session.commit()
    assert client.get(f"/named-classes/{draft.id}").status_code == 404
    assert client.get("/named-classes/999999").status_code == 404


def test_student_applies_sees_status_and_withdraws_through_the_pages(app, world):
    client = client_for(app, world.students[0])
    class_id = world.named_class.id
    # Extra fields never reach the record (no mass assignment).
    response = client.post(
        f"/student/named-classes/{class_id}/apply",
        data={"statement": "热爱焊接", "status": "admitted", "student_id": world.students[1].id},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/student/applications")
    application = db.session.scalars(select(ClassApplication)).one()
    assert (application.status, application.student_id) == ("submitted", world.students[0].id)
    again = client.post(f"/student/named-classes/{class_id}/apply", data={"statement": "再来"})
    assert again.status_code == 400
    empty = client.post(f"/student/named-classes/{class_id}/apply", data={"statement": ""})
    assert empty.status_code == 400
    page = client.get("/student/applications").get_data(as_text=True)
    assert "山东重工智能制造冠名班" in page and 'data-testid="application-status"' in page
    assert client.post(f"/student/applications/{application.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassApplication, application.id).status == "withdrawn"
    other = client_for(app, world.students[1])
    assert other.post(f"/student/applications/{application.id}/withdraw").status_code == 404
    assert other.post("/student/named-classes/999999/apply", data={"statement": "x"}).status_code == 404


def test_staff_review_page_admit_reject_and_exports(app, world):
    a, b = (nc.apply(s, world.named_class.id, '=HYPERLINK("x") 申请') for s in world.students)
    db.session.commit()
    staff = client_for(app, world.staff)
    page = staff.get(f"/school/named-classes/{world.named_class.id}").get_data(as_text=True)
    assert world.students[0].name in page and 'data-testid="admit"' in page
    posted = staff.post(f"/school/class-applications/{a.id}/admit", data={"class_id": world.named_class.id})
    assert posted.status_code == 302
    refused_reject = staff.post(
        f"/school/class-applications/{b.id}/reject", data={"reason": ""}, follow_redirects=True
    )
    assert "Please give a reason" in refused_reject.get_data(as_text=True) or "请" in refused_reject.get_data(
        as_text=True
    )
    assert (
        staff.post(f"/school/class-applications/{b.id}/reject", data={"reason": "名额已满"}).status_code
        == 302
    )
    db.session.expire_all()
    assert (db.session.get(ClassApplication, a.id).status, db.session.get(ClassApplication, b.id).status) == (
        "admitted",
        "rejected",
    )
    csv_response = staff.get(f"/school/named-classes/{world.named_class.id}/applicants.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][0] == world.students[0].name
    assert rows[1][3].startswith("'=")  # CSV injection defused
    xlsx = staff.get(f"/school/named-classes/{world.named_class.id}/applicants.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 3 and sheet.cell(row=2, column=1).value == world.students[0].name


def test_exports_and_pages_never_leak_to_other_organisations(app, world):
    nc.apply(world.students[0], world.named_class.id, "申请")
    db.session.commit()
    class_id = world.named_class.id
    other = app.test_client()
    login(other, world.build.school(name="外校五").email)
    for url in (
        f"/school/named-classes/{class_id}",
        f"/school/named-classes/{class_id}/applicants.csv",
        f"/school/named-classes/{class_id}/applicants.xlsx",
    ):
        assert other.get(url).status_code == 404, url
    assert "山东重工智能制造冠名班" not in other.get("/school/named-classes").get_data(as_text=True)
    # The enterprise partner in SCHOOL mode sees the class, not the applicants.
    hr = client_for(app, world.hr)
    assert "山东重工智能制造冠名班" in hr.get("/enterprise/named-classes").get_data(as_text=True)
    page = hr.get(f"/enterprise/named-classes/{class_id}").get_data(as_text=True)
    assert 'data-testid="school-decides"' in page and world.students[0].name not in page
    assert hr.get(f"/enterprise/named-classes/{class_id}/applicants.csv").status_code == 403


def test_enterprise_reviews_through_its_pages(app, world):
    with_mode(world, AdmissionsMode.ENTERPRISE_REVIEW)
    application = nc.apply(world.students[0], world.named_class.id, "申请")
    db.session.commit()
    hr = client_for(app, world.hr)
    page = hr.get(f"/enterprise/named-classes/{world.named_class.id}").get_data(as_text=True)
    assert 'data-testid="review"' in page and 'data-testid="admit"' not in page
    assert (
        hr.post(f"/enterprise/class-applications/{application.id}/admit").status_code == 302
    )  # refused, flashed
    db.session.expire_all()
    assert db.session.get(ClassApplication, application.id).status == "submitted"
    assert hr.post(f"/enterprise/class-applications/{application.id}/review").status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassApplication, application.id).status == "enterprise_approved"
    assert hr.get(f"/enterprise/named-classes/{world.named_class.id}/applicants.xlsx").status_code == 200


def test_staff_publish_form(app, world):
    staff = client_for(app, world.staff)
    listing = staff.get("/school/named-classes").get_data(as_text=True)
    assert f"/school/cooperations/{world.cooperation.id}/named-class" in listing
    url = f"/school/cooperations/{world.cooperation.id}/named-class"
    assert staff.get(url).status_code == 200
    form = {
        "name": "新冠名班",
        "seats": "6",
        "opens_on": day(0).isoformat(),
        "closes_on": day(5).isoformat(),
        "scholarship": "y",
        "criteria": "成绩优良",
        "free_choice": "y",
        "publish": "Publish",
        "taken": "6",
        "status": "closed",
    }
    without = staff.post(url, data={k: v for k, v in form.items() if k != "free_choice"})
    assert without.status_code == 400 and 'id="free_choice-error"' in without.get_data(as_text=True)
    response = staff.post(url, data=form)
    assert response.status_code == 302
    created = db.session.scalars(select(NamedClass).where(NamedClass.name == "新冠名班")).one()
    assert (created.status, created.taken, created.seats, created.scholarship) == ("open", 0, 6, True)
    assert created.decide_by == day(5) + timedelta(days=nc.DEFAULT_DECISION_DAYS)
    too_many = staff.post(url, data={**form, "name": "太大", "seats": "31"})
    assert too_many.status_code == 400 and count(NamedClass, NamedClass.name == "太大") == 0
    hr = client_for(app, world.hr)
    assert hr.get(url).status_code == 403  # the enterprise area is not theirs
    other = app.test_client()
    login(other, world.build.school(name="外校六").email)
    assert other.get(url).status_code == 404


def test_application_bursts_are_throttled(app_factory, build):
    app = app_factory(APPLY_LIMIT="3 per hour")
    with app.app_context():
        staff = build.school()
        student = build.student(staff)
        hr = build.enterprise()
        cooperation = make_cooperation(staff, hr)
        named = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
        db.session.commit()
        client = client_for(app, student)
        statuses = [
            client.post(f"/student/named-classes/{named.id}/apply", data={"statement": ""}).status_code
            for _ in range(4)
        ]
    assert statuses == [400, 400, 400, 429]
