"""Two-way exchange (双向交流): suggestions, the state machine, the 20% rule, double-qualified status.

Every refused step answers with a message and changes nothing; another organisation's
exchange or post is 404. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.models import (
    AuditEntry,
    Employment,
    Exchange,
    ExchangeStatus,
    Notification,
    PracticePost,
    Teacher,
)
from portal.platform.errors import NotFound, ServiceError
from portal.programs import records as school_records
from tests.conftest import Builders, client_for, service_takes

ROBOT_NEED = dict(
    course="焊接机器人离线编程",
    skills="焊接机器人、离线仿真、工业机器人编程",
    hours=30,
    description="需要有产线经验的工程师讲授焊接机器人离线编程。",
)
ROBOT_EXPERT = {
    "name": "刘工",
    "expertise": "焊接机器人离线编程与维护、工业机器人编程",
    "title": "technician",
    "hours": 40,
}
ROBOT_POST = dict(
    title="焊接机器人工作站调试实践",
    skills="焊接机器人、焊接工艺、工业机器人编程、PLC",
    hours_per_term=60,
    places=1,
    description="参与焊接机器人工作站示教编程与调试。",
)


def refused(response) -> bool:
    """The page came back with an error message (in whichever language)."""
    return response.status_code == 200 and "flash flash-error" in response.get_data(as_text=True)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def expert_posting(hr, *experts):
    return Builders.posting(
        hr,
        "part_time_teacher",
        title="焊接技师到校兼职授课",
        description="派出焊接机器人方向技师到职业学校授课。",
        skills="焊接机器人、工业机器人编程",
        headcount=len(experts),
        details={"experts": [dict(e) for e in experts]},
    )


@pytest.fixture
def school(build):
    staff = build.school(name="莱芜测试职专")
    staff.organisation.staffing_quota = 100
    db.session.commit()
    return staff


@pytest.fixture
def hr(build):
    return build.enterprise(name="测试重工")


@pytest.fixture
def need(school):
    need = school_records.create_need(school.organisation, **ROBOT_NEED)
    db.session.commit()
    return need


@pytest.fixture
def posting(hr):
    return expert_posting(hr, ROBOT_EXPERT)


@pytest.fixture
def teacher(school):
    teacher = school_records.create_teacher(
        school.organisation, name="孙老师", subjects="工业机器人编程、PLC、焊接工艺", open_to_practice=True
    )
    db.session.commit()
    return teacher


@pytest.fixture
def post(hr):
    post = exchanges.create_post(hr.organisation, **ROBOT_POST)
    db.session.commit()
    return post


def snapshot(exchange_id: int):
    db.session.expire_all()
    exchange = db.session.get(Exchange, exchange_id)
    return (
        exchange.status,
        exchange.school_accepted_at,
        exchange.enterprise_accepted_at,
        exchange.completed_at,
        exchange.cancel_reason,
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def agreed_expert_exchange(school, hr, posting, need) -> Exchange:
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(school, exchange.id)
    exchanges.accept(hr, exchange.id)
    db.session.commit()
    return exchange


# --- suggestions --------------------------------------------------------------------------------


def test_expert_suggestion_shown_to_both_sides_with_score_and_reasons(app, build, school, hr, need, posting):
    found = exchanges.expert_suggestions()
    assert [(s.offer.name, s.target.id) for s in found] == [("刘工", need.id)]
    assert found[0].hours == 30 and 0 < found[0].score <= 1
    for user, url in ((school, "/school/exchanges"), (hr, "/enterprise/exchanges")):
        page = client_for(app, user).get(url)
        assert page.status_code == 200
        text = text_of(page)
        assert f"{found[0].score_percent}%" in text and "刘工" in text and "焊接机器人离线编程" in text
        assert "Skills:" in text or "技能" in text
    other = build.school(name="别的学校")
    assert "刘工" not in text_of(client_for(app, other).get("/school/exchanges"))


def test_reasons_in_the_users_language(app, school, need, posting):
    client = client_for(app, school)
    client.post("/lang", data={"lang": "en", "next": "/school/exchanges"})
    english = text_of(client.get("/school/exchanges"))
    reasons = exchanges.expert_suggestions()[0].reasons
    text = next(r for r in reasons if r["criterion"] == "text")
    assert f"Descriptions agree {round(text['score'] * 100)}%" in english
    skills = next(r for r in reasons if r["criterion"] == "skills")
    assert (
        f"Skills: {round(skills['score'] * 100)}% of the {skills['required']} wanted are covered" in english
    )
    client.post("/lang", data={"lang": "zh", "next": "/school/exchanges"})
    chinese = text_of(client.get("/school/exchanges"))
    assert "Descriptions agree" not in chinese and f"{round(text['score'] * 100)}%" in chinese


def test_pairs_under_the_threshold_are_never_suggested(school, hr):
    school_records.create_need(
        school.organisation, course="语文阅读与写作", skills="古诗词鉴赏、作文", hours=20
    )
    expert_posting(hr, {"name": "张工", "expertise": "液压系统维修", "title": "engineer", "hours": 40})
    school_records.create_teacher(school.organisation, name="钱老师", subjects="语文", open_to_practice=True)
    exchanges.create_post(
        school and hr.organisation, title="液压件装配实践", skills="液压、装配", hours_per_term=40
    )
    db.session.commit()
    assert exchanges.expert_suggestions() == []
    assert exchanges.practice_suggestions() == []


def test_an_expert_fills_needs_only_as_far_as_their_hours_go(school, hr):
    for course in ("焊接机器人离线编程", "焊接机器人编程实训"):
        school_records.create_need(school.organisation, **{**ROBOT_NEED, "course": course, "hours": 30})
    expert_posting(hr, ROBOT_EXPERT)  # 40 hours
    found = exchanges.expert_suggestions()
    assert found and sum(s.hours for s in found) <= 40
    first = found[0]
    exchanges.accept_suggestion(school, "expert_to_school", first.offer.posting.id, 0, first.target.id)
    db.session.commit()
    assert sum(s.hours for s in exchanges.expert_suggestions()) <= 40 - first.hours


def test_teacher_suggestion_for_a_practice_post(app, school, hr, teacher, post):
    found = exchanges.practice_suggestions()
    assert [(s.offer.id, s.target.id, s.hours) for s in found] == [(teacher.id, post.id, 60)]
    assert "孙老师" in text_of(client_for(app, hr).get("/enterprise/exchanges"))


def test_declined_suggestion_is_not_suggested_again(app, school, need, posting):
    client = client_for(app, school)
    response = client.post(
        "/school/exchanges/suggestions/expert_to_school/decline",
        data={"posting_id": posting.id, "expert": 0, "target_id": need.id, "reason": "课时已排满"},
    )
    assert response.status_code == 302
    exchange = db.session.scalar(select(Exchange))
    assert exchange.status == ExchangeStatus.CANCELLED.value and exchange.cancel_reason == "课时已排满"
    assert exchanges.expert_suggestions() == []


def test_a_forged_suggestion_is_refused(app, school, need, posting, build):
    other = build.school(name="别的学校")
    client = client_for(app, other)
    response = client.post(
        "/school/exchanges/suggestions/expert_to_school/accept",
        data={"posting_id": posting.id, "expert": 0, "target_id": need.id},
        follow_redirects=True,
    )
    assert refused(response)
    assert db.session.scalar(select(func.count()).select_from(Exchange)) == 0


# --- the workflow -------------------------------------------------------------------------------


def test_both_sides_accept_then_agreed_with_audit_and_notifications(app, school, hr, need, posting):
    school_client, hr_client = client_for(app, school), client_for(app, hr)
    response = school_client.post(
        "/school/exchanges/suggestions/expert_to_school/accept",
        data={"posting_id": posting.id, "expert": 0, "target_id": need.id},
    )
    assert response.status_code == 302
    exchange = db.session.scalar(select(Exchange))
    assert exchange.status == ExchangeStatus.ACCEPTED_BY_SCHOOL.value
    assert (exchange.term, exchange.hours, exchange.expert_name) == (exchanges.current_term(), 30, "刘工")
    assert exchange.score is not None and exchange.reasons
    assert "exchange_proposed" in set(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == hr.id))
    )

    assert hr_client.post(f"/enterprise/exchanges/{exchange.id}/accept").status_code == 302
    db.session.expire_all()
    exchange = db.session.get(Exchange, exchange.id)
    assert exchange.status == ExchangeStatus.AGREED.value and exchange.agreed_at is not None
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert "exchange_agreed" in kinds
    steps = [
        (e.action, e.from_state, e.to_state)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "exchange").order_by(AuditEntry.id)
        )
    ]
    assert steps == [
        ("propose", None, "proposed"),
        ("accept", "proposed", "accepted_by_school"),
        ("accept", "accepted_by_school", "agreed"),
    ]
    page = text_of(school_client.get("/school/exchanges"))
    assert "刘工" in page and exchanges.current_term() in page


def test_accepting_twice_is_refused(app, school, need, posting):
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(school, exchange.id)
    db.session.commit()
    before = snapshot(exchange.id)
    response = client_for(app, school).post(f"/school/exchanges/{exchange.id}/accept", follow_redirects=True)
    assert refused(response)
    assert snapshot(exchange.id) == before


def test_accepting_an_agreed_exchange_again_is_refused(school, hr, need, posting):
    exchange = agreed_expert_exchange(school, hr, posting, need)
    with pytest.raises(ServiceError):
        exchanges.accept(hr, exchange.id)


def test_another_organisation_cannot_act_on_an_exchange(app, build, school, hr, need, posting):
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(school, exchange.id)
    db.session.commit()
    other_school, other_hr = build.school(name="别的学校"), build.enterprise(name="别的企业")
    before = snapshot(exchange.id)
    for user, area in ((other_school, "school"), (other_hr, "enterprise")):
        client = client_for(app, user)
        for action, data in (("accept", {}), ("complete", {}), ("cancel", {"reason": "x"})):
            assert client.post(f"/{area}/exchanges/{exchange.id}/{action}", data=data).status_code == 404
    assert (
        client_for(app, other_school).post(f"/school/exchanges/{exchange.id}/double-qualified").status_code
        == 404
    )
    with pytest.raises(NotFound):
        exchanges.accept(other_hr, exchange.id)
    assert snapshot(exchange.id) == before


def test_completing_before_agreed_is_refused(app, school, hr, need, posting):
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(school, exchange.id)
    db.session.commit()
    before = snapshot(exchange.id)
    response = client_for(app, hr).post(
        f"/enterprise/exchanges/{exchange.id}/complete", follow_redirects=True
    )
    assert refused(response)
    assert snapshot(exchange.id) == before


def test_complete_then_cannot_cancel_or_complete_again(app, school, hr, need, posting):
    exchange = agreed_expert_exchange(school, hr, posting, need)
    assert client_for(app, hr).post(f"/enterprise/exchanges/{exchange.id}/complete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Exchange, exchange.id).status == ExchangeStatus.COMPLETED.value
    before = snapshot(exchange.id)
    with pytest.raises(ServiceError):
        exchanges.complete(school, exchange.id)
    with pytest.raises(ServiceError):
        exchanges.cancel(school, exchange.id, "too late")
    assert snapshot(exchange.id) == before


def test_cancel_needs_a_reason_and_tells_the_other_side(app, school, hr, need, posting):
    exchange = agreed_expert_exchange(school, hr, posting, need)
    before = snapshot(exchange.id)
    client = client_for(app, school)
    client.post(f"/school/exchanges/{exchange.id}/cancel", data={"reason": "  "})
    assert snapshot(exchange.id) == before
    client.post(f"/school/exchanges/{exchange.id}/cancel", data={"reason": "课程调整"})
    db.session.expire_all()
    exchange = db.session.get(Exchange, exchange.id)
    assert (exchange.status, exchange.cancelled_by, exchange.cancel_reason) == (
        "cancelled",
        "school",
        "课程调整",
    )
    assert (
        db.session.scalar(
            select(Notification).where(
                Notification.user_id == hr.id, Notification.kind == "exchange_cancelled"
            )
        )
        is not None
    )
    # The expert's hours are free again: the pair itself stays declined, other needs can have them.
    assert exchanges.offered_experts()[0].hours_left == 40


def test_exceeding_the_experts_hours_is_refused(app, school, hr, need, posting):
    second = school_records.create_need(school.organisation, **{**ROBOT_NEED, "course": "焊接机器人编程实训"})
    first = exchanges.propose_expert(posting.id, 0, need.id)  # 30 of the expert's 40 hours
    exchanges.accept(school, first.id)
    other = exchanges.propose_expert(posting.id, 0, second.id)  # the 10 left
    assert (first.hours, other.hours) == (30, 10)
    # The enterprise now offers the expert for fewer hours than already promised.
    posting.details = {"experts": [{**ROBOT_EXPERT, "hours": 32}]}
    db.session.commit()
    before = snapshot(other.id)
    response = client_for(app, school).post(f"/school/exchanges/{other.id}/accept", follow_redirects=True)
    assert refused(response) and "刘工" in text_of(response)
    assert snapshot(other.id) == before
    with pytest.raises(ServiceError):
        exchanges.accept(hr, other.id)


def test_a_practice_post_has_limited_places(school, hr, post, teacher):
    second = school_records.create_teacher(
        school.organisation, name="李老师", subjects="焊接工艺、焊接机器人", open_to_practice=True
    )
    a = exchanges.propose_practice(teacher.id, post.id)
    b = exchanges.propose_practice(second.id, post.id)  # one place only
    db.session.commit()
    exchanges.accept(school, a.id)
    with pytest.raises(ServiceError):
        exchanges.accept(school, b.id)


# --- the 20% rule (莱芜政发〔2020〕5号 item 5): a report of quota use, never a refusal -----------------


def warned(response) -> bool:
    return "flash flash-warning" in response.get_data(as_text=True)


def test_posts_used_are_the_schools_part_time_teachers_not_the_experts(school, hr, need, posting):
    school_records.create_teacher(school.organisation, name="兼职王", employment=Employment.PART_TIME.value)
    db.session.commit()
    share = exchanges.part_time_share(school.organisation)
    assert (share.part_time_teachers, share.experts, share.count, share.quota, share.allowed) == (
        1,
        0,
        1,
        100,
        20,
    )
    agreed_expert_exchange(school, hr, posting, need)
    share = exchanges.part_time_share(school.organisation)
    # The expert is shown beside the posts, but holds none of them.
    assert (share.experts, share.count, share.percent, share.level) == (1, 1, 1.0, "within")


def test_an_expert_exchange_without_a_staffing_quota_goes_through(app, school, hr, need, posting):
    school.organisation.staffing_quota = None
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(hr, exchange.id)
    db.session.commit()
    response = client_for(app, school).post(f"/school/exchanges/{exchange.id}/accept", follow_redirects=True)
    assert not refused(response) and not warned(response)
    db.session.expire_all()
    assert db.session.get(Exchange, exchange.id).status == ExchangeStatus.AGREED.value


def test_an_expert_exchange_at_a_school_over_20_percent_goes_through_with_a_warning(
    app, school, hr, need, posting
):
    school.organisation.staffing_quota = 5  # 20% = 1 post
    for name in ("兼职王", "兼职李"):  # 2 posts used: over
        school_records.create_teacher(school.organisation, name=name, employment=Employment.PART_TIME.value)
    exchange = exchanges.propose_expert(posting.id, 0, need.id)
    exchanges.accept(hr, exchange.id)
    db.session.commit()
    client = client_for(app, school)
    page = client.get("/school/exchanges").get_data(as_text=True)
    assert 'data-testid="share-warning"' in page
    response = client.post(f"/school/exchanges/{exchange.id}/accept", follow_redirects=True)
    assert not refused(response) and warned(response)
    assert "莱芜政发〔2020〕5号" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Exchange, exchange.id).status == ExchangeStatus.AGREED.value


def test_near_the_limit_is_a_warning_from_the_setting(school):
    school.organisation.staffing_quota = 50  # 10 posts
    for i in range(9):
        school_records.create_teacher(
            school.organisation, name=f"兼职{i}", employment=Employment.PART_TIME.value
        )
    db.session.commit()
    assert exchanges.part_time_share(school.organisation).level == "near"  # 9 of 10 ≥ 90 %
    school_records.create_teacher(school.organisation, name="兼职十", employment=Employment.PART_TIME.value)
    assert exchanges.part_time_share(school.organisation).level == "near"  # 10 of 10: at the limit, not over


def test_spending_beyond_the_funding_is_over(school):
    school.organisation.part_time_funding, school.organisation.part_time_spending = 100_000, 120_000
    db.session.commit()
    share = exchanges.part_time_share(school.organisation)
    assert (share.level, share.funding_percent) == ("over", 120.0)


def test_staffing_quota_form(app, school):
    client = client_for(app, school)
    response = client.post(
        "/school/exchanges/quota",
        data={"staffing_quota": "0", "part_time_funding": "-5", "part_time_spending": "x"},
    )
    assert response.status_code == 400
    assert school.organisation.part_time_funding is None
    assert client.post("/school/exchanges/quota", data={"staffing_quota": "abc"}).status_code == 400
    posted = client.post(
        "/school/exchanges/quota",
        data={"staffing_quota": "150", "part_time_funding": "300000", "status": "x"},
    )
    assert posted.status_code == 302
    db.session.expire_all()
    assert (school.organisation.staffing_quota, school.organisation.part_time_funding) == (150, 300000)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "set_staffing_quota")) is not None


def test_the_admin_dashboard_shows_each_schools_quota_use(app, build, school):
    school.organisation.staffing_quota = 5
    for name in ("兼职王", "兼职李"):
        school_records.create_teacher(school.organisation, name=name, employment=Employment.PART_TIME.value)
    admin = build.admin()
    db.session.commit()
    page = client_for(app, admin).get("/admin/dashboard").get_data(as_text=True)
    table = page[page.index('data-testid="part-time-quota"') :]
    assert (
        school.organisation.name in table
        and 'data-testid="quota-level"><span class="badge tone-bad">' in table
    )


# --- double-qualified ---------------------------------------------------------------------------


def test_double_qualified_recorded_after_completed_practice(app, school, hr, teacher, post):
    exchange = exchanges.propose_practice(teacher.id, post.id)
    db.session.commit()
    client = client_for(app, school)
    client.post(f"/school/exchanges/{exchange.id}/accept")
    # Not before the practice is completed.
    client.post(f"/school/exchanges/{exchange.id}/double-qualified")
    db.session.expire_all()
    assert db.session.get(Teacher, teacher.id).double_qualified is False
    hr_client = client_for(app, hr)
    hr_client.post(f"/enterprise/exchanges/{exchange.id}/accept")
    hr_client.post(f"/enterprise/exchanges/{exchange.id}/complete")
    assert "double-qualified" in client.get("/school/exchanges").get_data(as_text=True)
    # The enterprise cannot record it.
    with pytest.raises(ServiceError):
        exchanges.record_double_qualified(hr, exchange.id)
    assert client.post(f"/school/exchanges/{exchange.id}/double-qualified").status_code == 302
    db.session.expire_all()
    assert db.session.get(Teacher, teacher.id).double_qualified is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record_double_qualified"))
    assert (entry.subject_type, entry.subject_id, entry.to_state) == (
        "teacher",
        teacher.id,
        "double_qualified",
    )
    # Twice is refused.
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ServiceError):
        exchanges.record_double_qualified(school, exchange.id)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_double_qualified_not_for_expert_exchanges(school, hr, need, posting):
    exchange = agreed_expert_exchange(school, hr, posting, need)
    exchanges.complete(school, exchange.id)
    with pytest.raises(ServiceError):
        exchanges.record_double_qualified(school, exchange.id)


# --- practice posts -----------------------------------------------------------------------------


def test_practice_post_create_edit_close_and_foreign_404(app, build, hr):
    client = client_for(app, hr)
    posted = client.post(
        "/enterprise/exchanges/posts/new", data={"title": "", "hours_per_term": "40", "places": "1"}
    )
    assert posted.status_code == 400
    response = client.post(
        "/enterprise/exchanges/posts/new",
        data={
            "title": "数控车间实践",
            "skills": "数控车床, 数控铣",
            "hours_per_term": "40",
            "places": "2",
            "enterprise_id": "999",
        },
    )
    assert response.status_code == 302
    post = db.session.scalar(select(PracticePost))
    assert (post.enterprise_id, post.skills, post.places) == (hr.organisation_id, "数控车床、数控铣", 2)
    posted = client.post(
        f"/enterprise/exchanges/posts/{post.id}/edit",
        data={"title": "数控车间实践（改）", "hours_per_term": "48", "places": "1"},
    )
    assert posted.status_code == 302
    assert client.post(f"/enterprise/exchanges/posts/{post.id}/closed").status_code == 302
    db.session.expire_all()
    post = db.session.get(PracticePost, post.id)
    assert (post.title, post.hours_per_term, post.status) == ("数控车间实践（改）", 48, "closed")
    other = client_for(app, build.enterprise(name="别的企业"))
    assert other.get(f"/enterprise/exchanges/posts/{post.id}/edit").status_code == 404
    assert other.post(f"/enterprise/exchanges/posts/{post.id}/open").status_code == 404
    posted = other.post(
        f"/enterprise/exchanges/posts/{post.id}/edit",
        data={"title": "x", "hours_per_term": "1", "places": "1"},
    )
    assert posted.status_code == 404
    db.session.expire_all()
    assert db.session.get(PracticePost, post.id).title == "数控车间实践（改）"


def test_roles_are_kept_apart(app, school, hr):
    assert client_for(app, school).get("/enterprise/exchanges").status_code == 403
    assert client_for(app, hr).get("/school/exchanges").status_code == 403
    assert app.test_client().get("/school/exchanges").status_code == 302


# --- demo data ----------------------------------------------------------------------------------


def test_demo_exchanges_load_once(app, demo_first_load):
    from seed.loader import load_demo

    first = demo_first_load
    assert first["practice_posts"] == 2 and first["exchanges"] == 3
    second = load_demo()
    db.session.commit()
    assert second["practice_posts"] == 0 and second["exchanges"] == 0
    statuses = sorted((e.direction, e.status) for e in db.session.scalars(select(Exchange)))
    assert statuses == [
        ("expert_to_school", "agreed"),
        ("teacher_to_enterprise", "agreed"),
        ("teacher_to_enterprise", "completed"),
    ]
    completed = db.session.scalar(select(Exchange).where(Exchange.status == "completed"))
    assert completed.teacher.double_qualified and completed.double_qualified_recorded_at is not None


@pytest.mark.parametrize("status", [state.value for state in ExchangeStatus])
def test_pages_offer_exactly_the_steps_the_service_takes(school, hr, teacher, post, status):
    exchange = exchanges.propose_practice(teacher.id, post.id)
    exchange.status = status
    db.session.commit()
    for user, side in ((school, "school"), (hr, "enterprise")):
        offered = exchanges.steps(db.session.get(Exchange, exchange.id), side)
        calls = {
            "accept": lambda: exchanges.accept(user, exchange.id),
            "complete": lambda: exchanges.complete(user, exchange.id),
            "cancel": lambda: exchanges.cancel(user, exchange.id, "计划有变"),
            "record_double_qualified": lambda: exchanges.record_double_qualified(user, exchange.id),
        }
        for step, call in calls.items():
            assert (step in offered) == service_takes(call), (status, side, step)
