"""Staff-training requests meet training offers through the matcher; accepting creates a run."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.programs import records as school_records
from portal.training import proposals
from portal.training.models import TrainingRun
from tests.conftest import client_for


def offer(staff, title: str, group: str, hours: int, skills: str, description: str):
    """A training offer of `staff`'s school for `group`, 20 places."""
    return school_records.create_offer(
        staff.organisation,
        title=title,
        target_groups=[group],
        capacity=20,
        hours=hours,
        skills=skills,
        description=description,
    )


def test_a_request_gets_the_matching_offer_first_and_accepting_creates_a_run(app, build):
    staff, hr, other_hr = build.school(), build.enterprise(), build.enterprise()
    welding = offer(
        staff,
        "焊工技能提升培训",
        "enterprise_staff",
        40,
        "焊接, 焊接机器人, 焊缝检验",
        "焊条电弧焊、气体保护焊与焊接机器人操作",
    )
    care = offer(staff, "养老护理员培训", "migrant_workers", 60, "老年照护, 康复护理", "养老护理员的照护技能")
    for made in (welding, care):
        school_records.publish_training_offer(made)
    db.session.commit()
    posting = build.posting(
        hr,
        "staff_training",
        title="焊接车间职工焊接机器人培训",
        skills="焊接机器人, 焊接",
        description="车间职工需要提升焊接与焊接机器人操作技能",
        headcount=12,
    )
    found = proposals.proposals_for(hr, posting.id)
    assert found and found[0].offer.id == welding.id
    assert {r["criterion"] for r in found[0].reasons} & {"text", "skills"}
    assert all(p.offer.id != care.id or p.score < found[0].score for p in found)

    page = client_for(app, hr).get(f"/enterprise/training/requests/{posting.id}")
    assert page.status_code == 200 and "焊工技能提升培训" in page.get_data(as_text=True)
    # Another enterprise neither reads nor accepts this request's proposals.
    other = client_for(app, other_hr)
    assert other.get(f"/enterprise/training/requests/{posting.id}").status_code == 404
    start = "2099-01-05"
    posted = other.post(
        f"/enterprise/training/requests/{posting.id}/offers/{welding.id}/accept", data={"starts_on": start}
    )
    assert posted.status_code == 404
    assert db.session.scalar(select(TrainingRun.id)) is None

    response = client_for(app, hr).post(
        f"/enterprise/training/requests/{posting.id}/offers/{welding.id}/accept", data={"starts_on": start}
    )
    assert response.status_code == 302
    run = db.session.scalar(select(TrainingRun))
    assert (run.offer_id, run.enterprise_id, run.venue_kind, run.places, run.posting_id) == (
        welding.id,
        hr.organisation_id,
        "enterprise",
        12,
        posting.id,
    )
    assert run.school_id == staff.organisation_id
