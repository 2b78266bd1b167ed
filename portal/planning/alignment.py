"""Supply against demand by major (健全职业教育专业预警调控机制, plan item 9).

Demand: the headcounts of published (or since closed) order-class, apprenticeship and
internship postings, by the intake year they want people for (the year they start; without a start
date, the intake being planned when published), counted for the catalogue major the
matcher says each posting prepares for best (`PostingMajor` rank 1; one posting counts once, so
totals add up to the postings' headcounts). Part-time-teacher and staff-training postings ask
for no students and are left out; taken-down postings too.

Supply: the planned intake (`intake_capacity`) and enrolment of published majors of verified
schools, grouped by their catalogue major and 专业大类.

Groups, towns and industries are compared at each level (中职, 专科): a posting's demand counts
against the intake of majors of the posting's level (the level of its catalogue major; of a name at
both levels, the one taught here) that local schools teach, never against the other level's.

By town, a school that recruits across the whole district (`recruits_district_wide`: the district's
职业中专 and 技工学校) is not counted in the town it sits in: its intake is the district pool, one line
per level. A town's line sets its demand against the intake of the schools that recruit in that town
only; what they cannot take (demand − local intake, at least 0) is left to the district pool, whose
line sets the towns' left-over demand against the pool's intake. A town without a school of its own
has no verdict: its demand is the share of the pool's it makes up.

For a group (or major, town): gap = demand − intake, ratio = demand / intake, and a warning level
from the administrators' thresholds (default: shortage above 1.2, surplus below 0.8, i.e. a
±20 % band around balance, wide enough that one class of 40 more or fewer does not flip a
typical group of 200 seats). Demand without any intake is a shortage; intake without any
demand a surplus.

Suggestions to a school (issue 26): for each of its majors, like with like — the demand and intake
of the majors of its 专业大类 that a school here teaches at its level (demand for a major nobody
here teaches is not set against another), plus its graduates hired in their field in Laiwu after
an internship. Fewer postings than the `alignment_min_postings` setting: "too little data", no
change. Otherwise change = round(gap × intake / like intake), at most `alignment_max_change_percent`
of the intake either way (one year's postings never close a major). Suggestions are shown with
their figures and the rule; nothing is changed.

Everything here is a GROUP BY over stored rows: no page runs the matcher. A posting is
classified when it is published, edited or closed (one posting, a few text scans), and
`classify_all` (the `flask alignment classify` command) backfills every posting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date

from sqlalchemy import Select, case, delete, func, literal, select, union_all

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.internships.models import Destination, Placement
from portal.labour_market import services as labour_market
from portal.organisations.models import Organisation
from portal.partnerships import matching
from portal.planning.models import AlignmentThreshold, PostingMajor, SupplySnapshot, WarningLevel
from portal.platform import cache, vocab
from portal.platform.checks import DISTRICT_TZ, district_today
from portal.platform.errors import Problems
from portal.platform.i18n import TextLazyString, current_locale
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import Posting, PostingKind
from portal.programs import catalogue
from portal.programs.models import Program, PublicationStatus
from portal.rules import services as rule_settings
from portal.rules.settings import (
    ALIGNMENT_INTAKE_MONTH,
    ALIGNMENT_MAX_CHANGE_PERCENT,
    ALIGNMENT_MIN_POSTINGS,
)

DEMAND_KINDS = (PostingKind.ORDER_CLASS.value, PostingKind.APPRENTICESHIP.value, PostingKind.INTERNSHIP.value)
COUNTED_STATUSES = (PublicationStatus.PUBLISHED.value, PublicationStatus.CLOSED.value)
DEFAULT_SHORTAGE_ABOVE = 1.2
DEFAULT_SURPLUS_BELOW = 0.8
MAX_RATIO = 10.0
TREND_YEARS = 3
OUTSIDE_CATALOGUE = _l("Not in the catalogue")
DISTRICT_POOL = _l("District pool (schools recruiting district-wide)")

# The new majors the plan names for 2022 (item 9), as the catalogue majors that teach them.
PLAN_TARGETS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    (
        "smart_manufacturing",
        _l("Intelligent manufacturing (智能制造)"),
        ("智能制造装备技术", "智能设备运行与维护"),
    ),
    (
        "care",
        _l("Nursing and elderly care (医学护理及老年人护理)"),
        ("护理", "中医护理", "智慧健康养老服务", "智慧健康养老服务与管理"),
    ),
    ("rural_ecommerce", _l("Rural e-commerce (农村电商)"), ("农村电子商务", "电子商务", "直播电商服务")),
)


# --- classification (written per posting) ---------------------------------------------


def intake_year(day: date | None = None) -> int:
    """The year of the intake being planned on `day` (today): this year's until the
    `alignment_intake_month` setting (autumn enrolment), next year's from then on."""
    day = day or district_today()
    return day.year + (1 if day.month >= rule_settings.value(ALIGNMENT_INTAKE_MONTH) else 0)


