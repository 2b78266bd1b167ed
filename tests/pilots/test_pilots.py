"""Pilot partnerships (校企一体化合作办学试点) and pilot enterprises (产教融合型试点企业).

Every transition and every refusal; refusals change nothing. Dates are fixed: the
notice period is computed from them, never from waiting.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import (
    AuditEntry,
    Notification,
    PilotEnterpriseApplication,
    PilotPartnership,
)
from portal.pilots import services as pilots
from portal.pilots.services import NOTICE_PERIOD_DAYS, PilotPlan
from portal.platform.checks import district_today
from portal.platform.errors import NotFound, ServiceError
from portal.rules import services as rule_settings
from portal.statistics import services as statistics
from tests.conftest import Builders, client_for
from tests.pilots.conftest import cooperation

PLAN = {
    "goals": "建成焊接专业校企一体化样板",
    "content": "共建冠名班，企业师傅授课",
    "resources": "实训中心、焊接机器人",
    "timeline": "第一学期开班，第三学年末评估",
}
DAY = date(2026, 3, 2)


def submitted_pilot(school, coop) -> PilotPartnership:
    pilot = pilots.create_pilot(school, coop.id, PilotPlan(**PLAN))
    pilots.submit_pilot(school, pilot.id)
    db.session.commit()
    return pilot


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def entries(subject_type: str, subject_id: int) -> list[tuple]:
    return [
        (e.action, e.from_state, e.to_state, e.reason)
        for e in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    ]


def kinds_of(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def decide(admin_client, application, step: str, **form) -> int:
    """The administrator's `step` (recommend, decision, reject, revoke) on a pilot enterprise's
    application, through its page: the status code."""
    return admin_client.post(f"/admin/pilot-enterprises/{application.id}/{step}", data=form).status_code


# --- pilot partnerships: the school's side ----------------------------------------------


def test_school_drafts_and_submits_through_its_pages(app, world):
    school, _hr, _admin, coop = world
    client = client_for(app, school)
    page = client.get("/school/pilots").get_data(as_text=True)
    assert "山东重工智能制造冠名班" in page and f"/school/pilots/new/{coop.id}" in page

    assert client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "save": "1"}).status_code == 302
    pilot = db.session.scalar(select(PilotPartnership))
    assert pilot.status == "draft" and (pilot.school_id, pilot.enterprise_id) == (
        coop.school_id,
        coop.enterprise_id,
    )
    # Mass assignment: status and ids in the form are ignored.
    client.post(
        f"/school/pilots/{pilot.id}/edit",
        data={**PLAN, "goals": "新目标", "status": "approved", "school_id": "999", "save": "1"},
    )
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.goals, pilot.status, pilot.school_id) == ("新目标", "draft", coop.school_id)

    assert client.post(f"/school/pilots/{pilot.id}/submit").status_code == 302
    pilot = fresh(PilotPartnership, pilot.id)
    assert pilot.status == "submitted" and pilot.submitted_by_id == school.id
    assert entries("pilot_partnership", pilot.id) == [
        ("create", None, "draft", None),
        ("submit", "draft", "submitted", None),
    ]
    assert 'data-state="submitted"' in client.get(f"/school/pilots/{pilot.id}").get_data(as_text=True)


def test_save_and_submit_in_one_step(app, world):
    school, _hr, _admin, coop = world
    client = client_for(app, school)
    assert client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "submit": "1"}).status_code == 302
    assert db.session.scalar(select(PilotPartnership.status)) == "submitted"


def test_incomplete_plan_saves_as_draft_but_does_not_submit(app, world):
    school, _hr, _admin, coop = world
    client = client_for(app, school)
    response = client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "timeline": "", "submit": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 0  # one unit of work
    client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "timeline": "", "save": "1"})
    pilot = db.session.scalar(select(PilotPartnership))
    assert client.post(f"/school/pilots/{pilot.id}/submit").status_code == 400
    assert fresh(PilotPartnership, pilot.id).status == "draft"
    assert entries("pilot_partnership", pilot.id) == [("create", None, "draft", None)]


def test_one_open_pilot_per_cooperation(app, world):
    school, _hr, _admin, coop = world
    submitted_pilot(school, coop)
    client = client_for(app, school)
    assert client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "save": "1"}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 1


def test_ended_cooperation_cannot_become_a_pilot(app, world):
    school, hr, _admin, _ = world
    ended = cooperation(school, hr, title="已结束的合作", status="ended")
    with pytest.raises(ServiceError):
        pilots.create_pilot(school, ended.id, PilotPlan(**PLAN))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 0


def test_another_school_cannot_submit_or_see_a_cooperation_or_pilot(app, build, world):
    school, _hr, _admin, coop = world
    other = build.school(name="莱芜区第二职业中专")
    pilot = pilots.create_pilot(school, coop.id, PilotPlan(**PLAN))
    db.session.commit()
    client = client_for(app, other)
    assert client.get(f"/school/pilots/new/{coop.id}").status_code == 404
    assert client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "submit": "1"}).status_code == 404
    assert client.get(f"/school/pilots/{pilot.id}").status_code == 404
    assert client.post(f"/school/pilots/{pilot.id}/edit", data={**PLAN, "goals": "篡改"}).status_code == 404
    assert client.post(f"/school/pilots/{pilot.id}/submit").status_code == 404
    assert "山东重工智能制造冠名班" not in client.get("/school/pilots").get_data(as_text=True)
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.status, pilot.goals) == ("draft", PLAN["goals"])
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 1
    with pytest.raises(NotFound):
        pilots.create_pilot(other, coop.id, PilotPlan(**PLAN))
    db.session.rollback()


def test_the_enterprise_partner_does_not_submit_pilots(app, world):
    _school, hr, _admin, coop = world
    client = client_for(app, hr)
    assert client.get("/school/pilots").status_code == 403
    assert client.post(f"/school/pilots/new/{coop.id}", data={**PLAN, "submit": "1"}).status_code == 403
    with pytest.raises(pilots.NotAllowed):
        pilots.create_pilot(hr, coop.id, PilotPlan(**PLAN))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 0


# --- pilot partnerships: the administrators' side -------------------------------------------


def test_admin_approves_and_the_notice_period_is_computed_from_the_date(app, world):
    school, hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    pilots.approve_pilot(admin, pilot.id, today=DAY)
    db.session.commit()
    pilot = fresh(PilotPartnership, pilot.id)
    assert pilot.status == "approved"
    assert pilot.notice_starts_on == DAY
    assert pilot.notice_ends_on == DAY + timedelta(days=NOTICE_PERIOD_DAYS - 1)
    assert pilot.public_state(DAY) == "notice"
    assert pilot.public_state(pilot.notice_ends_on) == "notice"  # the last day is still in the notice period
    assert pilot.public_state(pilot.notice_ends_on + timedelta(days=1)) == "final"
    assert pilot.public_state(DAY - timedelta(days=1)) == "notice"
    assert entries("pilot_partnership", pilot.id)[-1] == ("approve", "submitted", "approved", None)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "approve", AuditEntry.subject_type == "pilot_partnership"
        )
    )
    assert sorted(entry.organisation_ids) == sorted([coop.school_id, coop.enterprise_id])
    assert "pilot_approved" in kinds_of(school) and "pilot_approved" in kinds_of(hr)


def test_admin_approves_through_the_page(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    client = client_for(app, admin)
    page = client.get("/admin/pilots").get_data(as_text=True)
    assert "山东重工智能制造冠名班" in page
    assert PLAN["goals"] in client.get(f"/admin/pilots/{pilot.id}").get_data(as_text=True)
    assert client.post(f"/admin/pilots/{pilot.id}/approve").status_code == 302
    pilot = fresh(PilotPartnership, pilot.id)
    assert pilot.status == "approved" and pilot.notice_starts_on == district_today()
    assert pilot.decided_by_id == admin.id


def test_approve_twice_is_refused(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    client = client_for(app, admin)
    assert client.post(f"/admin/pilots/{pilot.id}/approve").status_code == 302
    before = fresh(PilotPartnership, pilot.id).decided_at
    client.set_cookie("lang", "en")
    response = client.post(f"/admin/pilots/{pilot.id}/approve")
    assert response.status_code == 400
    assert "Only a submitted pilot can be decided" in response.get_data(as_text=True)
    assert fresh(PilotPartnership, pilot.id).decided_at == before
    assert [e[0] for e in entries("pilot_partnership", pilot.id)].count("approve") == 1


def test_return_then_resubmit_then_approve(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    admin_client, school_client = client_for(app, admin), client_for(app, school)
    assert (
        admin_client.post(f"/admin/pilots/{pilot.id}/return", data={"reason": "请补充经费来源"}).status_code
        == 302
    )
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.status, pilot.decision_note) == ("returned", "请补充经费来源")
    assert "pilot_returned" in kinds_of(school)
    assert "请补充经费来源" in school_client.get(f"/school/pilots/{pilot.id}").get_data(as_text=True)

    # A returned pilot cannot be approved (nor rejected) without a resubmission.
    assert admin_client.post(f"/admin/pilots/{pilot.id}/approve").status_code == 400
    assert admin_client.post(f"/admin/pilots/{pilot.id}/reject", data={"reason": "x"}).status_code == 400
    assert fresh(PilotPartnership, pilot.id).status == "returned"

    school_client.post(
        f"/school/pilots/{pilot.id}/edit",
        data={**PLAN, "resources": "经费：企业每年投入50万元", "submit": "1"},
    )
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.status, pilot.resources) == ("submitted", "经费：企业每年投入50万元")
    assert admin_client.post(f"/admin/pilots/{pilot.id}/approve").status_code == 302
    assert [e[:3] for e in entries("pilot_partnership", pilot.id)] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("resubmit", "returned", "submitted"),
        ("approve", "submitted", "approved"),
    ]


def test_submitted_pilot_cannot_be_edited_by_the_school(app, world):
    school, _hr, _admin, coop = world
    pilot = submitted_pilot(school, coop)
    client = client_for(app, school)
    assert (
        client.post(f"/school/pilots/{pilot.id}/edit", data={**PLAN, "goals": "改", "save": "1"}).status_code
        == 400
    )
    assert client.post(f"/school/pilots/{pilot.id}/submit").status_code == 400
    assert fresh(PilotPartnership, pilot.id).goals == PLAN["goals"]


def test_reject_needs_a_reason_and_is_final(app, world):
    school, hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    client = client_for(app, admin)
    assert client.post(f"/admin/pilots/{pilot.id}/reject", data={"reason": " "}).status_code == 400
    assert client.post(f"/admin/pilots/{pilot.id}/return", data={"reason": ""}).status_code == 400
    assert fresh(PilotPartnership, pilot.id).status == "submitted"
    assert (
        client.post(f"/admin/pilots/{pilot.id}/reject", data={"reason": "方案不具备试点条件"}).status_code
        == 302
    )
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.status, pilot.decision_note) == ("rejected", "方案不具备试点条件")
    assert "pilot_rejected" in kinds_of(school) and "pilot_rejected" not in kinds_of(hr)
    assert client.post(f"/admin/pilots/{pilot.id}/approve").status_code == 400
    assert fresh(PilotPartnership, pilot.id).status == "rejected"
    # After a rejection the school may apply again with a new plan.
    again = pilots.create_pilot(school, coop.id, PilotPlan(**PLAN))
    db.session.commit()
    assert again.id != pilot.id


def test_withdraw_only_during_the_notice_period(app, world):
    school, hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    with pytest.raises(ServiceError):  # not approved yet
        pilots.withdraw_approval(admin, pilot.id, "异议", today=DAY)
    db.session.rollback()
    pilots.approve_pilot(admin, pilot.id, today=DAY)
    db.session.commit()
    after_notice = DAY + timedelta(days=NOTICE_PERIOD_DAYS)
    with pytest.raises(ServiceError):
        pilots.withdraw_approval(admin, pilot.id, "异议", today=after_notice)
    db.session.rollback()
    assert fresh(PilotPartnership, pilot.id).status == "approved"
    with pytest.raises(ServiceError):  # a reason is required
        pilots.withdraw_approval(admin, pilot.id, "", today=DAY)
    db.session.rollback()
    pilots.withdraw_approval(
        admin, pilot.id, "收到实名异议：实训设备未到位", today=DAY + timedelta(days=NOTICE_PERIOD_DAYS - 1)
    )
    db.session.commit()
    pilot = fresh(PilotPartnership, pilot.id)
    assert (pilot.status, pilot.decision_note) == ("withdrawn", "收到实名异议：实训设备未到位")
    assert entries("pilot_partnership", pilot.id)[-1] == (
        "withdraw",
        "approved",
        "withdrawn",
        "收到实名异议：实训设备未到位",
    )
    assert "pilot_withdrawn" in kinds_of(school) and "pilot_withdrawn" in kinds_of(hr)
    assert app.test_client().get(f"/pilots/{pilot.id}").status_code == 404


def test_withdraw_through_the_page(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    client = client_for(app, admin)
    client.post(f"/admin/pilots/{pilot.id}/approve")
    assert client.post(f"/admin/pilots/{pilot.id}/withdraw", data={"reason": "异议成立"}).status_code == 302
    assert fresh(PilotPartnership, pilot.id).status == "withdrawn"


def test_finalise_after_the_notice_period(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    pilots.approve_pilot(admin, pilot.id, today=DAY)
    db.session.commit()
    last_day = DAY + timedelta(days=NOTICE_PERIOD_DAYS - 1)
    assert pilots.finalise_due(today=last_day) == 0
    assert pilots.finalise_due(today=last_day + timedelta(days=1)) == 1
    db.session.commit()
    pilot = fresh(PilotPartnership, pilot.id)
    assert pilot.status == "final" and pilot.public_state(DAY) == "final"
    assert entries("pilot_partnership", pilot.id)[-1] == ("finalise", "approved", "final", None)
    assert pilots.finalise_due(today=last_day + timedelta(days=30)) == 0  # safe to run twice
    with pytest.raises(ServiceError):
        pilots.withdraw_approval(admin, pilot.id, "太晚", today=DAY)
    db.session.rollback()


def test_finalise_command(app, world):
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    pilots.approve_pilot(admin, pilot.id, today=district_today() - timedelta(days=NOTICE_PERIOD_DAYS))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["finalise-pilots"])
    assert result.exit_code == 0 and "finalised: 1" in result.output
    assert fresh(PilotPartnership, pilot.id).status == "final"
    assert "finalised: 0" in app.test_cli_runner().invoke(args=["finalise-pilots"]).output


def test_only_administrators_decide(app, world, build):
    school, hr, _admin, coop = world
    pilot = submitted_pilot(school, coop)
    for user in (school, hr, build.student(school)):
        client = client_for(app, user)
        for path in ("/admin/pilots", f"/admin/pilots/{pilot.id}"):
            assert client.get(path).status_code == 403
        for action in ("approve", "reject", "return", "withdraw"):
            assert client.post(f"/admin/pilots/{pilot.id}/{action}", data={"reason": "x"}).status_code == 403
    assert app.test_client().post(f"/admin/pilots/{pilot.id}/approve").status_code == 302  # anonymous: login
    with pytest.raises(pilots.NotAllowed):
        pilots.approve_pilot(school, pilot.id)
    db.session.rollback()
    assert fresh(PilotPartnership, pilot.id).status == "submitted"
    assert [e[0] for e in entries("pilot_partnership", pilot.id)] == ["create", "submit"]


def test_unknown_pilot_is_404_for_administrators(app, world):
    _school, _hr, admin, _coop = world
    client = client_for(app, admin)
    assert client.get("/admin/pilots/999").status_code == 404
    assert client.post("/admin/pilots/999/approve").status_code == 404


# --- public -----------------------------------------------------------------------------


def test_public_list_shows_approved_pilots_with_their_notice_period(app, build, world):
    school, hr, admin, coop = world
    in_notice = submitted_pilot(school, coop)
    pilots.approve_pilot(admin, in_notice.id)
    final = submitted_pilot(school, cooperation(school, hr, kind="apprenticeship", title="重工现代学徒制班"))
    pilots.approve_pilot(admin, final.id, today=DAY)  # its notice period ended long ago
    waiting = submitted_pilot(school, cooperation(school, hr, kind="internship", title="待审核的实习合作"))
    rejected = submitted_pilot(school, cooperation(school, hr, kind="internship", title="被驳回的合作"))
    pilots.reject_pilot(admin, rejected.id, "不符合条件")
    draft = pilots.create_pilot(
        school, cooperation(school, hr, kind="staff_training", title="草稿合作").id, PilotPlan(**PLAN)
    )
    db.session.commit()

    client = app.test_client()
    client.set_cookie("lang", "en")
    page = client.get("/pilots").get_data(as_text=True)
    assert "山东重工智能制造冠名班" in page and "重工现代学徒制班" in page
    assert "待审核的实习合作" not in page and "被驳回的合作" not in page and "草稿合作" not in page
    assert 'data-state="notice"' in page and 'data-state="final"' in page
    ends = DAY + timedelta(days=NOTICE_PERIOD_DAYS - 1)
    assert f"{DAY.isoformat()} – {ends.isoformat()}" in page
    assert page.index("山东重工智能制造冠名班") < page.index("重工现代学徒制班")  # newest approval first

    detail = client.get(f"/pilots/{in_notice.id}").get_data(as_text=True)
    assert PLAN["goals"] in detail and 'data-state="notice"' in detail
    for hidden in (waiting, rejected, draft):
        assert client.get(f"/pilots/{hidden.id}").status_code == 404
    assert client.get("/pilots/99999").status_code == 404


# --- pilot enterprises ------------------------------------------------------------------------


def test_figures_are_computed_from_the_records_at_submission(app, build, world):
    school, hr, _admin, _coop = world
    cooperation(school, hr, kind="apprenticeship", title="学徒制班", seats=20)
    cooperation(school, hr, kind="teacher_exchange", title="兼职教师", seats=2)
    cooperation(school, hr, kind="internship", title="已结束实习", status="ended")
    other_school = build.school(name="莱芜区第二职业中专")
    cooperation(other_school, hr, kind="order_class", title="第二个订单班", seats=30)
    Builders.posting(hr, "apprenticeship", title="学徒岗位", headcount=6)
    Builders.posting(hr, "part_time_teacher", title="兼职授课", headcount=3)
    Builders.posting(hr, "apprenticeship", title="学徒草稿", headcount=50, publish=False)
    other = build.enterprise(name="别的企业")
    cooperation(school, other, kind="order_class", title="别人的订单班")

    client = client_for(app, hr)
    assert client.get("/enterprise/pilot").status_code == 200
    assert (
        client.post("/enterprise/pilot", data={"statement": "深度合作，共建冠名班和学徒制"}).status_code
        == 302
    )
    application = db.session.scalar(select(PilotEnterpriseApplication))
    assert application.status == "submitted" and application.enterprise_id == hr.organisation_id
    assert application.figures == {
        "active_cooperations": 4,
        "order_classes": 2,
        "order_class_seats": 70,
        "apprenticeships": 1,
        "apprentice_places": 26,
        "internships": 0,
        "part_time_teachers": 5,
        "staff_training": 0,
        "training_bases": 0,
        "schools": 2,
    }
    # Stored at submission: later records do not change what was submitted.
    cooperation(school, hr, kind="training_base", title="共建实训基地")
    assert fresh(PilotEnterpriseApplication, application.id).figures["active_cooperations"] == 4
    assert statistics.enterprise_evidence(hr.organisation_id)["active_cooperations"] == 5
    assert entries("pilot_enterprise_application", application.id) == [("submit", None, "submitted", None)]


def test_one_open_application_per_enterprise(app, world):
    _school, hr, admin, _coop = world
    client = client_for(app, hr)
    client.post("/enterprise/pilot", data={"statement": "第一次申请"})
    response = client.post("/enterprise/pilot", data={"statement": "第二次申请"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PilotEnterpriseApplication)) == 1
    application = db.session.scalar(select(PilotEnterpriseApplication))
    pilots.recommend_enterprise(admin, application.id, "推荐")
    db.session.commit()
    with pytest.raises(ServiceError):  # recommended is open too
        pilots.apply_as_pilot_enterprise(hr, "再申请")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PilotEnterpriseApplication)) == 1


def test_statement_is_required(app, world):
    _school, hr, _admin, _coop = world
    assert client_for(app, hr).post("/enterprise/pilot", data={"statement": "  "}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PilotEnterpriseApplication)) == 0


def test_pending_enterprise_cannot_apply(app, build):
    pending = build.enterprise(verified=False)
    with pytest.raises(ServiceError):
        pilots.apply_as_pilot_enterprise(pending, "申请")
    db.session.rollback()


def test_not_recommended_then_recommend_notice_provincial_decision_and_revocation(app, build, world):
    """590 Art. 4: the province confirms; the district recommends, publishes a notice and records."""
    school, hr, admin, _coop = world
    hr_client, admin_client = client_for(app, hr), client_for(app, admin)
    hr_client.post("/enterprise/pilot", data={"statement": "第一次"})
    first = db.session.scalar(select(PilotEnterpriseApplication))
    assert "山东重工" in admin_client.get("/admin/pilot-enterprises").get_data(as_text=True)
    page = admin_client.get(f"/admin/pilot-enterprises/{first.id}").get_data(as_text=True)
    assert 'data-testid="enterprise-criteria"' in page and "发改社会〔2019〕590号" in page
    # Revoking one that was never confirmed is refused.
    assert decide(admin_client, first, "revoke", reason="x") == 400
    assert decide(admin_client, first, "reject", reason="") == 400
    assert decide(admin_client, first, "reject", reason="合作年限不足") == 302
    first = fresh(PilotEnterpriseApplication, first.id)
    assert (first.status, first.decision_reason) == ("rejected", "合作年限不足")
    assert "pilot_enterprise_rejected" in kinds_of(hr)
    assert "合作年限不足" in hr_client.get("/enterprise/pilot").get_data(as_text=True)
    assert (
        decide(admin_client, first, "recommend", recommendation="x") == 400
        and fresh(PilotEnterpriseApplication, first.id).status == "rejected"
    )

    hr_client.post("/enterprise/pilot", data={"statement": "第二次"})
    second = db.session.scalar(
        select(PilotEnterpriseApplication).where(PilotEnterpriseApplication.id != first.id)
    )
    # A recommendation without its text is refused beside the field.
    assert (
        decide(admin_client, second, "recommend", recommendation="") == 400
        and fresh(PilotEnterpriseApplication, second.id).status == "submitted"
    )
    assert decide(admin_client, second, "recommend", recommendation="合作扎实，推荐") == 302
    second = fresh(PilotEnterpriseApplication, second.id)
    today = district_today()
    assert (second.status, second.notice_starts_on, second.notice_days) == ("recommended", today, 7)
    assert second.notice_ends_on == today + timedelta(days=6)
    assert {c["key"] for c in second.criteria} >= {"registered", "stable_cooperation", "order_classes"}
    assert "pilot_enterprise_recommended" in kinds_of(hr)
    public = app.test_client().get("/pilots").get_data(as_text=True)
    assert "山东重工" in public and 'data-testid="public-notice"' in public
    # During the notice the province's decision cannot be recorded.
    decision = {"confirmed": "yes", "document": "鲁发改社会〔2026〕12号", "decided_on": today.isoformat()}
    assert decide(admin_client, second, "decision", **decision) == 400
    assert fresh(PilotEnterpriseApplication, second.id).status == "recommended"
    # The notice is over (moved back in time here): the decision needs its document number and date.
    db.session.execute(
        update(PilotEnterpriseApplication)
        .where(PilotEnterpriseApplication.id == second.id)
        .values(notice_starts_on=today - timedelta(days=10), notice_ends_on=today - timedelta(days=4))
    )
    db.session.commit()
    response = admin_client.post(f"/admin/pilot-enterprises/{second.id}/decision", data={"confirmed": ""})
    assert response.status_code == 400 and response.get_data(as_text=True).count('class="error"') >= 3
    future = dict(decision, decided_on=(today + timedelta(days=1)).isoformat())
    assert decide(admin_client, second, "decision", **future) == 400
    assert decide(admin_client, second, "decision", **decision) == 302
    second = fresh(PilotEnterpriseApplication, second.id)
    assert (second.status, second.decision_document, second.decision_date) == (
        "confirmed",
        "鲁发改社会〔2026〕12号",
        today,
    )
    assert decide(admin_client, second, "decision", **decision) == 400
    assert "pilot_enterprise_confirmed" in kinds_of(hr)
    public = app.test_client().get("/pilots").get_data(as_text=True)
    assert "鲁发改社会〔2026〕12号" in public

    assert decide(admin_client, second, "revoke", reason="省发改委撤销确认") == 302
    second = fresh(PilotEnterpriseApplication, second.id)
    assert (second.status, second.decision_reason) == ("revoked", "省发改委撤销确认")
    assert "pilot_enterprise_revoked" in kinds_of(hr)
    assert "data-enterprise-id" not in app.test_client().get("/pilots").get_data(as_text=True)
    assert entries("pilot_enterprise_application", second.id) == [
        ("submit", None, "submitted", None),
        ("recommend", "submitted", "recommended", None),
        ("record_decision", "recommended", "confirmed", f"鲁发改社会〔2026〕12号 {today.isoformat()}"),
        ("revoke", "confirmed", "revoked", "省发改委撤销确认"),
    ]


def test_a_recommendation_can_be_withdrawn_only_during_its_notice(app, world):
    _school, hr, admin, _coop = world
    application = pilots.apply_as_pilot_enterprise(hr, "申请")
    pilots.recommend_enterprise(admin, application.id, "推荐", today=district_today() - timedelta(days=30))
    db.session.commit()
    with pytest.raises(ServiceError):
        pilots.withdraw_recommendation(admin, application.id, "有异议")
    db.session.rollback()
    second_try = pilots.get_application(admin, application.id)
    second_try.notice_ends_on = district_today()
    db.session.commit()
    pilots.withdraw_recommendation(admin, application.id, "公示期内收到实名异议，经核实属实")
    db.session.commit()
    assert fresh(PilotEnterpriseApplication, application.id).status == "withdrawn"


def test_the_notice_length_is_the_setting_in_force_and_a_change_never_rewrites_a_notice(app, world):
    _school, hr, admin, _coop = world
    first = pilots.apply_as_pilot_enterprise(hr, "申请")
    pilots.recommend_enterprise(admin, first.id, "推荐")
    db.session.commit()
    rule_settings.set_value(admin, "pilot_enterprise_notice_days", 10, "省里要求公示10天")
    db.session.commit()
    first = fresh(PilotEnterpriseApplication, first.id)
    assert (first.notice_days, first.notice_ends_on - first.notice_starts_on) == (7, timedelta(days=6))
    other = Builders().enterprise(name="另一家企业")
    second = pilots.apply_as_pilot_enterprise(other, "申请")
    pilots.recommend_enterprise(admin, second.id, "推荐")
    db.session.commit()
    second = fresh(PilotEnterpriseApplication, second.id)
    assert (second.notice_days, second.notice_note) == (10, "省里要求公示10天")


def test_the_criteria_say_what_is_missing_and_refuse_nothing(app, build):
    hr = build.enterprise(name="新企业")
    criteria = {c["key"]: c for c in pilots.enterprise_criteria(hr.organisation_id)}
    assert criteria["registered"]["met"] is True
    assert criteria["stable_cooperation"]["met"] is False and criteria["stable_cooperation"]["missing"]
    assert criteria["order_classes"]["met"] is False and criteria["order_classes"]["missing"]


def test_applications_are_seen_only_by_their_enterprise_and_decided_only_by_admins(app, build, world):
    school, hr, admin, _coop = world
    other = build.enterprise(name="别的企业")
    application = pilots.apply_as_pilot_enterprise(hr, "山东重工的申请说明")
    db.session.commit()
    page = client_for(app, other).get("/enterprise/pilot").get_data(as_text=True)
    assert "山东重工的申请说明" not in page
    for user in (hr, other, school):
        client = client_for(app, user)
        assert client.get("/admin/pilot-enterprises").status_code == 403
        assert client.get(f"/admin/pilot-enterprises/{application.id}").status_code == 403
        for action in ("recommend", "decision", "reject", "withdraw", "revoke"):
            posted = client.post(f"/admin/pilot-enterprises/{application.id}/{action}", data={"reason": "x"})
            assert posted.status_code == 403
    assert client_for(app, school).get("/enterprise/pilot").status_code == 403
    with pytest.raises(pilots.NotAllowed):
        pilots.recommend_enterprise(hr, application.id, "自荐")
    db.session.rollback()
    assert fresh(PilotEnterpriseApplication, application.id).status == "submitted"
    assert client_for(app, admin).get("/admin/pilot-enterprises/999").status_code == 404


def test_admin_home_counts_what_waits(app, world):
    school, hr, admin, coop = world
    submitted_pilot(school, coop)
    pilots.apply_as_pilot_enterprise(hr, "申请")
    db.session.commit()
    page = client_for(app, admin).get("/admin/").get_data(as_text=True)
    assert (
        'data-testid="waiting-pilots-count">1<' in page
        and 'data-testid="waiting-pilot_enterprises-count">1<' in page
    )


# --- demo data ------------------------------------------------------------------------------


def test_demo_pilots_load_twice_and_are_public(app, demo_first_load):
    from seed.loader import load_demo, remove_demo

    first = demo_first_load
    assert (first["pilot_partnerships"], first["pilot_enterprises"]) == (1, 1)
    again = load_demo()
    db.session.commit()
    assert (again["pilot_partnerships"], again["pilot_enterprises"]) == (0, 0)
    pilot = db.session.scalar(select(PilotPartnership))
    assert pilot.public_state(district_today()) == "notice"
    assert (pilot.school.name, pilot.enterprise.name) == ("莱芜职业中专", "山东重工")
    page = app.test_client().get("/pilots").get_data(as_text=True)
    assert pilot.cooperation.title in page
    # 山东汇金 is recommended, its notice over: the province's decision is awaited, nothing is invented.
    huijin = db.session.scalar(select(PilotEnterpriseApplication))
    assert (huijin.status, huijin.awaits_decision(district_today()), huijin.decision_document) == (
        "recommended",
        True,
        None,
    )
    remove_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PilotPartnership)) == 0
    assert db.session.scalar(select(func.count()).select_from(PilotEnterpriseApplication)) == 0
