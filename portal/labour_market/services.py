"""Labour-market figures: entered by administrators (every problem at once), read per 专业大类.
Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.labour_market.models import OCCUPATION_MAX, SOURCE_MAX, LabourMarketFigure
from portal.platform import checks
from portal.platform.checks import district_today
from portal.platform.errors import Problems
from portal.platform.i18n import lazy_gettext as _l
from portal.programs import catalogue

MAX_VACANCIES = 1_000_000


def groups() -> tuple[str, ...]:
    """The catalogue's 专业大类, the groups a figure may be counted for."""
    return catalogue.catalogue().categories


def enter(
    admin: User, year: int | None, occupation: str, major_group: str, vacancies: int | None, source: str
) -> LabourMarketFigure:
    """Record one figure with its source; bad input changes nothing and says every problem."""
    problems = Problems()
    this_year = district_today().year
    if year is None:
        problems.add(_l("Enter the year the figure is for."), field="year")
    elif not 2000 <= year <= this_year + 1:
        problems.add(_l("Enter a year between 2000 and %(max)s.", max=this_year + 1), field="year")
    occupation = problems.check(
        checks.text, occupation, field="occupation", max_length=OCCUPATION_MAX, required=True
    )
    if major_group not in groups():
        problems.add(_l("Choose the major group that trains for this occupation."), field="major_group")
    vacancies = problems.check(checks.integer, vacancies, field="vacancies", minimum=0, maximum=MAX_VACANCIES)
    source = problems.check(checks.source, source, field="source", max_length=SOURCE_MAX)
    problems.raise_if_any()
    row = LabourMarketFigure(
        year=year,
        occupation=occupation,
        major_group=major_group,
        vacancies=vacancies,
        source=source,
        entered_by_id=admin.id,
        entered_by_email=admin.email,
    )
    return audit.created(
        admin, row, "create", None, f"{year} {occupation} {major_group} {vacancies} ({source})"
    )


@dataclass
class GroupDemand:
    vacancies: int = 0
    sources: list[str] = field(default_factory=list)


def by_group(year: int) -> dict[str, GroupDemand]:
    """The year's vacancies per 专业大类: the latest figure of each occupation and group counts."""
    latest: dict[tuple[str, str], LabourMarketFigure] = {}
    for row in db.session.scalars(
        select(LabourMarketFigure).where(LabourMarketFigure.year == year).order_by(LabourMarketFigure.id)
    ):
        latest[(row.occupation, row.major_group)] = row
    found: dict[str, GroupDemand] = {}
    for row in latest.values():
        line = found.setdefault(row.major_group, GroupDemand())
        line.vacancies += row.vacancies
        if row.source not in line.sources:
            line.sources.append(row.source)
    return found


def recent(limit: int = 100) -> list[LabourMarketFigure]:
    return list(
        db.session.scalars(select(LabourMarketFigure).order_by(LabourMarketFigure.id.desc()).limit(limit))
    )