def _year_of(posting: Posting) -> int:
    """The intake year a posting's headcount is wanted for: the year it starts, or without a start
    date the intake being planned when it was published (not every posting ever made counts)."""
    if posting.start_date is not None:
        return posting.start_date.year
    moment = posting.published_at or posting.created_at
    if moment is None:
        return intake_year()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return intake_year(moment.astimezone(DISTRICT_TZ).date())


def postings_of_major(major: str) -> Select:
    """The ids of the postings found to prepare for catalogue major `major` (the public search)."""
    return select(PostingMajor.posting_id).where(PostingMajor.major_name == major)


def classify(posting: Posting) -> list[PostingMajor]:
    """(Re)write the catalogue majors of one published or closed posting. Flushes."""

    db.session.execute(delete(PostingMajor).where(PostingMajor.posting_id == posting.id))
    if posting.is_draft:  # not demand yet; classified when published
        return []
    year = _year_of(posting)
    rows = [
        PostingMajor(
            posting_id=posting.id,
            rank=rank,
            major_name=fit.name,
            major_group=catalogue.group_of(fit.name) or fit.group,  # the catalogue's 大类 is the authority
            year=year,
            points=fit.points,
            evidence=[list(pair) for pair in fit.evidence],
        )
        for rank, fit in enumerate(matching.classify_posting(posting), 1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def classify_all(*, chunk: int = 200, progress: Callable[[int, int], None] | None = None) -> int:
    """Every posting, chunk by chunk (the backfill); returns how many were classified."""
    from sqlalchemy.orm import joinedload

    ids = list(db.session.scalars(select(Posting.id).order_by(Posting.id)))
    for start in range(0, len(ids), chunk):
        step = ids[start : start + chunk]
        for posting in db.session.scalars(
            select(Posting).options(joinedload(Posting.enterprise)).where(Posting.id.in_(step))
        ).unique():
            classify(posting)
        if progress is not None:
            progress(start + len(step), len(ids))
    return len(ids)


# --- thresholds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    shortage_above: float
    surplus_below: float
    set_by_email: str | None = None
    set_at: object = None

    def level(self, demand: int, supply: int) -> WarningLevel | None:
        if demand == 0 and supply == 0:
            return None
        if supply == 0:
            return WarningLevel.SHORTAGE
        ratio = round(demand / supply, 2)  # the ratio the pages and exports show decides the level
        if ratio > self.shortage_above:
            return WarningLevel.SHORTAGE
        if ratio < self.surplus_below:
            return WarningLevel.SURPLUS
        return WarningLevel.BALANCED


def thresholds() -> Thresholds:
    row = db.session.scalars(
        select(AlignmentThreshold).order_by(AlignmentThreshold.id.desc()).limit(1)
    ).first()
    if row is None:
        return Thresholds(DEFAULT_SHORTAGE_ABOVE, DEFAULT_SURPLUS_BELOW)
    return Thresholds(row.shortage_above, row.surplus_below, row.set_by_email, row.set_at)


def _ratio(raw: object, field_name: str, problems: Problems) -> float | None:
    try:
        value = float(str(raw).strip().replace("，", ".").replace(",", "."))
    except (TypeError, ValueError):
        problems.add(_l("Enter a ratio such as 1.2."), field=field_name)
        return None
    # Ratios are kept to two decimals: judge the value that will be stored (0.004 is stored as 0).
    value = round(value, 2) if math.isfinite(value) else value
    if not 0 < value <= MAX_RATIO:  # NaN and infinity fail this too
        problems.add(
            _l("A ratio must be at least 0.01 and at most %(max)s.", max=int(MAX_RATIO)), field=field_name
        )
        return None
    return value


def set_thresholds(admin: User, shortage_above: object, surplus_below: object) -> AlignmentThreshold:
    """Record new thresholds (a new row; the latest wins), audited. Bad input changes nothing."""
    problems = Problems()
    shortage = _ratio(shortage_above, "shortage_above", problems)
    surplus = _ratio(surplus_below, "surplus_below", problems)
    # Each bound is judged on its own, so one missing ratio does not hide the other's problem.
    if surplus is not None and surplus >= 1:
        problems.add(
            _l("A surplus means demand below intake: the ratio must be below 1."), field="surplus_below"
        )
    if shortage is not None and shortage <= 1:
        problems.add(
            _l("A shortage means demand above intake: the ratio must be above 1."), field="shortage_above"
        )
    problems.raise_if_any()
    before = thresholds()
    row = AlignmentThreshold(
        shortage_above=shortage, surplus_below=surplus, set_by_id=admin.id, set_by_email=admin.email
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        admin,
        row,
        "set_thresholds",
        f"{before.surplus_below}–{before.shortage_above}",
        f"{surplus}–{shortage}",
    )
    return row


# --- figures -------------------------------------------------------------------------


@dataclass
class Line:
    """Demand against supply for one group, major, town or target."""

    key: str
    label: object
    group: str = ""
    school_level: str = ""  # a group, town or industry line's level (中职 or 专科): its figures are of it
    town: str = ""  # a town line's town ("" on the district pool's and the others)
    district_wide: bool = False  # the district pool: the intake of the schools recruiting district-wide
    left_to_pool: int = 0  # a town line: the demand its own schools cannot take (demand − intake, ≥ 0)
    pool_share: float | None = None  # a town line: its part of the pool's demand at its level (0–1)
    demand: int = 0
    postings: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    intake: int = 0
    enrolment: int = 0
    programs: int = 0
    trend: dict[int, int] = field(default_factory=dict)  # year -> demand
    supply_trend: dict[int, int] = field(default_factory=dict)  # year -> planned intake, as stored that year
    level: WarningLevel | None = None

    @property
    def gap(self) -> int:
        return self.demand - self.intake

    @property
    def ratio(self) -> float | None:
        return round(self.demand / self.intake, 2) if self.intake else None


@dataclass
class Alignment:
    year: int
    years: list[int]
    thresholds: Thresholds
    groups: list[Line]
    majors: list[Line]
    towns: list[Line]
    industries: list[Line]
    targets: list[Line]
    pools: list[Line] = field(default_factory=list)  # the district pool, one line per level
    min_postings: int = 0  # below it a line's verdict reads "too little data" (a setting, read per call)

    @property
    def shortages(self) -> list[Line]:
        return [g for g in self.groups if g.level is WarningLevel.SHORTAGE]

    @property
    def surpluses(self) -> list[Line]:
        return [g for g in self.groups if g.level is WarningLevel.SURPLUS]


def _demand_filter(query, years):
    return (
        query.select_from(PostingMajor)
        .join(Posting, Posting.id == PostingMajor.posting_id)
        .join(Organisation, Organisation.id == Posting.enterprise_id)
        .where(
            PostingMajor.rank == 1,
            Posting.status.in_(COUNTED_STATUSES),
            Posting.taken_down_at.is_(None),
            Posting.kind.in_(DEMAND_KINDS),
            PostingMajor.year.in_(years),
        )
    )


def _live_programs(query):
    return query.join(Organisation, Organisation.id == Program.school_id).where(
        Program.status == PublicationStatus.PUBLISHED.value, Organisation.is_verified
    )


def _group_of(name: str) -> str:
    return catalogue.group_of(name)


def _add_demand(line: Line, year: int, current: int, kind: str, headcount: int, postings: int) -> None:
    line.trend[year] = line.trend.get(year, 0) + headcount
    if year == current:
        line.demand += headcount
        line.postings += postings
        line.by_kind[kind] = line.by_kind.get(kind, 0) + headcount


def _level_of(name: str, taught: dict[str, dict[str, int]]) -> str:
    """A catalogue major's level: its only one, or for a name at both levels (护理 is 中职 and 专科)
    the one local schools teach it at most; "" outside the catalogue."""
    levels = [e.level for e in catalogue.catalogue().by_name.get(name, ())]
    if len(set(levels)) <= 1:
        return levels[0] if levels else ""
    here = taught.get(name, {})
    return max(levels, key=lambda lv: (here.get(lv, 0), lv == catalogue.SECONDARY))


def _at_level(label: object, level: str) -> object:
    """ "装备制造大类 · 中职": a line's name and level, each in the language of whatever renders it (the
    figures are kept between requests of both languages)."""
    if not level:
        return label
    return TextLazyString(lambda: f"{label} · {catalogue.level_label(level, current_locale())}")


def _sorted(lines: dict[str, Line]) -> list[Line]:
    return sorted(lines.values(), key=lambda ln: (-abs(ln.gap), str(ln.key)))


def report(year: int | None = None) -> Alignment:
    """The figures of `year` (the intake being planned by default: `intake_year`). They read every
    counted posting, so each process keeps them until one of the tables they are made of changes
    (portal/cache.py)."""
    year = year or intake_year()
    db.session.flush()  # what this transaction wrote counts, and marks the figures as changing
    figures = cache.memoised("alignment", year, lambda: _report(year), db.session.connection())
    figures.min_postings = rule_settings.value(ALIGNMENT_MIN_POSTINGS)  # a setting: read on every call
    return figures


def _report(year: int) -> Alignment:
    years = list(range(year - TREND_YEARS + 1, year + 1))
    limits = thresholds()
    groups: dict[str, Line] = {}
    majors: dict[str, Line] = {}
    towns: dict[str, Line] = {}
    industries: dict[str, Line] = {}

    pools: dict[str, Line] = {}

    # Like with like: a line's demand of one level against the intake of majors of that level.
    def group_line(name: str, level: str) -> Line:
        label = _at_level(catalogue.group_name(name), level) if name else OUTSIDE_CATALOGUE
        return groups.setdefault(
            f"{name}|{level}", Line(key=f"{name}|{level}", label=label, group=name, school_level=level)
        )

    def town_line(town: str, level: str) -> Line:
        return towns.setdefault(
            f"{town}|{level}",
            Line(
                key=f"{town}|{level}",
                label=_at_level(vocab.town_name(town), level),
                town=town,
                school_level=level,
            ),
        )

    def industry_line(industry: str, level: str) -> Line:
        return industries.setdefault(
            f"{industry}|{level}",
            Line(
                key=f"{industry}|{level}",
                label=_at_level(vocab.INDUSTRIES.get(industry, industry), level),
                school_level=level,
            ),
        )

    # Supply first (today's from the live majors, past years' from their yearly records, in one
    # query): the level a name at both levels is taught at here decides its demand's level.
    live = _live_programs(
        select(
            literal(year).label("year"),
            Program.name,
            Program.level,
            # A district-wide school's intake is the district pool's, not its town's ("" as stored).
            case((Organisation.recruits_district_wide.is_(False), Organisation.town), else_=literal("")),
            func.sum(Program.intake_capacity),
            func.sum(Program.enrolment),
            func.count(Program.id),
        )
    ).group_by(Program.name, Program.level, Organisation.town, Organisation.recruits_district_wide)
    past = select(
        SupplySnapshot.year,
        SupplySnapshot.major_name,
        literal(None),
        SupplySnapshot.town,
        SupplySnapshot.intake,
        SupplySnapshot.enrolment,
        literal(0),
    ).where(SupplySnapshot.year.in_(years[:-1]))
    supply = db.session.execute(union_all(live, past)).all()
    taught: dict[str, dict[str, int]] = {}
    for row_year, name, level, _town, intake, _enrolment, _count in supply:
        if row_year == year and level:
            here = taught.setdefault(catalogue.base_name(name), {})
            here[level] = here.get(level, 0) + int(intake or 0)

    by = (  # what the demand is counted by
        PostingMajor.major_group,
        PostingMajor.major_name,
        PostingMajor.year,
        Posting.kind,
        Posting.town,
        Organisation.industry,
    )
    demand = db.session.execute(
        _demand_filter(select(*by, func.sum(Posting.headcount), func.count(Posting.id)), years).group_by(*by)
    ).all()
    for group, major, row_year, kind, town, industry, headcount, count in demand:
        headcount, count = int(headcount or 0), int(count)
        level = _level_of(major, taught)
        for line in (
            group_line(group, level),
            majors.setdefault(major, Line(key=major, label=major, group=group)),
            town_line(town, level),
            industry_line(industry or "", level),
        ):
            _add_demand(line, row_year, year, kind, headcount, count)

    for row_year, name, level, town, intake, enrolment, count in supply:
        major = catalogue.base_name(name)
        group = _group_of(major)
        level = level or _level_of(major, taught)
        for line in (
            group_line(group, level),
            majors.setdefault(major, Line(key=major, label=major, group=group)),
            town_line(town, level) if town else _pool(pools, level),
        ):
            line.supply_trend[row_year] = line.supply_trend.get(row_year, 0) + int(intake or 0)
            if row_year == year:
                line.intake += int(intake or 0)
                line.enrolment += int(enrolment or 0)
                line.programs += int(count)

    for line in (*groups.values(), *majors.values(), *towns.values(), *pools.values()):
        line.supply_trend.setdefault(year, line.intake)  # this year's is known, if only 0
    _fill_pools(towns, pools, year)

    targets = []
    for key, label, names in PLAN_TARGETS:
        line = Line(key=key, label=label, group="、".join(names))
        for name in names:
            found = majors.get(name)
            if found is not None:
                line.demand += found.demand
                line.postings += found.postings
                line.intake += found.intake
                line.enrolment += found.enrolment
                line.programs += found.programs
                for y, value in found.trend.items():
                    line.trend[y] = line.trend.get(y, 0) + value
                for y, value in found.supply_trend.items():
                    line.supply_trend[y] = line.supply_trend.get(y, 0) + value
        targets.append(line)

    # An industry's supply: the intake of the major groups that train for its core jobs.

    for key, line in industries.items():
        for grp in groups.values():
            if grp.school_level == line.school_level and matching.trains_for(key.split("|")[0], grp.group):
                line.intake += grp.intake
                line.enrolment += grp.enrolment
                line.programs += grp.programs
                for y, value in grp.supply_trend.items():
                    line.supply_trend[y] = line.supply_trend.get(y, 0) + value

    for line in [*groups.values(), *majors.values(), *pools.values(), *industries.values(), *targets]:
        line.level = limits.level(line.demand, line.intake)
    for line in towns.values():  # a town without a school of its own leaves its demand to the pool
        line.level = limits.level(line.demand, line.intake) if line.intake else None
    return Alignment(
        year=year,
        years=years,
        thresholds=limits,
        groups=_sorted(groups),
        majors=_sorted(majors),
        towns=sorted(towns.values(), key=lambda ln: (-ln.demand, -ln.intake, str(ln.key))),
        industries=sorted(industries.values(), key=lambda ln: -ln.demand),
        targets=targets,
        pools=[pools[lv] for lv in catalogue.LEVELS if lv in pools],
    )


def _pool(pools: dict[str, Line], level: str) -> Line:
    return pools.setdefault(
        level,
        Line(key=f"|{level}", label=_at_level(DISTRICT_POOL, level), school_level=level, district_wide=True),
    )


def _fill_pools(towns: dict[str, Line], pools: dict[str, Line], year: int) -> None:
    """Each year, what a town's own schools cannot take goes to the district pool of its level; a
    town's share is its part of the pool's demand this year."""
    for line in towns.values():
        pool = _pool(pools, line.school_level)
        for y, wanted in line.trend.items():
            left = max(0, wanted - line.supply_trend.get(y, 0))
            if left:
                pool.trend[y] = pool.trend.get(y, 0) + left
        line.left_to_pool = max(0, line.demand - line.intake)
        if line.left_to_pool:
            pool.demand += line.left_to_pool
            pool.postings += line.postings
    for line in towns.values():
        pool = pools[line.school_level]
        line.pool_share = round(line.left_to_pool / pool.demand, 4) if pool.demand else None


# --- suggestions to schools ------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """One major's verdict and suggested intake change for next year, with the figures behind it.

    Like with like: the demand and intake are those of the catalogue majors of the same 专业大类
    that a local school offers at this major's level (a posting for a 专科 major is not counted
    against a 中职 one, nor demand for a major no school here teaches). Demand adds the graduates of
    these majors hired in their field and staying in Laiwu after an internship. With fewer postings
    than the district's minimum the verdict is "too little data" (`level` None, no change); a change
    is the gap shared by the major's part of the intake, at most the district's share of its intake."""

    program_id: int
    program: str
    group: str
    level: WarningLevel | None
    intake: int
    group_demand: int
    group_intake: int
    ratio: float | None
    change: int
    postings: int = 0
    hired: int = 0
    capped: bool = False
    min_postings: int = 0
    max_change_percent: int = 0
    market: int = 0  # the group's vacancies in the labour-market figures of the year
    market_sources: tuple[str, ...] = ()

    @property
    def coverage(self) -> int | None:
        """Percent of the demand counted that the platform's postings and hires make up."""
        if not self.group_demand:
            return None
        return round(100 * (self.group_demand - self.market) / self.group_demand)

    @property
    def thin(self) -> bool:
        return self.level is None

    @property
    def share(self) -> float:
        return round(self.intake / self.group_intake, 4) if self.group_intake else 0.0

    @property
    def suggested_intake(self) -> int:
        return self.intake + self.change


def _levels_of(name: str) -> set[str]:
    """The levels (中职, 专科) the catalogue has a major of this name at; empty outside it."""
    return {e.level for e in catalogue.catalogue().by_name.get(name, ())}


def hired_in_field(years: list[int]) -> dict[str, int]:
    """Per major (catalogue name): students hired by their host or staying in Laiwu after an
    internship whose posting prepares for the same 专业大类, the internship ending in `years`."""
    rows = db.session.execute(
        select(Program.name, Program.category, PostingMajor.major_group, Placement.ends_on)
        .select_from(Placement)
        .join(User, User.id == Placement.student_id)
        .join(Program, Program.id == User.program_id)
        .join(PostingMajor, (PostingMajor.posting_id == Placement.posting_id) & (PostingMajor.rank == 1))
        .where(Placement.destination.in_((Destination.HOST.value, Destination.LAIWU.value)))
    ).all()
    found: dict[str, int] = {}
    for name, category, posting_group, ends_on in rows:
        if ends_on is not None and ends_on.year in years and category and category == posting_group:
            major = catalogue.base_name(name)
            found[major] = found.get(major, 0) + 1
    return found


def suggestions(school_id: int, figures: Alignment | None = None) -> list[Suggestion]:
    """A verdict for each of one school's published majors (never another school's): shortage,
    surplus, balanced, or too little data, with its figures and, for the first two, a change."""
    figures = figures or report()
    min_postings = rule_settings.value(ALIGNMENT_MIN_POSTINGS)
    max_percent = rule_settings.value(ALIGNMENT_MAX_CHANGE_PERCENT)
    hired = hired_in_field(figures.years[-2:])
    market = labour_market.by_group(figures.year)
    found = []
    for program in db.session.scalars(
        _live_programs(select(Program)).where(Program.school_id == school_id).order_by(Program.name)
    ):
        if not program.intake_capacity:
            continue
        group = program.category or _group_of(catalogue.base_name(program.name))
        level = program.level
        like = [
            m
            for m in figures.majors
            if m.group == group
            and m.intake > 0
            and (level is None or level in _levels_of(m.key) or not _levels_of(m.key))
        ]
        figures_of_group = market.get(group)
        vacancies = figures_of_group.vacancies if figures_of_group else 0
        demand = sum(m.demand for m in like) + sum(hired.get(m.key, 0) for m in like) + vacancies
        intake = sum(m.intake for m in like) or program.intake_capacity
        posts = sum(m.postings for m in like)
        ratio = round(demand / intake, 2) if intake else None
        common = dict(
            postings=posts,
            hired=sum(hired.get(m.key, 0) for m in like),
            min_postings=min_postings,
            max_change_percent=max_percent,
            market=vacancies,
            market_sources=tuple(figures_of_group.sources) if figures_of_group else (),
        )
        if posts < min_postings and not vacancies:  # labour-market figures are data enough
            found.append(
                Suggestion(
                    program.id,
                    program.name,
                    group,
                    None,
                    program.intake_capacity,
                    demand,
                    intake,
                    ratio,
                    0,
                    **common,
                )
            )
            continue
        verdict = figures.thresholds.level(demand, intake)
        change = 0
        capped = False
        if verdict in (WarningLevel.SHORTAGE, WarningLevel.SURPLUS):
            change = round((demand - intake) * program.intake_capacity / intake)
            cap = max(1, program.intake_capacity * max_percent // 100)
            capped = abs(change) > cap
            change = max(-cap, min(cap, change))
        found.append(
            Suggestion(
                program.id,
                program.name,
                group,
                verdict,
                program.intake_capacity,
                demand,
                intake,
                ratio,
                change,
                capped=capped,
                **common,
            )
        )
    return found


def record_supply(year: int | None = None) -> int:
    """Store this year's planned intake and enrolment per catalogue major and town ("" for the schools
    recruiting district-wide) (taken with the
    monthly figure snapshots, as the intake being planned; taking it again refreshes it). Flushes."""
    year = year or intake_year()
    rows = db.session.execute(
        _live_programs(
            select(
                Program.name,
                # "": recruited across the district (the by-town pool), as `_report` reads it.
                case((Organisation.recruits_district_wide.is_(False), Organisation.town), else_=literal("")),
                func.sum(Program.intake_capacity),
                func.sum(Program.enrolment),
            )
        ).group_by(Program.name, Organisation.town, Organisation.recruits_district_wide)
    ).all()
    totals: dict[tuple[str, str], list[int]] = {}
    for name, town, intake, enrolment in rows:
        key = (catalogue.base_name(name), town or "")
        total = totals.setdefault(key, [0, 0])
        total[0] += int(intake or 0)
        total[1] += int(enrolment or 0)
    db.session.execute(delete(SupplySnapshot).where(SupplySnapshot.year == year))
    db.session.add_all(
        SupplySnapshot(
            year=year,
            major_name=major,
            major_group=_group_of(major),
            town=town,
            intake=intake,
            enrolment=enrolment,
        )
        for (major, town), (intake, enrolment) in totals.items()
    )
    db.session.flush()
    return len(totals)
