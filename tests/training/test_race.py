"""No run is over-filled and no base slot is booked twice, however many act at the same moment
(SECURITY.md item 24). Real processes behind a barrier, on SQLite and PostgreSQL, as in
tests/portal/test_seat_concurrency.py (the worker pool of tests/races.py).

- 20 school staff requests confirm 20 different trainees of a run with 10 places: exactly 10
  are confirmed, `confirmed` is 10, the other 10 are refused "full" (Conflict), none fails.
- 10 organisations book the same slot of a base at once: exactly one booking holds it.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.platform.checks import district_today
from portal.training import bases
from portal.training.models import BaseBooking, Trainee, TrainingRun
from tests import races
from tests.training import helpers

pytestmark = pytest.mark.xdist_group("races")  # one process runs them all: one pool
PROCESSES = 20
PLACES = 10
BOOKERS = 10
ROUNDS = 2
CONFIRM = "portal.training.services:confirm"
BOOK = "portal.training.bases:book"


def _run(pool, db_url: str, round_no: int, jobs_: list[tuple]) -> Counter:
    return Counter(outcome for *_, outcome in races.at_once(pool, db_url, round_no, jobs_))


def test_twenty_concurrent_confirmations_fill_ten_places_exactly(app, build, db_url, race_pool):
    staff = build.school()
    report = []
    for round_no in range(ROUNDS):
        run = helpers.run(staff, places=PLACES, title=f"并发培训{round_no}")
        trainees = [helpers.resident(run.id, round_no * 100 + i) for i in range(PROCESSES)]
        outcomes = _run(race_pool, db_url, round_no, [(CONFIRM, staff.id, run.id, t.id) for t in trainees])
        confirmed = db.session.scalar(
            select(func.count(Trainee.id)).where(Trainee.run_id == run.id, Trainee.status == "confirmed")
        )
        report.append(dict(outcomes))
        assert outcomes == Counter({"done": PLACES, "refused:Conflict": PROCESSES - PLACES}), report
        assert confirmed == PLACES == db.session.get(TrainingRun, run.id).confirmed
    print(f"\n[{db_url.split(':')[0]}] {PROCESSES} confirmations on {PLACES} places: {report}")


def test_ten_concurrent_bookings_of_one_slot_book_one(app, build, db_url, race_pool):
    owner = build.enterprise()
    bookers = [build.school() for _ in range(BOOKERS)]
    base = bases.create_base(
        owner, bases.BaseInput(name="并发实训基地", rooms="工位 10 个", capacity=10, open_to_all=True)
    )
    db.session.commit()
    report = []
    for round_no in range(ROUNDS):
        day = district_today() + timedelta(days=3 + round_no)
        # The pool's other processes stand by (idle), held by the barrier all the same.
        outcomes = _run(race_pool, db_url, round_no, [(BOOK, b.id, base.id, day, "morning") for b in bookers])
        live = db.session.scalar(
            select(func.count(BaseBooking.id)).where(BaseBooking.base_id == base.id, BaseBooking.day == day)
        )
        report.append(dict(outcomes))
        assert outcomes["done"] == 1 and outcomes.total() == BOOKERS, report
        assert live == 1
    print(f"\n[{db_url.split(':')[0]}] {BOOKERS} bookings of one slot: {report}")
