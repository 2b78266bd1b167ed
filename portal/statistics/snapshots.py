"""Monthly snapshots of the figures and the trend they draw."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.planning import alignment
from portal.platform.checks import district_today
from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow
from portal.statistics.figures import FIGURES, Figure, district_figures
from portal.statistics.models import StatisticSnapshot

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def current_period(today: date | None = None) -> str:
    today = today or district_today()
    return f"{today.year:04d}-{today.month:02d}"


def take_snapshot(actor: User | None = None, period: str | None = None, *, is_demo: bool = False) -> int:
    """Store today's figures under `period` (the current month); taking it again refreshes it. Flushes.

    Only the current month may be taken: figures come from today's records, and
    storing them under another month would invent history.
    """
    today = district_today()
    period = (period or current_period(today)).strip()
    if not PERIOD_RE.match(period):
        raise ServiceError(_l("Write the period as YYYY-MM, e.g. 2026-09."), field="period")
    if period != current_period(today):
        raise ServiceError(
            _l(
                "Only the current month (%(period)s) can be taken: the figures come from today's records.",
                period=current_period(today),
            ),
            field="period",
        )
    existing = {
        s.key: s
        for s in db.session.scalars(select(StatisticSnapshot).where(StatisticSnapshot.period == period))
    }
    now = utcnow()
    for figure in district_figures(today):
        snapshot = existing.get(figure.key)
        if snapshot is None:
            db.session.add(
                StatisticSnapshot(
                    period=period, key=figure.key, value=figure.value, taken_at=now, is_demo=is_demo
                )
            )
        else:
            snapshot.value, snapshot.taken_at = figure.value, now
            snapshot.is_demo = snapshot.is_demo and is_demo
    db.session.flush()
    # The year's supply by major is kept beside the figures: it is what the trend of supply
    # against demand reads for past years (majors keep only today's intake).

    alignment.record_supply(alignment.intake_year(today))
    if actor is not None:
        audit.record(
            actor,
            ("statistic_snapshot", int(period.replace("-", ""))),
            "create",
            None,
            None,
            audit.coded("snapshot", period=period),
        )
    return len(FIGURES)


@dataclass(frozen=True)
class TrendRow:
    key: str
    label: object
    unit: str
    values: dict[str, float | None]  # period → value

    def change(self, earlier: str, later: str) -> float | None:
        a, b = self.values.get(earlier), self.values.get(later)
        return None if a is None or b is None else round(b - a, 1)


def trend(figures: list[Figure]) -> tuple[list[str], list[TrendRow]]:
    """Every stored period, oldest first, and each of `figures`' values in each."""
    values: dict[str, dict[str, float | None]] = defaultdict(dict)
    periods: set[str] = set()
    for period, key, value in db.session.execute(
        select(StatisticSnapshot.period, StatisticSnapshot.key, StatisticSnapshot.value)
    ):
        values[key][period] = value
        periods.add(period)
    return sorted(periods), [TrendRow(f.key, f.label, f.unit, dict(values.get(f.key, {}))) for f in figures]


def comparison_periods(
    stored: list[str], requested_from: str | None, requested_to: str | None
) -> tuple[str | None, str | None]:
    """Two of the `stored` periods to compare: as asked if stored, else a year before the latest (or the
    earliest)."""
    if not stored:
        return None, None
    later = requested_to if requested_to in stored else stored[-1]
    if requested_from in stored:
        return requested_from, later
    year, month = later.split("-")
    year_before = f"{int(year) - 1:04d}-{month}"
    earlier = year_before if year_before in stored else stored[0]
    return earlier, later
