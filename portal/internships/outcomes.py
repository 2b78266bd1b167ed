"""What came of the internships: placement rate, hired-by-partner rate and 留莱率 (the share
staying in Laiwu), for the district and per cooperation, school, major and industry.

All of it comes from ONE aggregate query (counts grouped by cooperation, school, major, industry,
state and destination) summed up here, so the dashboard gains one query, not one per row. Aggregates only:
no person is named, so the public statistics may show them.

    placement rate       applications approved by the school (or further) / applications
    hired-by-partner     placements whose student the host enterprise hired / placements with a destination
    留莱率 (stay rate)    destinations in Laiwu (host enterprise or another Laiwu enterprise) / destinations
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.extensions import db
from portal.internships.models import Destination, Placement, PlacementStatus
from portal.organisations.models import Organisation
from portal.partnerships.cooperation_models import Cooperation, CooperationStatus
from portal.platform import vocab
from portal.programs.models import Program

PLACED = {
    s.value
    for s in (
        PlacementStatus.APPROVED,
        PlacementStatus.IN_PROGRESS,
        PlacementStatus.COMPLETED,
        PlacementStatus.HIRED,
    )
}


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
    cooperations: list[Outcome]  # placements between partners of an active cooperation
    schools: list[Outcome]
    majors: list[Outcome]
    industries: list[Outcome]


# Made once: aliasing Organisation (many columns, subclasses) anew on each call cost more than the
# query (issue 31; with the kept catalogue, /stats fell from 59 to 46 M instructions, callgrind).
_SCHOOL, _ENTERPRISE = aliased(Organisation), aliased(Organisation)


def outcomes() -> Outcomes:
    school, enterprise = _SCHOOL, _ENTERPRISE
    # The partners' active cooperation (the oldest, when they have several), as a subquery of the
    # same statement: a placement counts once, never once per cooperation.
    cooperation = (
        select(Cooperation.title)
        .where(
            Cooperation.school_id == Placement.school_id,
            Cooperation.enterprise_id == Placement.enterprise_id,
            Cooperation.status == CooperationStatus.ACTIVE.value,
        )
        .order_by(Cooperation.id)
        .limit(1)
        .scalar_subquery()
    )
    keys = (
        cooperation,
        school.name,
        Program.name,
        enterprise.industry,
        Placement.status,
        Placement.destination,
    )
    rows = db.session.execute(
        select(*keys, func.count())
        .select_from(Placement)
        .join(school, Placement.school_id == school.id)
        .join(enterprise, Placement.enterprise_id == enterprise.id)
        .join(User, Placement.student_id == User.id)
        .outerjoin(Program, User.program_id == Program.id)
        .group_by(*keys)
    ).all()
    district = Outcome("")
    groups: list[dict[str, Outcome]] = [defaultdict(lambda: Outcome("")) for _ in range(4)]
    for cooperation_title, school_name, major, industry, status, destination, n in rows:
        district.add(status, destination, n)
        industry_name = str(vocab.INDUSTRIES.get(industry, industry or "—"))
        for group, key in zip(groups, (cooperation_title, school_name, major or "—", industry_name)):
            if key is None:
                continue  # no cooperation between these partners
            group[key].name = key
            group[key].add(status, destination, n)
    ordered = [sorted(g.values(), key=lambda o: (-o.applied, o.name)) for g in groups]
    return Outcomes(district, *ordered)
