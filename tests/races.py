"""Real processes acting at the same moment, for the race tests (test_seat_concurrency.py,
test_transition_races.py, training/test_race.py).

Each worker process has its own app and engine per database URL, on the same SQLite file or
PostgreSQL database as the test. A round sends one job per worker: each loads its actor, waits
behind a barrier with every other worker, then calls a service `action(actor, *args)` named by
its dotted path and commits. The outcome of a job is "done", "refused:<error class>", "idle"
(a worker with nothing to do this round, still held by the barrier) or "error:…" (a lock
timeout or an integrity error: a 500 in production, which fails the design).

forkserver: a fresh interpreter (not a fork of the test process, so no inherited engine or
connection) imports the app's modules once, then forks each worker; every worker builds its own
app and engine. Starting them with "spawn" (SEAT_TEST_START=spawn) is the same test, only slower.
"""

from __future__ import annotations

import multiprocessing
import os
import queue

import pytest

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
IDLE = None  # an action that does nothing but wait at the barrier
# One pool serves every race test of a test process (tests/conftest.py's `race_pool`; the tests are
# one xdist group, so one process runs them): as many workers as the largest round needs.
PROCESSES = 24


def _worker(barrier, jobs, results) -> None:
    """One process: its own app per database URL; one job per round, after the barrier. `detach`:
    the actor is loaded whole before the barrier, so nothing is read early after it; otherwise it
    is read again when the service first touches it."""
    import importlib

    from sqlalchemy import text

    from portal.extensions import db
    from portal.models import User
    from portal.platform.errors import ServiceError
    from tests.conftest import make_app

    apps = {}
    while True:
        job = jobs.get()
        if job is None:
            return
        db_url, round_no, action, actor_id, args, detach = job
        try:
            if db_url not in apps:
                apps[db_url] = make_app(db_url)
            with apps[db_url].app_context():
                # The parent's SQLite tests all use one file, made anew for each test: a connection
                # kept from an earlier test's file must not serve this one.
                db.engine.dispose()
                actor = db.session.get(User, actor_id) if action is not IDLE else None
                if actor is not None and detach:
                    db.session.expunge(actor)
                db.session.execute(text("SELECT 1"))  # a pooled connection ready
                db.session.rollback()
                barrier.wait(timeout=TIMEOUT)
                try:
                    if action is IDLE:
                        outcome = "idle"
                    else:
                        module, name = action.rsplit(":", 1)
                        getattr(importlib.import_module(module), name)(actor, *args)
                        db.session.commit()
                        outcome = "done"
                except ServiceError as exc:
                    db.session.rollback()
                    outcome = f"refused:{type(exc).__name__}"
                finally:
                    db.session.remove()
                    # The pool lives as long as the test process: no connection is kept between rounds.
                    db.engine.dispose()
        except Exception as exc:  # a lock timeout or integrity error fails the design: report it
            barrier.abort()
            outcome = f"error:{type(exc).__name__}:{exc}"
        results.put((round_no, action, args, outcome))


def worker_pool(processes: int = PROCESSES):
    """`processes` workers waiting for jobs; yields the pool for `at_once`."""
    method = os.environ.get("SEAT_TEST_START", "forkserver")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    barrier = context.Barrier(processes)
    jobs, results = context.Queue(), context.Queue()
    workers = [
        context.Process(target=_worker, args=(barrier, jobs, results), daemon=True) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    yield processes, barrier, jobs, results
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.kill()


def at_once(
    pool, db_url: str, round_no: int, jobs_: list[tuple], *, detach: bool = True
) -> list[tuple[str, tuple, str]]:
    """Run jobs (action, actor id, *args) at the same moment, one per worker, the workers left over
    idle; the outcome of each job as (action, args, outcome). Fails on any "error:" outcome."""
    from portal.extensions import db

    processes, barrier, jobs, results = pool
    assert len(jobs_) <= processes
    if barrier.broken:  # an earlier round failed (and aborted it): this round starts afresh
        barrier.reset()
    for action, actor_id, *args in jobs_:
        jobs.put((db_url, round_no, action, actor_id, tuple(args), detach))
    for _ in range(processes - len(jobs_)):
        jobs.put((db_url, round_no, IDLE, None, (), detach))
    outcomes = []
    for _ in range(processes):
        try:
            got_round, action, args, outcome = results.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"round {round_no}: a worker did not answer within {TIMEOUT}s")
        assert got_round == round_no
        if action is not IDLE:
            outcomes.append((action, args, outcome))
    assert not [o for o in outcomes if o[2].startswith("error")], outcomes
    db.session.expire_all()
    return outcomes


def students(build, staff, n: int):
    """n confirmed students of the staff's school; one password hash computed, then reused (argon2 is
    slow)."""
    from portal.extensions import db
    from portal.models import MembershipStatus, Role, User

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
