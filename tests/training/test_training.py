"""育训并举 (issue 28): sign-up, places, attendance, completion, erasure, figures and who sees whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.platform.checks import district_today
from portal.platform.errors import Conflict, NotFound
from portal.training import figures, services
from portal.training.models import Trainee, TraineeGroup, TrainingRun
from tests.conftest import client_for
from tests.training import helpers

# 莱芜政发〔2020〕5号 item 12, copied from the plan's text
# (shared/reference/laiwu-vocational-education-plan-2020.txt).
PLAN_ITEM_12 = (
    "12．落实职业院校育训并举的法定职责。统筹职业教育人才培养与职业培训，按照育训结合、长短结合、内外结合的要求，"
    "充分利用各类职业教育资源，广泛开展企业职工技能培训，积极开展面向高校毕业生、退役军人、农民工、去产能分流职工、"
    "建档立卡贫困劳动力、残疾人等重点人群的就业创业培训，大力开展失业人员再就业培训。"
)


def _count() -> int:
    return db.session.scalar(select(func.count(Trainee.id)))


def test_the_groups_are_the_plans_wording(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh"):
        labels = [str(g.label) for g in TraineeGroup]
    item12 = PLAN_ITEM_12
    assert len(labels) == 8
    for label in labels:
        # The plan's term, and for 建档立卡贫困劳动力 the current term beside it.
        assert label.split("（")[0] in item12, label
    assert "脱贫人口" in labels[5]


def test_a_resident_signs_up_with_consent_and_every_problem_is_shown_at_once(app, build):
    staff, admin = build.school(), build.admin()
    centre = helpers.centre(admin)
    run = helpers.run(staff, venue="centre", centre_id=centre.id)
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = client.get(f"/training/runs/{run.id}")
    assert page.status_code == 200 and "signup-form" in page.get_data(as_text=True)

    bad = client.post(
        f"/training/runs/{run.id}", data={"name": "", "phone": "12345", "town": "nowhere", "groups": []}
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for message in (
        "This field is required.",
        "mobile number",
        "valid value",
        "at least one group",
        "consent",
    ):
        assert message in html, message
    assert _count() == 0

    form = {
        "name": "王丽",
        "phone": "13800000001",
        "town": "fengcheng",
        "groups": ["unemployed", "disabled"],
        "consent": "y",
    }
    good = client.post(f"/training/runs/{run.id}", data=form)
    assert good.status_code == 201
    trainee = db.session.scalar(select(Trainee))
    assert trainee.name == "王丽" and trainee.groups == "unemployed,disabled" and trainee.status == "applied"
    again = client.post(f"/training/runs/{run.id}", data={**form, "groups": ["unemployed"]})
    assert again.status_code == 400 and _count() == 1
    # The run is on its town's page and on /training filtered by town and group.
    assert run.offer.title in client.get("/training/towns/fengcheng").get_data(as_text=True)
    assert run.offer.title in client.get("/training/?town=fengcheng&group=unemployed").get_data(as_text=True)
    assert run.offer.title not in client.get("/training/?town=xueye").get_data(as_text=True)
    assert run.offer.title not in client.get("/training/?group=graduates").get_data(as_text=True)


def test_confirm_attend_complete_and_the_town_figures_change(app, build):
    staff = build.school()
    run = helpers.run(staff, places=1)
    first, second = helpers.resident(run.id, 1, town="xueye"), helpers.resident(run.id, 2)
    before = {ln.key: ln.completed for ln in figures.figures().towns}
    staff_client = client_for(app, staff)
    url = f"/school/training/runs/{run.id}"
    assert staff_client.post(f"{url}/trainees/{first.id}/confirm").status_code == 302
    # The only place is taken: the second confirmation is refused, nothing changes.
    staff_client.post(f"{url}/trainees/{second.id}/confirm")
    db.session.expire_all()
    assert db.session.get(TrainingRun, run.id).confirmed == 1
    assert db.session.get(Trainee, second.id).status == "applied"
    with pytest.raises(Conflict):
        services.confirm(staff, run.id, second.id)
    db.session.rollback()

    # Completion needs attendance first.
    staff_client.post(
        f"{url}/trainees/{first.id}/complete",
        data={"certificate_kind": "skill_level", "certificate_name": "焊工 四级"},
    )
    db.session.expire_all()
    assert db.session.get(Trainee, first.id).status == "confirmed"
    day = district_today() - timedelta(days=1)
    response = staff_client.post(
        f"{url}/attendance",
        data={"session_on": day.isoformat(), "hours": "6", "trainee_ids": [str(first.id)]},
    )
    assert response.status_code == 302
    future = staff_client.post(
        f"{url}/attendance",
        data={
            "session_on": (district_today() + timedelta(days=2)).isoformat(),
            "hours": "6",
            "trainee_ids": [str(first.id)],
        },
    )
    assert future.status_code == 400
    staff_client.post(
        f"{url}/trainees/{first.id}/complete",
        data={"certificate_kind": "skill_level", "certificate_name": "焊工 四级"},
    )
    db.session.expire_all()
    done = db.session.get(Trainee, first.id)
    assert done.status == "completed" and done.hours_attended == 6 and done.certificate_name == "焊工 四级"
    after = figures.figures()
    towns = {ln.key: ln for ln in after.towns}
    assert towns["xueye"].completed == before.get("xueye", 0) + 1 and towns["xueye"].hours == 6
    assert after.certificates["skill_level"][1] == 1
    stats = app.test_client().get("/stats").get_data(as_text=True)
    assert 'data-testid="training-by-town"' in stats and "雪野街道" in stats
    assert "学员1" not in stats and "13900000001" not in stats  # counts only


def test_trainees_alike_are_counted_together_and_each_line_adds_them(app, build):
    """The figures count trainees grouped by what they tell apart: three alike (run, town, group,
    status) are three in each line, with their hours summed; a completed one and one in two groups
    each count where they belong; the year filter keeps the run's year only."""
    staff = build.school()
    run = helpers.run(staff, places=10)
    alike = [helpers.resident(run.id, n, town="xueye") for n in (1, 2, 3)]
    both = helpers.resident(run.id, 4, town="gaozhuang", groups=("unemployed", "graduates"))
    for trainee in (*alike, both):
        services.confirm(staff, run.id, trainee.id)
    day = district_today() - timedelta(days=1)
    services.record_attendance(staff, run.id, day, 4, [t.id for t in alike])
    services.record_attendance(staff, run.id, day - timedelta(days=1), 2, [alike[0].id])
    services.complete(staff, run.id, alike[0].id, "skill_level", "焊工 四级")
    db.session.commit()

    found = figures.figures()
    assert (found.started, found.completed, found.hours) == (4, 1, 14)
    towns = {ln.key: ln for ln in found.towns}
    assert (towns["xueye"].started, towns["xueye"].completed, towns["xueye"].hours) == (3, 1, 14)
    assert (towns["gaozhuang"].started, towns["gaozhuang"].hours) == (1, 0)
    groups = {ln.key: ln.started for ln in found.groups}
    assert groups["unemployed"] == 4 and groups["graduates"] == 1
    assert [(ln.started, ln.hours) for ln in found.schools] == [(4, 14)]
    assert found.certificates["skill_level"][1] == 1
    this_year = {ln.key: (ln.started, ln.completed) for ln in found.by_year}
    assert this_year[str(run.starts_on.year)][0] == 4
    assert figures.figures(run.starts_on.year - 1).started == 0


