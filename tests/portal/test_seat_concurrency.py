"""Seats are never over-filled when many people admit at the same moment (SECURITY.md item 24).

Real processes (multiprocessing; forkserver by default, spawn with
SEAT_TEST_START=spawn), each with its own app and engine on the
same SQLite file or PostgreSQL database, wait behind a barrier and then each
admit a different application of the same class, as school staff and, under a
SHARED partnership, enterprise HR. Many rounds on each database: exactly `seats`
admissions, never more; `taken` equals the admitted applications; every other
process is refused with "full", none fails. A last round has every process admit
the same application: one admission, one seat.

The worker processes (tests/races.py) are started once for the test process (starting
the app is the slow part) and serve both databases and every race test.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.extensions import db
from portal.models import AdmissionsMode, ApplicationStatus, NamedClass
from portal.named_classes import services as nc
from portal.platform import checks
from tests import races
from tests.conftest import PASSWORD
from tests.named_classes.test_named_classes import class_input, make_cooperation

pytestmark = pytest.mark.xdist_group("races")  # one process runs them all: one pool
PROCESSES = 24
SEATS = 5
ROUNDS = 5
ADMIT = "portal.named_classes.services:admit"


def _run_round(pool, db_url: str, round_no: int, pairs: list[tuple[int, int]]) -> Counter:
    outcomes = races.at_once(pool, db_url, round_no, [(ADMIT, actor_id, a) for actor_id, a in pairs])
    return Counter(outcome for *_, outcome in outcomes)


def test_concurrent_admissions_never_exceed_seats(app, build, db_url, race_pool):
    staff = build.school()
    hr = build.enterprise()
    second = accounts.add_member(
        NewAccount("staff.two@example.com", "Staff Two", PASSWORD), staff.organisation
    )
    students = races.students(build, staff, PROCESSES)
    # SHARED: school staff and enterprise HR admit at the same moment.
    cooperation = make_cooperation(staff, hr, seats=SEATS * (ROUNDS + 1), mode=AdmissionsMode.SHARED)
    db.session.commit()
    actors = [staff.id, second.id, hr.id]
    report = []

    for round_no in range(ROUNDS):
        named = nc.create_named_class(
            staff, cooperation.id, class_input(name=f"并发冠名班{round_no}", seats=SEATS), publish=True
        )
        applications = [nc.apply(student, named.id, "申请") for student in students]
        db.session.commit()
        pairs = [(actors[i % len(actors)], a.id) for i, a in enumerate(applications)]
        outcomes = _run_round(race_pool, db_url, round_no, pairs)
        taken = db.session.get(NamedClass, named.id).taken
        report.append((round_no, dict(outcomes), taken))
        assert outcomes == Counter({"done": SEATS, "refused:Conflict": PROCESSES - SEATS}), report
        assert taken == SEATS == nc.admitted_count(named.id)

    # Everyone admits the same application at once: one admission, one seat.
    named = nc.create_named_class(
        staff, cooperation.id, class_input(name="同一申请班", seats=SEATS), publish=True
    )
    application = nc.apply(students[0], named.id, "申请")
    db.session.commit()
    outcomes = _run_round(
        race_pool, db_url, ROUNDS, [(actors[i % len(actors)], application.id) for i in range(PROCESSES)]
    )
    taken = db.session.get(NamedClass, named.id).taken
    report.append(("same application", dict(outcomes), taken))
    assert outcomes == Counter({"done": 1, "refused:ServiceError": PROCESSES - 1}), report
    assert (
        taken == 1
        and db.session.get(type(application), application.id).status == ApplicationStatus.ADMITTED.value
    )
    print(f"\n[{db_url.split(':')[0]}] {PROCESSES} processes, {SEATS} seats: {report}")


def test_dates_do_not_matter_for_the_seat_count(app, build):
    """A class admitted to the last seat after its window closed still refuses the next admission."""
    staff, hr = build.school(), build.enterprise()
    students = [build.student(staff) for _ in range(2)]
    cooperation = make_cooperation(staff, hr)
    named = nc.create_named_class(staff, cooperation.id, class_input(seats=1), publish=True)
    first, second = (nc.apply(s, named.id, "申请") for s in students)
    db.session.commit()
    later = checks.district_today() + timedelta(days=11)
    nc.admit(staff, first.id, today=later)
    db.session.commit()
    with pytest.raises(nc.Conflict):
        nc.admit(staff, second.id, today=later)
    db.session.rollback()
    assert db.session.get(NamedClass, named.id).taken == 1
