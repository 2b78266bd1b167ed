"""Modern apprenticeship allocation: programme state machine, choices, rankings, preview, publish.

Every refused step changes nothing; foreign ids are 404; a published run is frozen and
repeatable from its stored inputs. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

import matching
from portal.apprenticeships import services as apprenticeships
from portal.extensions import db
from portal.models import (
    AllocationRun,
    ApprenticeChoice,
    ApprenticePlace,
    ApprenticeshipProgramme,
    AuditEntry,
    Cooperation,
    CooperationKind,
    EnterpriseRanking,
    Notification,
    User,
)
from portal.platform.checks import district_today
from portal.platform.errors import NotFound, ServiceError
from tests.conftest import Builders, client_for, refused_unchanged


def cooperation(
    school_staff: User, hr: User, kind: str = CooperationKind.APPRENTICESHIP.value
) -> Cooperation:
    return Builders.cooperation(
        school_staff,
        hr,
        kind=kind,
        title="数控加工现代学徒制班",
        seats=10,
        start_date=date(2026, 9, 1),
        duration_months=24,
        with_program=False,
        school_provides="",
        enterprise_provides="",
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        count(m)
        for m in (
            ApprenticeshipProgramme,
            ApprenticePlace,
            ApprenticeChoice,
            EnterpriseRanking,
            AllocationRun,
            AuditEntry,
            Notification,
        )
    )


@dataclass
class World:
    staff: User
    hr: User
    students: list[User]
    programme: ApprenticeshipProgramme
    places: list[ApprenticePlace]


def make_world(build, *, students: int = 3, capacities=(1, 1), open_: bool = True) -> World:
    staff = build.school(programs=("数控技术应用",))
    hr = build.enterprise()
    coop = cooperation(staff, hr)
    today = district_today()
    programme = apprenticeships.create_programme(
        staff,
        coop.id,
        name="汇金学徒制 2026",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
    )
    places = [
        apprenticeships.add_place(
            staff,
            programme.id,
            site="精密加工车间",
            mentor_name="李师傅",
            capacity=capacities[0],
            description="数控车削、零件编程",
        )
    ]
    for capacity in capacities[1:]:
        places.append(
            apprenticeships.add_place(
                hr,
                programme.id,
                mentor_name="赵师傅",
                mentor_title="technician",
                capacity=capacity,
                description="三坐标测量、质量控制",
            )
        )
    if open_:
        apprenticeships.open_programme(staff, programme.id)
    db.session.commit()
    people = [build.student(staff) for _ in range(students)]
    return World(staff, hr, [db.session.get(User, s.id) for s in people], programme, places)


def choose(world: World, student: User, *places: ApprenticePlace):
    apprenticeships.set_choices(student, world.programme.id, {p.id: i for i, p in enumerate(places, start=1)})
    db.session.commit()


# --- the whole journey ------------------------------------------------------------------------


def test_preview_then_publish_freezes_and_tells_everyone(app, build):
    w = make_world(build)
    a, b, c = w.students
    first, second = w.places
    choose(w, a, first, second)
    choose(w, b, first)
    choose(w, c, first, second)
    apprenticeships.set_enterprise_ranking(w.hr, first.id, {b.id: 1, a.id: 2, c.id: 3})
    db.session.commit()
    notes_before = count(Notification)

    run = apprenticeships.preview(w.staff, w.programme.id, seed=7)
    db.session.commit()
    assert run.status == "preview" and run.result["blocking_pairs"] == 0
    assert run.result["assignments"][str(b.id)] == str(first.id)  # the enterprise ranked b first
    assert apprenticeships.student_result(a, w.programme).state == "hidden"  # a preview stays hidden
    assert count(Notification) == notes_before  # nobody is told about a preview

    again = apprenticeships.preview(w.staff, w.programme.id, seed=8)  # previews may be re-run
    db.session.commit()
    assert again.id != run.id and again.status == "preview"

    apprenticeships.publish(w.staff, run.id, close_early=True)
    db.session.commit()
    db.session.expire_all()
    assert w.programme.is_frozen and w.programme.status == "closed"
    assert run.status == "published" and run.published_at is not None
    assert db.session.get(AllocationRun, again.id).status == "preview"

    results = {s.id: apprenticeships.student_result(s, w.programme) for s in w.students}
    placed = [s for s, r in results.items() if r.state == "placed"]
    unplaced = [r for r in results.values() if r.state == "unplaced"]
    assert len(placed) == 2 and results[b.id].place.id == first.id
    assert [r.reason for r in unplaced] == ["capacity"]
    with force_locale("en"):
        assert "higher" in str(unplaced[0].message)

    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert {(s.id, "allocation_published") for s in w.students} <= kinds
    assert (w.hr.id, "allocation_published") in kinds
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    for action in ("create", "open", "apply", "rank_applicants", "preview", "publish", "close"):
        assert action in actions


def test_published_run_is_repeatable_from_its_stored_inputs(app, build):
    w = make_world(build, students=4, capacities=(1, 2))
    for s in w.students:
        choose(w, s, *w.places)
    run = apprenticeships.preview(w.staff, w.programme.id)  # a random seed, stored with the run
    apprenticeships.publish(w.staff, run.id, close_early=True)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AllocationRun, run.id)
    students = [
        matching.Student(s["id"], tuple(s["preferences"]), s["profile"]) for s in stored.inputs["students"]
    ]
    places = [
        matching.Place(
            p["id"],
            p["capacity"],
            None if p["preferences"] is None else tuple(p["preferences"]),
            p["description"],
        )
        for p in stored.inputs["places"]
    ]
    again = matching.allocate(students, places, seed=stored.seed).to_dict()
    assert again == stored.result
    assert stored.result["seed"] == stored.seed


def test_unranked_applicant_is_not_acceptable_and_told_why(app, build):
    w = make_world(build, students=2, capacities=(2,))
    a, b = w.students
    [place] = w.places
    choose(w, a, place)
    choose(w, b, place)
    apprenticeships.set_enterprise_ranking(w.hr, place.id, {a.id: 1})
    run = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    apprenticeships.publish(w.staff, run.id, close_early=True)
    db.session.commit()
    result = apprenticeships.student_result(b, w.programme)
    assert result.state == "unplaced" and result.reason == "not_acceptable"
    with force_locale("en"):
        assert "Nothing you ranked fits" in str(result.message)
    assert apprenticeships.student_result(a, w.programme).state == "placed"


def test_matcher_ranks_by_similarity_of_the_major(app, build):
    w = make_world(build, students=0, capacities=(1,))
    [place] = w.places
    from portal.programs import services as program_service

    fit, other = build.student(w.staff), build.student(w.staff)  # both study 数控技术应用
    nursing = program_service.create_program(
        w.staff.organisation, name="护理", code=None, intake_capacity=30, description="老年护理、康复"
    )
    db.session.get(User, other.id).program_id = nursing.id
    db.session.commit()
    for s in (other, fit):
        choose(w, db.session.get(User, s.id), place)
    for seed in range(5):  # whatever the lottery, the matching major wins the place
        run = apprenticeships.preview(w.staff, w.programme.id, seed=seed)
        assert run.result["assignments"][str(fit.id)] == str(place.id)
    assert run.inputs["places"][0]["preferences"] is None


# --- refused transitions: a message, and nothing changed --------------------------------------


def refused(action, message: str | None = None, error=ServiceError):
    """A service call refused (with `message` in English); nothing of `snapshot()` changed."""
    return refused_unchanged(action, snapshot, error=error, match=message, commit=False)


def published_world(build) -> tuple[World, AllocationRun]:
    w = make_world(build, students=2)
    choose(w, w.students[0], w.places[0])
    run = apprenticeships.preview(w.staff, w.programme.id, seed=3)
    apprenticeships.publish(w.staff, run.id, close_early=True)
    db.session.commit()
    return w, run


def test_publish_twice_is_refused(app, build):
    w, run = published_world(build)
    refused(lambda: apprenticeships.publish(w.staff, run.id, close_early=True), "already been published")


def test_publishing_another_preview_after_publish_is_refused(app, build):
    w = make_world(build, students=1)
    choose(w, w.students[0], w.places[0])
    one = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    two = apprenticeships.preview(w.staff, w.programme.id, seed=2)
    apprenticeships.publish(w.staff, one.id, close_early=True)
    db.session.commit()
    refused(lambda: apprenticeships.publish(w.staff, two.id, close_early=True), "already been published")


def test_rerun_after_publish_is_refused(app, build):
    w, _ = published_world(build)
    refused(lambda: apprenticeships.preview(w.staff, w.programme.id), "can no longer change")


def test_choosing_after_publish_is_refused(app, build):
    w, _ = published_world(build)
    refused(
        lambda: apprenticeships.set_choices(w.students[1], w.programme.id, {w.places[1].id: 1}),
        "choices can no longer change",
    )
    refused(
        lambda: apprenticeships.set_choices(w.students[0], w.programme.id, {}), "choices can no longer change"
    )


def test_ranking_and_places_after_publish_are_refused(app, build):
    w, _ = published_world(build)
    refused(
        lambda: apprenticeships.set_enterprise_ranking(w.hr, w.places[0].id, {w.students[0].id: 1}),
        "can no longer change",
    )
    refused(lambda: apprenticeships.use_matcher(w.hr, w.places[0].id), "can no longer change")
    refused(
        lambda: apprenticeships.add_place(w.staff, w.programme.id, site="新车间", capacity=1),
        "can no longer change",
    )


def test_ranking_a_place_of_another_programme_is_refused(app, build):
    w = make_world(build, students=1)
    other = apprenticeships.create_programme(
        w.staff,
        w.programme.cooperation_id,
        name="另一期",
        opens_on=district_today(),
        closes_on=district_today(),
    )
    foreign = apprenticeships.add_place(w.staff, other.id, site="别处", capacity=3)
    db.session.commit()
    refused(
        lambda: apprenticeships.set_choices(
            w.students[0], w.programme.id, {w.places[0].id: 1, foreign.id: 2}
        ),
        "not part of this programme",
    )


def test_enterprise_ranks_only_applicants_of_the_place(app, build):
    w = make_world(build, students=2)
    choose(w, w.students[0], w.places[0])
    refused(
        lambda: apprenticeships.set_enterprise_ranking(w.hr, w.places[0].id, {w.students[1].id: 1}),
        "Only students who applied",
    )
    refused(lambda: apprenticeships.set_enterprise_ranking(w.hr, w.places[0].id, {}), "Rank at least one")


def test_duplicate_ranks_are_refused(app, build):
    w = make_world(build, students=1)
    refused(
        lambda: apprenticeships.set_choices(w.students[0], w.programme.id, {p.id: 1 for p in w.places}),
        "one place only",
    )


def test_another_schools_staff_cannot_act_on_the_programme(app, build):
    w = make_world(build, students=1)
    choose(w, w.students[0], w.places[0])
    stranger = build.school(name="别的学校")
    refused(lambda: apprenticeships.preview(stranger, w.programme.id), error=NotFound)
    refused(lambda: apprenticeships.open_programme(stranger, w.programme.id), error=NotFound)
    refused(lambda: apprenticeships.add_place(stranger, w.programme.id, site="x", capacity=1), error=NotFound)
    run = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    db.session.commit()
    refused(lambda: apprenticeships.publish(stranger, run.id), error=NotFound)


def test_another_enterprise_cannot_rank_or_add_places(app, build):
    w = make_world(build, students=1)
    choose(w, w.students[0], w.places[0])
    stranger = build.enterprise(name="别的企业")
    refused(
        lambda: apprenticeships.set_enterprise_ranking(stranger, w.places[0].id, {w.students[0].id: 1}),
        error=NotFound,
    )
    refused(lambda: apprenticeships.use_matcher(stranger, w.places[0].id), error=NotFound)
    refused(lambda: apprenticeships.add_place(stranger, w.programme.id, site="x", capacity=1), error=NotFound)
    # the partner enterprise may not run or publish the allocation either
    refused(lambda: apprenticeships.preview(w.hr, w.programme.id), error=NotFound)


def test_a_student_of_another_school_cannot_apply(app, build):
    w = make_world(build, students=0)
    elsewhere = build.student(build.school(name="别的学校"))
    refused(
        lambda: apprenticeships.set_choices(elsewhere, w.programme.id, {w.places[0].id: 1}), error=NotFound
    )


def test_an_unconfirmed_student_cannot_apply(app, build):
    w = make_world(build, students=0)
    pending = build.student(w.staff, confirmed=False)
    refused(lambda: apprenticeships.set_choices(pending, w.programme.id, {w.places[0].id: 1}), error=NotFound)


def test_choices_only_while_open_and_within_the_window(app, build):
    w = make_world(build, students=1, open_=False)
    student = w.students[0]
    refused(lambda: apprenticeships.set_choices(student, w.programme.id, {w.places[0].id: 1}), error=NotFound)
    apprenticeships.open_programme(w.staff, w.programme.id)
    w.programme.closes_on = district_today() - timedelta(days=1)
    w.programme.opens_on = district_today() - timedelta(days=5)
    db.session.commit()
    refused(
        lambda: apprenticeships.set_choices(student, w.programme.id, {w.places[0].id: 1}),
        "Applications closed",
    )
    w.programme.opens_on = district_today() + timedelta(days=1)
    w.programme.closes_on = district_today() + timedelta(days=5)
    db.session.commit()
    refused(
        lambda: apprenticeships.set_choices(student, w.programme.id, {w.places[0].id: 1}), "Applications open"
    )
    w.programme.opens_on = district_today()
    db.session.commit()
    apprenticeships.close_programme(w.staff, w.programme.id)
    db.session.commit()
    refused(lambda: apprenticeships.set_choices(student, w.programme.id, {w.places[0].id: 1}), "closed")


def test_illegal_programme_steps(app, build):
    w = make_world(build, students=0, open_=False)
    refused(lambda: apprenticeships.close_programme(w.staff, w.programme.id), "not possible now")
    refused(lambda: apprenticeships.preview(w.staff, w.programme.id), "Open the programme")
    apprenticeships.open_programme(w.staff, w.programme.id)
    db.session.commit()
    refused(lambda: apprenticeships.open_programme(w.staff, w.programme.id), "not possible now")
    refused(lambda: apprenticeships.preview(w.staff, w.programme.id), "No student has ranked")


def test_opening_needs_a_place(app, build):
    staff, hr = build.school(), build.enterprise()
    coop = cooperation(staff, hr)
    programme = apprenticeships.create_programme(
        staff, coop.id, name="空", opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1)
    )
    db.session.commit()
    refused(lambda: apprenticeships.open_programme(staff, programme.id), "at least one place")


def test_stale_preview_cannot_be_published(app, build):
    w = make_world(build, students=2)
    choose(w, w.students[0], w.places[0])
    run = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    db.session.commit()
    choose(w, w.students[1], w.places[0])
    refused(lambda: apprenticeships.publish(w.staff, run.id, close_early=True), "run a new preview")


def test_programme_needs_an_own_apprenticeship_cooperation(app, build):
    staff, hr = build.school(), build.enterprise()
    order_class = cooperation(staff, hr, CooperationKind.ORDER_CLASS.value)
    refused(
        lambda: apprenticeships.create_programme(
            staff, order_class.id, name="x", opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1)
        ),
        "modern apprenticeship",
    )
    apprenticeship = cooperation(staff, hr)
    stranger = build.school(name="别的学校")
    refused(
        lambda: apprenticeships.create_programme(
            stranger, apprenticeship.id, name="x", opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1)
        ),
        error=NotFound,
    )
    refused(
        lambda: apprenticeships.create_programme(
            staff, apprenticeship.id, name="x", opens_on=date(2026, 2, 1), closes_on=date(2026, 1, 1)
        ),
        "window",
    )


@pytest.mark.parametrize("capacity", [-1, None, 1000])
def test_bad_capacity_is_refused(app, build, capacity):
    w = make_world(build, students=0)
    refused(
        lambda: apprenticeships.add_place(w.staff, w.programme.id, site="x", capacity=capacity), "between 0"
    )


# --- pages ------------------------------------------------------------------------------------


def test_student_sees_the_result_only_after_publishing(app, build):
    w = make_world(build, students=1)
    student = w.students[0]
    client = client_for(app, student)
    page = f"/student/apprenticeships/{w.programme.id}"
    posted = client.post(
        f"{page}/choices", data={f"rank-{w.places[1].id}": "1", f"rank-{w.places[0].id}": "2"}
    )
    assert posted.status_code == 302
    db.session.expire_all()
    assert [c.place_id for c in apprenticeships.choices_of(student, w.programme)] == [
        w.places[1].id,
        w.places[0].id,
    ]

    staff = client_for(app, w.staff)
    response = staff.post(f"/school/apprenticeships/{w.programme.id}/preview")
    assert response.status_code == 302
    run_url = response.headers["Location"]
    run_page = staff.get(run_url).get_data(as_text=True)
    assert 'data-testid="blocking-pairs" data-count="0"' in run_page and student.name in run_page
    assert 'data-testid="result-hidden"' in client.get(page).get_data(as_text=True)

    assert staff.post(f"{run_url}/publish", data={"close_early": "1"}).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert 'data-testid="result-placed"' in html and "赵师傅" in html
    assert 'data-testid="ranking-form"' not in html
    listing = client.get("/student/apprenticeships").get_data(as_text=True)
    assert w.programme.name in listing


def test_unplaced_student_reads_why_in_their_language(app, build):
    w = make_world(build, students=2, capacities=(1,))
    for s in w.students:
        choose(w, s, w.places[0])
    run = apprenticeships.preview(w.staff, w.programme.id, seed=4)
    apprenticeships.publish(w.staff, run.id, close_early=True)
    db.session.commit()
    loser = next(s for s in w.students if run.result["assignments"][str(s.id)] is None)
    message = apprenticeships.REASON_MESSAGES["capacity"]
    for locale in ("en", "zh"):
        db.session.get(User, loser.id).locale = locale
        db.session.commit()
        client = client_for(app, loser)
        html = client.get(f"/student/apprenticeships/{w.programme.id}").get_data(as_text=True)
        with force_locale(locale):
            assert 'data-testid="result-unplaced"' in html and str(message) in html


def test_refused_choice_over_http_changes_nothing(app, build):
    w, _ = published_world(build)
    w.students[1].locale = "en"
    db.session.commit()
    client = client_for(app, w.students[1])
    before = snapshot()
    response = client.post(
        f"/student/apprenticeships/{w.programme.id}/choices",
        data={f"rank-{w.places[0].id}": "1"},
        follow_redirects=True,
    )
    assert "choices can no longer change" in response.get_data(as_text=True)
    assert snapshot() == before
    bad = client.post(
        f"/student/apprenticeships/{w.programme.id}/choices", data={"rank-x": "1"}, follow_redirects=True
    )
    assert bad.status_code == 400 and snapshot() == before  # shown again with the message


def test_foreign_pages_are_404(app, build):
    w = make_world(build, students=1)
    choose(w, w.students[0], w.places[0])
    run = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    db.session.commit()
    other_staff, other_hr = build.school(name="别的学校"), build.enterprise(name="别的企业")
    other_student = build.student(other_staff)
    pid = w.programme.id
    for user, urls in (
        (other_staff, [f"/school/apprenticeships/{pid}", f"/school/apprenticeships/runs/{run.id}"]),
        (other_hr, [f"/enterprise/apprenticeships/{pid}"]),
        (other_student, [f"/student/apprenticeships/{pid}"]),
    ):
        client = client_for(app, user)
        for url in urls:
            assert client.get(url).status_code == 404, url
    before = snapshot()
    client = client_for(app, other_staff)
    assert client.post(f"/school/apprenticeships/runs/{run.id}/publish").status_code == 404
    assert client.post(f"/school/apprenticeships/{pid}/preview").status_code == 404
    client = client_for(app, other_hr)
    posted = client.post(
        f"/enterprise/apprenticeships/places/{w.places[0].id}/ranking", data={f"rank-{w.students[0].id}": "1"}
    )
    assert posted.status_code == 404
    client = client_for(app, other_student)
    posted = client.post(f"/student/apprenticeships/{pid}/choices", data={f"rank-{w.places[0].id}": "1"})
    assert posted.status_code == 404
    assert snapshot() == before


def test_school_and_enterprise_pages(app, build):
    w = make_world(build, students=2, open_=False)
    w.staff.locale = "en"
    db.session.commit()
    staff = client_for(app, w.staff)
    assert w.programme.name in staff.get("/school/apprenticeships").get_data(as_text=True)
    posted = staff.post(
        f"/school/apprenticeships/{w.programme.id}/places",
        data={"site": "装配线", "capacity": "2", "mentor_title": ""},
    )
    assert posted.status_code == 302
    bad = staff.post(f"/school/apprenticeships/{w.programme.id}/places", data={"capacity": "2"})
    assert bad.status_code == 400 and "Give the site" in bad.get_data(as_text=True)
    assert staff.post(f"/school/apprenticeships/{w.programme.id}/open").status_code == 302
    db.session.expire_all()
    assert w.programme.status == "open"
    for s in w.students:
        choose(w, s, w.places[0])

    hr = client_for(app, w.hr)
    html = hr.get(f"/enterprise/apprenticeships/{w.programme.id}").get_data(as_text=True)
    assert w.students[0].name in html
    a, b = w.students
    posted = hr.post(
        f"/enterprise/apprenticeships/places/{w.places[0].id}/ranking",
        data={f"rank-{b.id}": "1", f"rank-{a.id}": "2"},
    )
    assert posted.status_code == 302
    db.session.expire_all()
    assert w.places[0].ranked_by == "enterprise"
    run = apprenticeships.preview(w.staff, w.programme.id, seed=5)
    db.session.commit()
    assert run.result["assignments"][str(b.id)] == str(w.places[0].id)
    assert hr.post(f"/enterprise/apprenticeships/places/{w.places[0].id}/matcher").status_code == 302
    db.session.expire_all()
    assert w.places[0].ranked_by == "matcher" and count(EnterpriseRanking) == 0


def test_new_programme_form(app, build):
    staff_user, hr = build.school(), build.enterprise()
    coop = cooperation(staff_user, hr)
    staff = client_for(app, staff_user)
    assert staff.get(f"/school/apprenticeships/new/{coop.id}").status_code == 200
    response = staff.post(
        f"/school/apprenticeships/new/{coop.id}",
        data={"name": "学徒制", "opens_on": "2026-05-01", "closes_on": "2026-05-31"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(ApprenticeshipProgramme.name)) == "学徒制"
    other = build.school(name="别的学校")
    client = client_for(app, other)
    assert client.get(f"/school/apprenticeships/new/{coop.id}").status_code == 404


def test_demo_data_has_a_published_allocation_and_loads_twice(app, demo):
    from seed.loader import load_demo, remove_demo

    load_demo()
    db.session.commit()
    programmes = list(
        db.session.scalars(select(ApprenticeshipProgramme).order_by(ApprenticeshipProgramme.id))
    )
    assert len(programmes) == 2
    published = [p for p in programmes if p.is_frozen]
    assert len(published) == 1
    run = apprenticeships.published_run(published[0])
    assert run.result["blocking_pairs"] == 0
    student = db.session.scalar(select(User).where(User.email == "student@xiaoqi-demo.cn"))
    assert apprenticeships.student_result(student, published[0]).state == "placed"
    remove_demo()
    db.session.commit()
    assert count(ApprenticeshipProgramme) == 0 and count(ApprenticeChoice) == 0