def test_erasing_a_trainee_keeps_only_counts(app, build):
    staff = build.school()
    run = helpers.run(staff)
    trainee = helpers.resident(run.id, 7)
    services.confirm(staff, run.id, trainee.id)
    db.session.commit()
    client_for(app, staff).post(f"/school/training/runs/{run.id}/trainees/{trainee.id}/erase")
    db.session.expire_all()
    erased = db.session.get(Trainee, trainee.id)
    assert erased.name is None and erased.phone is None and erased.erased_at is not None
    assert figures.figures().started == 1


def test_no_school_reads_another_schools_trainees(app, build):
    school_a, school_b = build.school(), build.school()
    run = helpers.run(school_a)
    trainee = helpers.resident(run.id, 3)
    other = client_for(app, school_b)
    assert other.get(f"/school/training/runs/{run.id}").status_code == 404
    for step in ("confirm", "refuse", "erase", "withdraw"):
        assert other.post(f"/school/training/runs/{run.id}/trainees/{trainee.id}/{step}").status_code == 404
    posted = other.post(
        f"/school/training/runs/{run.id}/attendance", data={"session_on": "2026-01-01", "hours": "2"}
    )
    assert posted.status_code == 404
    assert "学员3" not in other.get("/school/training/").get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.get(Trainee, trainee.id).status == "applied"
        and db.session.get(Trainee, trainee.id).name == "学员3"
    )
    with pytest.raises(NotFound):
        services.visible_trainee(school_b, trainee.id)
    # Its own school reads it.
    assert "学员3" in client_for(app, school_a).get(f"/school/training/runs/{run.id}").get_data(as_text=True)


