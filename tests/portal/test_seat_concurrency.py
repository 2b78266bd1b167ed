"""Seats are never over-filled when many people admit at the same moment (SECURITY.md item 24).

Real processes (multiprocessing; forkserver by default, spawn with
SEAT_TEST_START=spawn), each with its own app and engine on the
same SQLite file or PostgreSQL database, wait behind a barrier and then each
admit a different application of the same class, as school staff and, under a
SHARED partnership, enterprise HR. Many rounds on each database: exactly `seats`
admissions, never more; `taken` equals the admitted applications; every other
process is refused with "full", none fails. A last round has every process admit
the same application: one admission, one seat.

The worker processes are started once for the module (starting the app is the
slow part) and serve both databases.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections import Counter
from datetime import timedelta

import pytest

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.extensions import db
from portal.models import AdmissionsMode, ApplicationStatus, MembershipStatus, NamedClass, Role, User
from portal.named_classes import services as nc
from portal.platform import checks
from tests.conftest import PASSWORD
from tests.named_classes.test_named_classes import class_input, make_cooperation

PROCESSES = 24
SEATS = 5
ROUNDS = 5
TIMEOUT = 300  # generous: a loaded machine starts processes slowly; a healthy round takes well under a second
PRELOAD = [
    "portal",
    "portal.admin.views",
    "portal.accounts.views",
    "portal.enterprise.views",
    "portal.public.views",
    "portal.school.views",
    "portal.student.views",
    "tests.conftest",
]


def _worker(barrier, jobs, results) -> None:
    """One process: its own app per database URL; one admission per round, after the barrier."""
    from sqlalchemy import text

    from portal.extensions import db
    from portal.models import User
    from portal.named_classes import services as named_classes
    from portal.platform.errors import ServiceError
    from tests.conftest import make_app

    apps = {}
    while True:
        job = jobs.get()
        if job is None:
            return
        db_url, round_no, actor_id, application_id = job
        try:
            if db_url not in apps:
                apps[db_url] = make_app(db_url)
            with apps[db_url].app_context():
                # The parent's SQLite tests all use one file, made anew for each test: a connection
                # kept from an earlier test's file must not serve this one.
                db.engine.dispose()
                actor = db.session.get(User, actor_id)
                db.session.expunge(actor)  # loaded before the barrier; nothing else is read early
                db.session.execute(text("SELECT 1"))  # a pooled connection ready
                db.session.rollback()
                barrier.wait(timeout=TIMEOUT)
                try:
                    named_classes.admit(actor, application_id)
                    db.session.commit()
                    outcome = "admitted"
                except ServiceError as exc:
                    db.session.rollback()
                    outcome = f"refused:{type(exc).__name__}"
                finally:
                    db.session.remove()
        except Exception as exc:  # a lock timeout or integrity error fails the design: report it
            barrier.abort()
            outcome = f"error:{type(exc).__name__}:{exc}"
        results.put((round_no, application_id, outcome))


def worker_pool(target, processes: int):
    """`processes` workers running `target(barrier, jobs, results)`; yields (jobs, results).

    forkserver: a fresh interpreter (not a fork of this test process, so no inherited engine or
    connection) imports the app's modules once, then forks each worker; every worker builds its own
    app and engine. Starting them with "spawn" (SEAT_TEST_START=spawn) is the same test, only slower.
    """
    method = os.environ.get("SEAT_TEST_START", "forkserver")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    barrier = context.Barrier(processes)
    jobs, results = context.Queue(), context.Queue()
    workers = [
        context.Process(target=target, args=(barrier, jobs, results), daemon=True) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    yield jobs, results
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.kill()


@pytest.fixture(scope="module")
def pool():
    yield from worker_pool(_worker, PROCESSES)


def _run_round(pool, db_url: str, round_no: int, pairs: list[tuple[int, int]]) -> Counter:
    jobs, results = pool
    for actor_id, application_id in pairs:
        jobs.put((db_url, round_no, actor_id, application_id))
    outcomes = Counter()
    for _ in pairs:
        try:
            got_round, _application, outcome = results.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"round {round_no}: a worker did not answer within {TIMEOUT}s")
        assert got_round == round_no
        outcomes[outcome] += 1
    return outcomes


def _students(build, staff, n: int) -> list[User]:
    """n confirmed students of the staff's school; one password hash computed, then reused (argon2 is
    slow)."""
    first = build.student(staff)
    others = [
        User(
            email=f"concurrent{i}@example.com",
            name=f"并发学生{i}",
            password_hash=first.password_hash,
            role=Role.STUDENT.value,
            organisation_id=first.organisation_id,
            program_id=first.program_id,
            membership_status=MembershipStatus.ACTIVE.value,
        )
        for i in range(n - 1)
    ]
    db.session.add_all(others)
    db.session.commit()
    return [first, *others]


def test_concurrent_admissions_never_exceed_seats(app, build, db_url, pool):
    staff = build.school()
    hr = build.enterprise()
    second = accounts.add_member(
        NewAccount("staff.two@example.com", "Staff Two", PASSWORD), staff.organisation
    )
    students = _students(build, staff, PROCESSES)
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
        outcomes = _run_round(pool, db_url, round_no, pairs)
        db.session.expire_all()
        taken = db.session.get(NamedClass, named.id).taken
        report.append((round_no, dict(outcomes), taken))
        assert outcomes == Counter({"admitted": SEATS, "refused:Conflict": PROCESSES - SEATS}), report
        assert taken == SEATS == nc.admitted_count(named.id)

    # Everyone admits the same application at once: one admission, one seat.
    named = nc.create_named_class(
        staff, cooperation.id, class_input(name="同一申请班", seats=SEATS), publish=True
    )
    application = nc.apply(students[0], named.id, "申请")
    db.session.commit()
    outcomes = _run_round(
        pool, db_url, ROUNDS, [(actors[i % len(actors)], application.id) for i in range(PROCESSES)]
    )
    db.session.expire_all()
    taken = db.session.get(NamedClass, named.id).taken
    report.append(("same application", dict(outcomes), taken))
    assert outcomes == Counter({"admitted": 1, "refused:ServiceError": PROCESSES - 1}), report
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
