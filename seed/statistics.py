"""Demo statistics: one input and one snapshot, both honest about what they are.

History is not invented: no snapshot is made up for earlier months. The loader
takes a snapshot of this month from the demo records as they are at seeding
time, so the trend has its first point; later snapshots (the admin button, or
`flask snapshot-statistics`) add real points. The district's total
upper-secondary intake cannot come from the records; the demo enters one
clearly marked figure (source "演示数据", is_demo) so that the
secondary-vocational share shows how it is computed. Safe to run twice.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.extensions import db
from portal.platform.checks import district_today
from portal.statistics import services as statistics
from portal.statistics.models import DistrictInput, StatisticSnapshot

DEMO_SOURCE = "演示数据"
# Invented, of the order of a district of Laiwu's size; with the demo majors' intake it gives about a third.
DEMO_UPPER_SECONDARY_INTAKE = 1800
# Invented too (issue 29: the share reads actual admissions, not planned intake), marked 演示 like the total.
DEMO_SECONDARY_VOCATIONAL_ADMISSIONS = 612


def load_demo_statistics() -> dict[str, int]:
    created = {"statistics_inputs": 0, "statistics_snapshots": 0}
    year = district_today().year
    exists = db.session.scalar(
        select(DistrictInput.id).where(
            DistrictInput.key == "upper_secondary_intake", DistrictInput.year == year
        )
    )
    if exists is None:
        statistics.enter_input(
            None, "upper_secondary_intake", year, DEMO_UPPER_SECONDARY_INTAKE, DEMO_SOURCE, is_demo=True
        )
        created["statistics_inputs"] += 1
    admitted = db.session.scalar(
        select(DistrictInput.id).where(
            DistrictInput.key == "secondary_vocational_admissions", DistrictInput.year == year
        )
    )
    if admitted is None:
        statistics.enter_input(
            None,
            "secondary_vocational_admissions",
            year,
            DEMO_SECONDARY_VOCATIONAL_ADMISSIONS,
            DEMO_SOURCE,
            is_demo=True,
        )
        created["statistics_inputs"] += 1
    period = statistics.current_period()
    if (
        db.session.scalar(select(StatisticSnapshot.id).where(StatisticSnapshot.period == period).limit(1))
        is None
    ):
        created["statistics_snapshots"] = statistics.take_snapshot(None, period, is_demo=True)
    return created


def remove_demo_statistics() -> None:
    db.session.execute(delete(DistrictInput).where(DistrictInput.is_demo.is_(True)))
    db.session.execute(delete(StatisticSnapshot).where(StatisticSnapshot.is_demo.is_(True)))
