"""Working off an outbox whose rows are tried again later (webhook deliveries, outgoing messages):
each due row is attempted once, then, when asked to wait, the worker stays for the retries that
fall due before its time is up. The outboxes keep their own rows, back-off and attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db


def backoff(base_seconds: float, attempts: int) -> timedelta:
    """Wait before attempt n+1: base, 4×base, 16×base … capped at an hour."""
    return timedelta(seconds=min(3600, base_seconds * 4 ** max(0, attempts - 1)))


def seconds_to_next(next_attempt_at, *pending) -> float | None:
    """Seconds until the soonest `pending` row is due (None: none is pending); the read's
    transaction ends here, so a worker that waits holds no snapshot while it sleeps."""
    soonest = db.session.scalar(select(next_attempt_at).where(*pending).order_by(next_attempt_at).limit(1))
    db.session.commit()
    if soonest is None:
        return None
    return max(0.0, (soonest - datetime.now(UTC)).total_seconds())


def work_off(
    due: Callable[[], list[int]],
    attempt: Callable[[int], bool],
    next_wait: Callable[[], float | None],
    *,
    done: str,
    wait: bool,
    max_wait: float,
) -> dict[str, int]:
    """Attempt every due row; with `wait`, stay for retries due within `max_wait` seconds.
    {done: rows that went out, "attempts": attempts made}."""
    tally = {done: 0, "attempts": 0}
    deadline = time.monotonic() + max_wait
    while True:
        for row_id in due():
            tally["attempts"] += 1
            tally[done] += attempt(row_id)
        pause = next_wait()
        if not wait or pause is None or time.monotonic() + pause > deadline:
            return tally
        time.sleep(pause)
