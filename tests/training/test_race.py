"""No run is over-filled and no base slot is booked twice, however many act at the same moment
(SECURITY.md item 24). Real processes behind a barrier, on SQLite and PostgreSQL, as in
tests/portal/test_seat_concurrency.py (whose worker pool this reuses).

- 20 school staff requests confirm 20 different trainees of a run with 10 places: exactly 10
  are confirmed, `confirmed` is 10, the other 10 are refused "full" (Conflict), none fails.
- 10 organisations book the same slot of a base at once: exactly one booking holds it.
"""

from __future__ import annotations

import queue
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.platform.checks import district_today
from portal.training import bases
from portal.training.models import BaseBooking, Trainee, TrainingRun
from tests.portal.test_seat_concurrency import TIMEOUT, worker_pool
from tests.training import helpers

PROCESSES = 20
PLACES = 10
BOOKERS = 10
ROUNDS = 2


def _worker(barrier, jobs, results) -> None:
    from sqlalchemy import text

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.platform.errors import ServiceError
    from portal.training import bases, services
    from tests.conftest import make_app

    apps = {}
    while True:
        job = jobs.get()
        if job is None:
            return
        db_url, round_no, kind, actor_id, args = job
        try:
            if db_url not in apps:
                apps[db_url] = make_app(db_url)
            with apps[db_url].app_context():
                # The parent's SQLite tests all use one file, made anew for each test: a connection
                # kept from an earlier test's file must not serve this one.
                db.engine.dispose()
                actor = db.session.get(User, actor_id)
                db.session.expunge(actor)
                db.session.execute(text("SELECT 1"))
                db.session.rollback()
                barrier.wait(timeout=TIMEOUT)
                try:
                    if kind == "confirm":
                        services.confirm(actor, *args)
                    elif kind == "book":
                        bases.book(actor, *args)
                    else:  # the barrier holds every process of the pool; the others stand by
                        raise LookupError
                    db.session.commit()
                    outcome = "won"
                except LookupError:
                    outcome = "idle"
                except ServiceError as exc:
                    db.session.rollback()
                    outcome = f"refused:{type(exc).__name__}"
                finally:
                    db.session.remove()
        except Exception as exc:  # a lock timeout or an integrity error fails the design
            barrier.abort()
            outcome = f"error:{type(exc).__name__}:{exc}"
        results.put((round_no, outcome))


@pytest.fixture(scope="module")
def pool():
    yield from worker_pool(_worker, PROCESSES)


def _run(pool, jobs_of_round: list, round_no: int) -> Counter:
    jobs, results = pool
    for job in jobs_of_round:
        jobs.put(job)
    outcomes = Counter()
    for _ in jobs_of_round:
        try:
            got_round, outcome = results.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"round {round_no}: a worker did not answer within {TIMEOUT}s")
        assert got_round == round_no
        outcomes[outcome] += 1
    return outcomes


def test_twenty_concurrent_confirmations_fill_ten_places_exactly(app, build, db_url, pool):
    staff = build.school()
    report = []
    for round_no in range(ROUNDS):
        run = helpers.run(staff, places=PLACES, title=f"并发培训{round_no}")
        trainees = [helpers.resident(run.id, round_no * 100 + i) for i in range(PROCESSES)]
        outcomes = _run(
            pool, [(db_url, round_no, "confirm", staff.id, (run.id, t.id)) for t in trainees], round_no
        )
        db.session.expire_all()
        confirmed = db.session.scalar(
            select(func.count(Trainee.id)).where(Trainee.run_id == run.id, Trainee.status == "confirmed")
        )
        report.append(dict(outcomes))
        assert outcomes == Counter({"won": PLACES, "refused:Conflict": PROCESSES - PLACES}), report
        assert confirmed == PLACES == db.session.get(TrainingRun, run.id).confirmed
    print(f"\n[{db_url.split(':')[0]}] {PROCESSES} confirmations on {PLACES} places: {report}")


def test_ten_concurrent_bookings_of_one_slot_book_one(app, build, db_url, pool):
    owner = build.enterprise()
    bookers = [build.school() for _ in range(BOOKERS)]
    base = bases.create_base(
        owner, bases.BaseInput(name="并发实训基地", rooms="工位 10 个", capacity=10, open_to_all=True)
    )
    db.session.commit()
    report = []
    for round_no in range(ROUNDS):
        day = district_today() + timedelta(days=3 + round_no)
        outcomes = _run(
            pool,
            [(db_url, round_no, "book", b.id, (base.id, day, "morning")) for b in bookers]
            + [(db_url, round_no, "idle", owner.id, ()) for _ in range(PROCESSES - BOOKERS)],
            round_no,
        )
        db.session.expire_all()
        live = db.session.scalar(
            select(func.count(BaseBooking.id)).where(BaseBooking.base_id == base.id, BaseBooking.day == day)
        )
        report.append(dict(outcomes))
        assert outcomes["won"] == 1 and outcomes["idle"] == PROCESSES - BOOKERS, report
        assert not [o for o in outcomes if o.startswith("error")], report
        assert live == 1
    print(f"\n[{db_url.split(':')[0]}] {BOOKERS} bookings of one slot: {report}")