def test_no_enterprise_reads_trainees_who_are_not_its_staff(app, build):
    staff, hr_a, hr_b = build.school(), build.enterprise(), build.enterprise()
    run = helpers.run(staff)
    ours = helpers.resident(run.id, 4, groups=("enterprise_staff",), employer_id=hr_a.organisation_id)
    resident = helpers.resident(run.id, 5)
    page_a = client_for(app, hr_a).get("/enterprise/training/").get_data(as_text=True)
    assert "学员4" in page_a and "学员5" not in page_a
    page_b = client_for(app, hr_b).get("/enterprise/training/").get_data(as_text=True)
    assert "学员4" not in page_b and "学员5" not in page_b
    assert services.visible_trainee(hr_a, ours.id).id == ours.id
    for hr, trainee in ((hr_b, ours), (hr_a, resident)):
        with pytest.raises(NotFound):
            services.visible_trainee(hr, trainee.id)
    # The school's pages are not the enterprise's.
    assert client_for(app, hr_a).get(f"/school/training/runs/{run.id}").status_code == 403


def test_a_run_cannot_be_made_of_another_schools_offer_and_shows_every_problem(app, build):
    school_a, school_b = build.school(), build.school()
    foreign = helpers.offer(school_a)
    client = client_for(app, school_b)
    client.set_cookie("lang", "en")
    response = client.post(
        "/school/training/runs/new",
        data={
            "offer_id": str(foreign.id),
            "starts_on": "",
            "ends_on": "",
            "places": "0",
            "venue_kind": "centre",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose one of your training offers." in html and "Choose the community education centre." in html
    assert "Between 1 and 1000." in html
    assert db.session.scalar(select(func.count(TrainingRun.id))) == 0


def test_administrators_keep_the_community_centres(app, build):
    from portal.training.models import CommunityCentre

    admin, staff = build.admin(), build.school()
    db.session.commit()
    client = client_for(app, admin)
    response = client.post(
        "/admin/training/centres",
        data={"name": "雪野街道社区教育中心", "town": "xueye", "address": "雪野街道", "contact": "联系人"},
    )
    assert response.status_code == 302
    centre = db.session.scalar(select(CommunityCentre))
    assert (centre.name, centre.town) == ("雪野街道社区教育中心", "xueye")
    bad = client.post("/admin/training/centres", data={"name": "", "town": "mars"})
    assert bad.status_code == 400
    assert db.session.scalar(select(func.count(CommunityCentre.id))) == 1
    # Only administrators keep them.
    assert (
        client_for(app, staff)
        .post("/admin/training/centres", data={"name": "x", "town": "xueye"})
        .status_code
        == 403
    )
    assert "雪野街道社区教育中心" in app.test_client().get("/training/towns/xueye").get_data(as_text=True)
