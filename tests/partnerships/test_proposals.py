"""Match review and partnerships: the matcher adapter, recompute, the proposal state machine,
cooperations, ownership (IDOR), and reasons rendered in both languages."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Cooperation, Notification, Proposal, ProposalStatus
from portal.partnerships import matching
from portal.partnerships import services as proposals
from portal.partnerships.models import Side
from portal.partnerships.services import Terms
from portal.platform import checks
from portal.platform.errors import NotFound, ServiceError
from portal.platform.model_base import utcnow
from portal.postings import services as postings
from portal.programs import services as programs
from tests.conftest import Builders, client_for, en_client, service_takes

ROOT = Path(__file__).resolve().parents[2]
TODAY = checks.district_today()


# --- builders ---------------------------------------------------------------------------


def publish_posting(
    hr,
    *,
    title="焊接技术应用订单班（焊接与装配方向）",
    headcount=30,
    description="",
    skills="焊接、装配、机器人焊接",
    town="gaozhuang",
    major="焊接技术应用",
):
    return Builders.posting(
        hr,
        "order_class",
        title=title,
        description=description or "面向焊接技术应用专业的订单培养，学习焊接与装配。",
        skills=skills,
        certificates="特殊焊接技术",
        headcount=headcount,
        town=town,
        details={"major": major, "years": 3},
    )


def publish_program(staff, name="焊接技术应用", skills="焊接、装配、钳工", certificates="特殊焊接技术"):
    program = next(p for p in staff.organisation.programs if p.name == name)
    program.skills, program.certificates = skills, certificates
    programs.publish_program(program, actor=staff)
    db.session.commit()
    return program


@pytest.fixture
def pair(build):
    """A verified school with a published welding major and a verified enterprise with a welding posting."""
    staff = build.school()
    hr = build.enterprise()
    program = publish_program(staff)
    posting = publish_posting(hr)
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.posting_id == posting.id, Proposal.program_id == program.id)
    )
    assert proposal is not None, "the matcher should propose the welding major for the welding posting"
    return staff, hr, program, posting, proposal


def terms(**changes) -> Terms:
    values = dict(
        kind="order_class",
        title="测试冠名班",
        seats=30,
        start_date=TODAY + timedelta(days=60),
        duration_months=36,
        school_provides="课程与教师",
        enterprise_provides="设备与奖学金",
        admissions_mode="enterprise_review",
    )
    values.update(changes)
    return Terms(**values)


def snapshot(proposal_id: int) -> tuple:
    db.session.expire_all()
    p = db.session.get(Proposal, proposal_id)
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    notes = db.session.scalar(select(func.count()).select_from(Notification))
    coops = db.session.scalar(select(func.count()).select_from(Cooperation))
    return (
        p.status,
        p.terms,
        p.terms_by,
        p.school_interested_at,
        p.enterprise_interested_at,
        p.declined_by,
        audits,
        notes,
        coops,
    )


def refused(call, proposal_id: int, error=ServiceError, match: str | None = None):
    before = snapshot(proposal_id)
    with pytest.raises(error) as info:
        call()
    db.session.rollback()
    assert snapshot(proposal_id) == before
    if match:  # the English message (the UI shows it translated)
        with current_app.test_request_context(), force_locale("en"):
            assert match in str(info.value.message)
    return info.value


# --- the adapter ------------------------------------------------------------------------


def test_only_the_adapter_imports_matching():
    offenders = []
    for path in [*(ROOT / "portal").rglob("*.py"), *(ROOT / "seed").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(n == "matching" or n.startswith("matching.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == ["portal/partnerships/matching.py"]


def test_adapter_turns_records_into_matcher_inputs(pair):
    staff, hr, program, posting, _ = pair
    demand = matching.demand_for(posting)
    assert demand.id == str(posting.id) and demand.kind == "order_class"
    assert demand.industry == "高端装备制造"  # the enterprise's industry code, named as the library's data
    assert demand.town == "高庄街道"
    assert demand.skills == ("焊接", "装配", "机器人焊接") and demand.certificates == ("特殊焊接技术",)
    assert demand.headcount == 30
    assert "焊接技术应用" in demand.description  # the kind's own fields feed the text
    assert demand.major == "焊接技术应用"  # the order class's major wanted, a criterion of its own
    major = matching.program_for(program)
    assert major.industry == "装备制造大类"  # the catalogue's major group
    assert major.town == "鹏泉街道" and major.capacity == 40
    assert major.school == staff.organisation.name
    assert major.skills == ("焊接", "装配", "钳工")
    print_ = matching.fingerprint(demand, major)
    assert len(print_) == 64 and print_ == matching.fingerprint(
        matching.demand_for(posting), matching.program_for(program)
    )
    posting.description += "，另需叉车证"
    assert matching.fingerprint(matching.demand_for(posting), major) != print_
    db.session.rollback()


def test_publishing_stores_proposals_with_structured_reasons(pair):
    _, _, program, posting, proposal = pair
    assert proposal.status == "proposed" and proposal.origin == "matcher"
    assert 0 < proposal.score <= 1
    assert len(proposal.inputs_fingerprint) == 64
    criteria = {r["criterion"]: r for r in proposal.reasons}
    assert set(criteria) == {"text", "skills", "certificates", "industry", "capacity", "distance", "major"}
    assert "焊接" in criteria["skills"]["terms"] and criteria["skills"]["required"] == 3
    assert criteria["major"] == {
        **criteria["major"],
        "score": 1.0,
        "major": "焊接技术应用",
    }  # the order class names it
    assert criteria["capacity"] == {**criteria["capacity"], "headcount": 30, "capacity": 40, "fits": True}
    assert criteria["distance"]["km"] > 0
    assert abs(sum(r["weight"] * r["score"] for r in proposal.reasons) - proposal.score) < 0.01
    assert (proposal.school_id, proposal.enterprise_id) == (program.school_id, posting.enterprise_id)


def test_an_unrelated_demand_gets_no_proposal(build):
    staff = build.school()
    publish_program(staff)
    hr = build.enterprise()
    publish_posting(
        hr, title="招聘保安员", description="负责园区门岗值守和巡逻。", skills="巡逻", major="安保"
    )
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_recompute_command_and_closing(app, pair):
    _, hr, program, posting, proposal = pair
    result = app.test_cli_runner().invoke(args=["recompute-proposals", "--chunk", "1"])
    assert result.exit_code == 0, result.output
    assert "1/1 postings" in result.output and "done:" in result.output
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 1
    # Closing the posting withdraws the untouched proposal it had.
    postings.close_posting(hr, posting.id)
    db.session.commit()
    assert db.session.get(Proposal, proposal.id) is None


def test_changing_a_major_recomputes_its_proposals(pair):
    staff, _, program, _, proposal = pair
    before = proposal.inputs_fingerprint
    programs.update_program(staff, program.id, name=program.name, intake_capacity=10, skills=program.skills)
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.inputs_fingerprint != before
    capacity = next(r for r in proposal.reasons if r["criterion"] == "capacity")
    assert (capacity["capacity"], capacity["fits"]) == (10, False)


def test_declined_stays_declined_unless_its_inputs_change(pair):
    staff, hr, program, posting, proposal = pair
    proposals.decline(staff, proposal.id, "本学期名额已满")
    db.session.commit()
    tally = matching.recompute_all()
    db.session.commit()
    assert (tally.kept_declined, tally.reopened) == (1, 0)
    matching.recompute_for_posting(posting)
    matching.recompute_for_program(program)
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.status == "declined" and proposal.decline_reason == "本学期名额已满"
    # Saving without changing anything the matcher reads does not bring it back either.
    postings.update_posting(hr, posting.id, Builders.posting_input(posting))
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.status == "declined"
    # A changed input (more seats) brings it back, from the start, and the log says why.
    postings.update_posting(hr, posting.id, Builders.posting_input(posting, headcount=45))
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.status == "proposed" and proposal.decline_reason is None
    assert not proposal.interested("school")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reopen"))
    assert (entry.actor_id, entry.from_state, entry.to_state) == (None, "declined", "proposed")


# --- the state machine ------------------------------------------------------------------


def _notes(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _actions(proposal_id: int) -> list[tuple]:
    return [
        (e.actor_id, e.action, e.from_state, e.to_state)
        for e in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "proposal", AuditEntry.subject_id == proposal_id)
            .order_by(AuditEntry.id)
        )
    ]


def test_interest_terms_counter_and_accept_create_a_cooperation(pair):
    staff, hr, program, posting, proposal = pair
    proposals.express_interest(staff, proposal.id)
    db.session.commit()
    assert proposal.status == "interested" and proposal.interested("school")
    assert _notes(hr)[-1].kind == "reply"

    proposals.propose_terms(hr, proposal.id, terms(seats=40))
    db.session.commit()
    assert proposal.status == "negotiating" and proposal.terms_by == "enterprise"
    assert _notes(staff)[-1].kind == "terms_proposed"

    proposals.propose_terms(staff, proposal.id, terms(seats=30, admissions_mode="shared"))  # counter-proposal
    db.session.commit()
    assert proposal.terms_by == "school" and proposal.terms["seats"] == 30
    assert _notes(hr)[-1].kind == "terms_proposed"

    cooperation = proposals.accept_terms(hr, proposal.id)
    db.session.commit()
    assert proposal.status == "agreed" and proposal.cooperation_id == cooperation.id
    assert (cooperation.school_id, cooperation.enterprise_id) == (program.school_id, posting.enterprise_id)
    assert (cooperation.program_id, cooperation.posting_id) == (program.id, posting.id)
    assert (cooperation.kind, cooperation.seats, cooperation.duration_months) == ("order_class", 30, 36)
    assert cooperation.admissions_mode == "shared" and cooperation.start_date == TODAY + timedelta(days=60)
    assert cooperation.enterprise_provides == "设备与奖学金"
    assert _notes(staff)[-1].kind == "cooperation_agreed"
    assert _actions(proposal.id) == [
        (staff.id, "interest", "proposed", "interested"),
        (hr.id, "propose_terms", "interested", "negotiating"),
        (staff.id, "counter_terms", "negotiating", "negotiating"),
        (hr.id, "agree", "negotiating", "agreed"),
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "cooperation"))
    assert set(entry.organisation_ids) == {program.school_id, posting.enterprise_id}
    # Each reply was read by acting on the proposal: only the news of the agreement, which the school
    # has not acted on since, is still unread.
    assert [n.kind for n in _notes(hr) if n.read_at is None and "/proposals/" in n.link] == []
    assert [n.kind for n in _notes(staff) if n.read_at is None and "/proposals/" in n.link] == [
        "cooperation_agreed"
    ]


def test_either_side_may_decline_with_a_reason(pair):
    staff, hr, _, _, proposal = pair
    refused(lambda: proposals.decline(hr, proposal.id, "  "), proposal.id, match="reason")
    proposals.decline(hr, proposal.id, "今年不再招收")
    db.session.commit()
    assert (proposal.status, proposal.declined_by) == ("declined", "enterprise")
    note = _notes(staff)[-1]
    assert note.kind == "proposal_declined" and note.params["reason"] == "今年不再招收"
    assert _actions(proposal.id)[-1] == (hr.id, "decline", "proposed", "declined")


def test_every_illegal_transition_is_refused_and_changes_nothing(pair, build):
    staff, hr, _, _, proposal = pair
    pid = proposal.id
    # Interest twice.
    proposals.express_interest(staff, pid)
    db.session.commit()
    refused(lambda: proposals.express_interest(staff, pid), pid, match="already")
    # Accepting before there are terms.
    refused(lambda: proposals.accept_terms(hr, pid), pid, match="no terms")
    # Invalid terms.
    refused(lambda: proposals.propose_terms(hr, pid, terms(kind="lottery")), pid)
    refused(lambda: proposals.propose_terms(hr, pid, terms(seats=0)), pid)
    refused(lambda: proposals.propose_terms(hr, pid, terms(admissions_mode="anyone")), pid)
    refused(lambda: proposals.propose_terms(hr, pid, terms(start_date=TODAY - timedelta(days=400))), pid)
    refused(lambda: proposals.propose_terms(hr, pid, terms(title=" ")), pid)
    proposals.propose_terms(hr, pid, terms())
    db.session.commit()
    # Proposing again before the other side answered; accepting one's own terms.
    refused(lambda: proposals.propose_terms(hr, pid, terms(seats=5)), pid, match="already proposed")
    refused(lambda: proposals.accept_terms(hr, pid), pid, match="You proposed")
    # Interest is implied once terms are on the table.
    refused(lambda: proposals.express_interest(hr, pid), pid)
    proposals.accept_terms(staff, pid)
    db.session.commit()
    # Agree twice, or anything after agreeing.
    refused(lambda: proposals.accept_terms(staff, pid), pid, match="already been agreed")
    refused(lambda: proposals.propose_terms(staff, pid, terms()), pid, match="already been agreed")
    refused(lambda: proposals.decline(hr, pid, "算了"), pid, match="already been agreed")
    # Another organisation's proposal: it does not exist for them.
    other_school, other_hr = build.school(), build.enterprise()
    for outsider in (other_school, other_hr, build.student(staff)):
        for call in (
            lambda u=outsider: proposals.express_interest(u, pid),
            lambda u=outsider: proposals.decline(u, pid, "x"),
            lambda u=outsider: proposals.propose_terms(u, pid, terms()),
            lambda u=outsider: proposals.accept_terms(u, pid),
        ):
            refused(call, pid, NotFound)


def test_acting_on_a_declined_proposal_is_refused(pair):
    staff, hr, _, _, proposal = pair
    proposals.decline(staff, proposal.id, "不合适")
    db.session.commit()
    for call in (
        lambda: proposals.express_interest(hr, proposal.id),
        lambda: proposals.propose_terms(hr, proposal.id, terms()),
        lambda: proposals.accept_terms(hr, proposal.id),
        lambda: proposals.decline(hr, proposal.id, "也不合适"),
        lambda: proposals.ask_directly(hr, proposal.posting_id, proposal.program_id),
    ):
        refused(call, proposal.id, match="declined")


def test_an_unverified_organisation_cannot_take_part(pair):
    from portal.models import OrgStatus

    staff, hr, _, _, proposal = pair
    staff.organisation.status = OrgStatus.PENDING.value  # e.g. sent back for verification
    db.session.commit()
    for call in (
        lambda: proposals.express_interest(staff, proposal.id),
        lambda: proposals.decline(staff, proposal.id, "x"),
        lambda: proposals.propose_terms(staff, proposal.id, terms()),
    ):
        refused(call, proposal.id, match="not been verified")
    proposals.propose_terms(hr, proposal.id, terms())
    db.session.commit()
    refused(lambda: proposals.accept_terms(staff, proposal.id), proposal.id, match="not been verified")


def test_asking_directly_starts_a_proposal_without_the_matcher(build):
    staff = build.school(programs=("焊接技术应用", "护理"))
    hr = build.enterprise()
    nursing = publish_program(staff, "护理", skills="基础护理、老年护理", certificates="老年照护")
    posting = publish_posting(hr)
    assert db.session.scalar(select(Proposal).where(Proposal.program_id == nursing.id)) is None
    proposal = proposals.ask_directly(hr, posting.id, nursing.id)
    db.session.commit()
    assert (proposal.status, proposal.origin, proposal.started_by_id) == ("interested", "enterprise", hr.id)
    assert proposal.interested("enterprise") and not proposal.interested("school")
    assert 0 <= proposal.score < 0.5 and proposal.reasons  # scored, even below the matcher's threshold
    assert _notes(staff)[-1].kind == "proposal"
    assert _actions(proposal.id) == [(hr.id, "ask", None, "interested")]
    refused(
        lambda: proposals.ask_directly(hr, posting.id, nursing.id), proposal.id, match="already a proposal"
    )
    # The asker's own record must be theirs; the other must be public.
    other_hr = build.enterprise()
    with pytest.raises(NotFound):
        proposals.ask_directly(other_hr, posting.id, nursing.id)
    welding = next(p for p in staff.organisation.programs if p.name == "焊接技术应用")  # still a draft
    with pytest.raises(NotFound):
        proposals.ask_directly(hr, posting.id, welding.id)
    db.session.rollback()
    # Recomputing keeps a proposal someone asked for by hand.
    matching.recompute_all()
    db.session.commit()
    assert db.session.get(Proposal, proposal.id).status == "interested"


# --- the web pages ----------------------------------------------------------------------


def test_partnership_journey_over_http(app, pair):
    staff, hr, program, posting, proposal = pair
    hr_client, school_client = client_for(app, hr), client_for(app, staff)
    page = hr_client.get("/enterprise/proposals").get_data(as_text=True)
    assert program.name in page and f"{proposal.percent}%" in page
    page = school_client.get("/school/proposals").get_data(as_text=True)
    assert posting.title in page

    start = (TODAY + timedelta(days=45)).isoformat()
    response = hr_client.post(
        f"/enterprise/proposals/{proposal.id}/terms",
        data={
            "kind": "order_class",
            "title": "焊接冠名班",
            "seats": "30",
            "start_date": start,
            "duration_months": "36",
            "school_provides": "教师",
            "enterprise_provides": "设备",
            "admissions_mode": "enterprise_review",
            "status": "agreed",
            "school_id": "999",  # mass assignment ignored
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "negotiating"

    page = school_client.get(f"/school/proposals/{proposal.id}").get_data(as_text=True)
    assert "焊接冠名班" in page and "/accept" in page
    response = school_client.post(f"/school/proposals/{proposal.id}/accept")
    assert response.status_code == 302 and "/school/cooperations/" in response.headers["Location"]
    cooperation = db.session.scalar(select(Cooperation))
    for client, area in ((hr_client, "enterprise"), (school_client, "school")):
        assert "焊接冠名班" in client.get(f"/{area}/cooperations").get_data(as_text=True)
        page = client.get(f"/{area}/cooperations/{cooperation.id}").get_data(as_text=True)
        assert program.name in page and posting.title in page and "30" in page
    # Accepting again: refused with a message, nothing changes.
    response = school_client.post(f"/school/proposals/{proposal.id}/accept")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Cooperation)) == 1


def test_decline_and_ask_over_http(app, pair):
    staff, hr, program, posting, proposal = pair
    school_client = client_for(app, staff)
    assert (
        school_client.post(f"/school/proposals/{proposal.id}/decline", data={"reason": ""}).status_code == 400
    )
    assert (
        school_client.post(f"/school/proposals/{proposal.id}/decline", data={"reason": "不合适"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "declined"
    assert db.session.get(Proposal, proposal.id).decline_reason == "不合适"
    # Who declined, also where each side's interest is listed (it read "not yet" for the decliner).
    for client in (school_client, en_client(app, hr)):
        area = "school" if client is school_client else "enterprise"
        page = client.get(f"/{area}/proposals/{proposal.id}").get_data(as_text=True)
        interest = re.search(r"<dt>(?:意向|Interest)</dt><dd>(.*?)</dd>", page, re.S).group(1)
        assert f"{staff.organisation.name}: {'已拒绝' if area == 'school' else 'declined'}" in interest
        assert f"{hr.organisation.name}: {'尚未表态' if area == 'school' else 'not yet'}" in interest
    second = publish_posting(hr, title="焊接装配岗位实习（第二批）")
    response = school_client.post(
        "/school/proposals/ask", data={"program_id": program.id, "posting_id": second.id}
    )
    assert response.status_code == 302
    asked = db.session.scalar(select(Proposal).where(Proposal.posting_id == second.id))
    assert asked.origin == "school" and asked.status == "interested"
    assert school_client.post("/school/proposals/ask", data={"program_id": "x"}).status_code == 302


def test_a_common_reason_declines_in_one_click(app, pair):
    staff, *_rest, proposal = pair
    client = en_client(app, staff)
    page = client.get(f"/school/proposals/{proposal.id}").text
    presets = page.split('data-testid="decline-presets"', 1)[1].split("</div>", 1)[0]
    assert presets.count('name="reason" value="') == 3 and "The major does not fit the post" in presets
    client.post(
        f"/school/proposals/{proposal.id}/decline", data={"reason": "The major does not fit the post"}
    )
    db.session.expire_all()
    declined = db.session.get(Proposal, proposal.id)
    assert (declined.status, declined.decline_reason) == ("declined", "The major does not fit the post")


def test_other_organisations_get_404_and_change_nothing(app, pair, build):
    staff, hr, _, _, proposal = pair
    proposals.propose_terms(hr, proposal.id, terms())
    db.session.commit()
    cooperation = proposals.accept_terms(staff, proposal.id)
    db.session.commit()
    second = publish_posting(hr, title="焊接机器人岗位实习")
    open_one = db.session.scalar(select(Proposal).where(Proposal.posting_id == second.id))
    other_school, other_hr = client_for(app, build.school()), client_for(app, build.enterprise())
    before = snapshot(open_one.id)
    for client, area in ((other_school, "school"), (other_hr, "enterprise")):
        assert client.get(f"/{area}/proposals/{open_one.id}").status_code == 404
        for action, data in (
            ("interest", {}),
            ("decline", {"reason": "x"}),
            ("accept", {}),
            (
                "terms",
                {
                    "kind": "order_class",
                    "title": "x",
                    "seats": "1",
                    "start_date": TODAY.isoformat(),
                    "duration_months": "1",
                    "admissions_mode": "school",
                },
            ),
        ):
            assert client.post(f"/{area}/proposals/{open_one.id}/{action}", data=data).status_code == 404
        assert client.get(f"/{area}/cooperations/{cooperation.id}").status_code == 404
        assert cooperation.title not in client.get(f"/{area}/cooperations").get_data(as_text=True)
        assert (
            second.title
            not in client.get(f"/{area}/proposals")
            .get_data(as_text=True)
            .split("<main", 1)[1]
            .split("ask-form", 1)[0]
        )
    assert snapshot(open_one.id) == before
    # Wrong role for the area: 403.
    assert client_for(app, staff).get("/enterprise/proposals").status_code == 403


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reasons_are_rendered_in_the_readers_language(app, build, lang):
    staff = build.school()
    hr = build.enterprise()
    publish_program(staff)
    posting = publish_posting(hr, headcount=60)  # more than the intake of 40
    proposal = db.session.scalar(select(Proposal).where(Proposal.posting_id == posting.id))
    client = client_for(app, staff)
    client.set_cookie("lang", lang)
    html = client.get(f"/school/proposals/{proposal.id}").get_data(as_text=True)
    km = next(r["km"] for r in proposal.reasons if r["criterion"] == "distance")
    with app.test_request_context(), force_locale(lang):
        expected = [
            babel_gettext("Distance"),
            babel_gettext("%(km)s km apart", km=f"{km:.1f}"),
            babel_gettext(
                "annual intake %(capacity)d for a headcount of %(headcount)d", capacity=40, headcount=60
            ),
            babel_gettext("The intake cannot hold the headcount."),
            babel_gettext("1+X certificates"),
            babel_gettext("Industry"),
            str(__import__("portal.platform.vocab", fromlist=["INDUSTRIES"]).INDUSTRIES["equipment"]),
        ]
    for text in expected:
        assert text in html, (lang, text)
    assert f"{proposal.percent}%" in html and 'data-testid="capacity-warning"' in html
    if lang == "en":
        assert "Distance" in html and "High-end equipment manufacturing" in html


def test_admin_recompute_is_a_job_with_its_result(app, pair, build, monkeypatch):
    _, hr, _, _, _ = pair
    publish_posting(hr, title="焊接机器人岗位实习")
    monkeypatch.setattr(matching, "CHUNK", 1)
    client = client_for(app, build.admin())
    assert client.get("/admin/proposals").status_code == 200
    response = client.post("/admin/proposals/recompute")
    assert response.status_code == 302 and "/auth/jobs/" in response.location
    job = client.get(response.location).get_data(as_text=True)
    assert 'data-status="done"' in job and 'data-testid="job-result"' in job
    state = client.get(response.location + ".json").get_json()
    assert state["status"] == "done" and state["progress"] == 100 and state["result"]["postings"] == 2
    school_client = client_for(app, pair[0])
    assert school_client.post("/school/proposals/recompute").status_code == 302
    assert client_for(app, hr).post("/admin/proposals/recompute").status_code == 403
    assert client_for(app, hr).get(response.location).status_code == 404  # not the job of HR


# --- demo data --------------------------------------------------------------------------


def test_demo_data_has_proposals_and_cooperations_and_loads_twice(app, demo_first_load):
    from seed.loader import load_demo, remove_demo

    first = demo_first_load
    assert first["cooperations"] == 3 and first["proposals_scored"] > 10
    assert load_demo()["cooperations"] == 0
    db.session.commit()
    kinds = set(db.session.scalars(select(Cooperation.kind)))
    assert kinds == {"order_class", "apprenticeship", "teacher_exchange"}
    assert (
        db.session.scalar(select(func.count()).where(Proposal.status == ProposalStatus.DECLINED.value)) == 1
    )
    assert (
        db.session.scalar(select(func.count()).where(Proposal.status == ProposalStatus.PROPOSED.value)) > 10
    )
    remove_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Cooperation)) == 0
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reasons_count_only_what_hr_entered_in_the_posting(app, build, lang):
    # An order class with 4 skills and 1 certificate: the reasons say "of the 4 skills" and
    # "of the 1 certificate", name only items HR typed, and say where each match came from.
    staff = build.school()
    hr = build.enterprise()
    publish_program(staff)  # skills 焊接、装配、钳工; certificate 特殊焊接技术
    posting = publish_posting(hr, skills="焊接、装配、机器人焊接、叉车驾驶")
    proposal = db.session.scalar(select(Proposal).where(Proposal.posting_id == posting.id))
    criteria = {r["criterion"]: r for r in proposal.reasons}
    skills, certificates = criteria["skills"], criteria["certificates"]
    assert (skills["required"], skills["covered"], skills["listed"]) == (4, 3, "焊接、装配、机器人焊接")
    assert (certificates["required"], certificates["covered"], certificates["listed"]) == (
        1,
        1,
        "特殊焊接技术",
    )
    assert skills["source"] == "school" and criteria["text"]["source"] in ("school", "catalogue", "both")
    client = client_for(app, staff)
    client.set_cookie("lang", lang)
    html = client.get(f"/school/proposals/{proposal.id}").get_data(as_text=True)
    with app.test_request_context(), force_locale(lang):
        expected = [
            babel_gettext(
                "%(covered)d of the %(required)d skills the posting lists: %(listed)s",
                covered=3,
                required=4,
                listed="焊接、装配、机器人焊接",
            ),
            babel_gettext(
                "%(covered)d of the %(required)d certificates the posting lists: %(listed)s",
                covered=1,
                required=1,
                listed="特殊焊接技术",
            ),
            babel_gettext("(from the school's own entry)"),
            babel_gettext("Matched on: %(terms)s", terms="、".join(criteria["text"]["terms"])),
            babel_gettext("The posting asks for this major: %(major)s", major="焊接技术应用"),
        ]
    for text in expected:
        assert text in html, (lang, text)
    if lang == "zh":
        assert "需求所列 4 项技能中，本专业覆盖 3 项：焊接、装配、机器人焊接" in html
        assert "8 项" not in html and "满足所需" not in html
    else:
        assert "3 of the 4 skills the posting lists: 焊接、装配、机器人焊接" in html and "of 8" not in html


STEP_STATES = [  # (status, terms by, school interested, enterprise interested)
    ("proposed", None, False, False),
    ("interested", None, True, False),
    ("interested", None, False, True),
    ("negotiating", "school", True, False),
    ("negotiating", "enterprise", False, True),
    ("agreed", "school", True, True),
    ("declined", None, False, False),
]


@pytest.mark.parametrize("state", STEP_STATES, ids=lambda s: f"{s[0]}-{s[1]}-{s[2]}-{s[3]}")
def test_the_page_offers_exactly_the_steps_the_service_takes(pair, state):
    staff, hr, _program, _posting, proposal = pair
    status, terms_by, school_in, enterprise_in = state
    proposal.status, proposal.terms_by = status, terms_by
    proposal.terms = terms().to_json() if terms_by else None
    proposal.school_interested_at = utcnow() if school_in else None
    proposal.enterprise_interested_at = utcnow() if enterprise_in else None
    db.session.commit()
    for user, side in ((staff, Side.SCHOOL), (hr, Side.ENTERPRISE)):
        offered = proposals.steps(db.session.get(Proposal, proposal.id), side, True)
        calls = {
            "interest": lambda: proposals.express_interest(user, proposal.id),
            "decline": lambda: proposals.decline(user, proposal.id, "方向不符"),
            "terms": lambda: proposals.propose_terms(user, proposal.id, terms()),
            "accept": lambda: proposals.accept_terms(user, proposal.id),
        }
        for step, call in calls.items():
            assert (step in offered) == service_takes(call), (state, side, step)
