"""What came of the internships: placement rate, hired-by-partner rate and 留莱率 (the share
staying in Laiwu), for the district and per school, major and industry.

All of it comes from ONE aggregate query (counts grouped by school, major, industry, state and
destination) summed up here, so the dashboard gains one query, not one per row. Aggregates only:
no person is named, so the public statistics may show them.

    placement rate       students placed (approved or further) / students who applied
    hired-by-partner     placements whose student the host enterprise hired / placements with a destination
    留莱率 (stay rate)    destinations in Laiwu (host enterprise or another Laiwu enterprise) / destinations
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal import vocab
from portal.extensions import db
from portal.models import Organisation, Placement, PlacementStatus, Program, User
from portal.models.internships import Destination

PLACED = {s.value for s in (PlacementStatus.APPROVED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED,
                            PlacementStatus.HIRED)}


@dataclass
class Outcome:
    name: str
    applied: int = 0  # placements applied for
    placed: int = 0
    destinations: int = 0
    hired_by_host: int = 0
    stayed: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def placement_rate(self) -> float | None:
        return self._share(self.placed, self.applied)

    @property
    def hired_by_partner_rate(self) -> float | None:
        return self._share(self.hired_by_host, self.destinations)

    @property
    def stay_rate(self) -> float | None:
        return self._share(self.stayed, self.destinations)

    def add(self, status: str, destination: str | None, n: int) -> None:
        self.applied += n
        self.placed += n if status in PLACED else 0
        if destination:
            self.destinations += n
            self.hired_by_host += n if destination == Destination.HOST.value else 0
            self.stayed += n if Destination(destination).stays_in_laiwu else 0


@dataclass
class Outcomes:
    district: Outcome
    schools: list[Outcome]
    majors: list[Outcome]
    industries: list[Outcome]


def outcomes() -> Outcomes:
    school = aliased(Organisation)
    enterprise = aliased(Organisation)
    rows = db.session.execute(
        select(school.name, Program.name, enterprise.industry, Placement.status, Placement.destination, func.count())
        .select_from(Placement)
        .join(school, Placement.school_id == school.id)
        .join(enterprise, Placement.enterprise_id == enterprise.id)
        .join(User, Placement.student_id == User.id)
        .outerjoin(Program, User.program_id == Program.id)
        .group_by(school.name, Program.name, enterprise.industry, Placement.status, Placement.destination)
    ).all()
    district = Outcome("")
    groups: list[dict[str, Outcome]] = [defaultdict(lambda: Outcome("")) for _ in range(3)]
    for school_name, major, industry, status, destination, n in rows:
        district.add(status, destination, n)
        for group, key in zip(groups, (school_name, major or "—", str(vocab.INDUSTRIES.get(industry, industry or "—")))):
            group[key].name = key
            group[key].add(status, destination, n)
    ordered = [sorted(g.values(), key=lambda o: (-o.applied, o.name)) for g in groups]
    return Outcomes(district, *ordered)
