"""Where the district stands against its plan (莱芜政发〔2020〕5号, section 一（二） and item 9).

Every figure is one small function below, computed from the records at the time
it is asked for. The only numbers people type in are the inputs the records
cannot know (`INPUTS`: the district's total upper-secondary intake, designations
made by the province); each is entered with its year and source, and the
dashboard shows which entry a figure used.

Scope: the plan's teacher, enrolment and intake targets are about secondary
vocational education (中职), so those figures count the verified schools whose
kind is `secondary_vocational`. Breakdowns show every verified school.

Plain arguments in, objects out; writes only flush (the view or command commits).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flask_babel import format_decimal
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from portal import vocab
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    AllocationRun,
    ApprenticePlace,
    ApprenticeshipProgramme,
    Cooperation,
    CooperationKind,
    CooperationStatus,
    Degree,
    Employment,
    NamedClass,
    NamedClassStatus,
    Organisation,
    OrgKind,
    OrgStatus,
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotPartnership,
    PilotStatus,
    Posting,
    Program,
    ProgrammeStatus,
    PublicationStatus,
    RunStatus,
    Teacher,
    User,
)
from portal.models.base import utcnow
from portal.models.cooperation import COOPERATION_KIND_LABELS
from portal.models.statistics import DistrictInput, StatisticSnapshot
from portal.services import audit, exchanges, pilots
from portal.services.checks import district_today
from portal.services.errors import ServiceError

COUNT, PERCENT = "count", "percent"
SCOPE_SCHOOL_KINDS = ("secondary_vocational",)
POSTGRADUATE = (Degree.MASTER.value, Degree.DOCTORATE.value)
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Figure:
    key: str
    label: object  # lazy gettext
    value: float | None  # None: cannot be computed yet (e.g. an input is missing)
    target: float | None  # None: the plan sets no number
    unit: str  # COUNT or PERCENT
    explanation: object  # what it counts, from which records
    detail: str = ""  # e.g. "4 / 7" behind a share, or the input used
    target_note: object = ""  # how the plan words the target, e.g. "1–2"
    from_input: bool = False  # uses an administrator's input

    @property
    def progress(self) -> float | None:
        """0..1 of the target, or None when there is no target or no value."""
        if self.target in (None, 0) or self.value is None:
            return None
        return max(0.0, min(1.0, self.value / self.target))

    @property
    def reached(self) -> bool:
        return self.target is not None and self.value is not None and self.value >= self.target


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{format_decimal(round(value, 1), format='#,##0.0')}%"
    return format_decimal(round(value), format="#,##0")


def _share(numerator: int, denominator: int) -> float | None:
    return None if not denominator else round(100.0 * numerator / denominator, 1)


# --- scopes -----------------------------------------------------------------------

def _verified_schools(kinds: tuple[str, ...] | None = SCOPE_SCHOOL_KINDS):
    query = select(Organisation.id).where(
        Organisation.kind == OrgKind.SCHOOL.value, Organisation.status == OrgStatus.VERIFIED.value
    )
    if kinds:
        query = query.where(Organisation.school_kind.in_(kinds))
    return query


def _full_time_teachers():
    return select(func.count(Teacher.id)).where(
        Teacher.school_id.in_(_verified_schools()), Teacher.employment == Employment.FULL_TIME.value
    )


# --- the figures --------------------------------------------------------------------

@dataclass
class Context:
    """What the figures share: the day, and the records' totals read once for all of them."""

    today: date
    year: int
    term: str  # the school term, e.g. 2026年秋季学期

    @cached_property
    def counts(self) -> dict[str, int]:
        return _district_counts(self)

    @cached_property
    def inputs(self) -> dict[str, DistrictInput]:
        return inputs_for(self.year)

    @cached_property
    def apprentices_placed(self) -> int:
        return apprentices_placed()

    @cached_property
    def exchange_people(self) -> tuple[int, int]:
        return _exchange_people(self.term)


def _district_counts(ctx: Context) -> dict[str, int]:
    """Every plain total the figures use, as one SELECT of scalar subqueries (one round trip)."""
    full_time = _full_time_teachers()
    classes = _published_named_classes().subquery()
    totals = {
        "full_time_teachers": full_time,
        "double_qualified": full_time.where(Teacher.double_qualified.is_(True)),
        "postgraduate": full_time.where(Teacher.degree.in_(POSTGRADUATE)),
        "part_time_teachers": select(func.count(Teacher.id)).where(
            Teacher.school_id.in_(_verified_schools()), Teacher.employment == Employment.PART_TIME.value),
        "enrolment": _enrolment(),
        "intake": _intake(),
        "pilot_enterprises": select(func.count(distinct(PilotEnterpriseApplication.enterprise_id)))
        .join(Organisation, Organisation.id == PilotEnterpriseApplication.enterprise_id)
        .where(PilotEnterpriseApplication.status == PilotEnterpriseStatus.APPROVED.value,
               Organisation.status == OrgStatus.VERIFIED.value),
        "named_classes": select(func.count(classes.c.id)),
        "named_class_seats": select(func.coalesce(func.sum(classes.c.seats), 0)),
        "named_class_taken": select(func.coalesce(func.sum(classes.c.taken), 0)),
        "apprenticeship_places": select(func.coalesce(func.sum(ApprenticePlace.capacity), 0))
        .join(ApprenticeshipProgramme, ApprenticeshipProgramme.id == ApprenticePlace.programme_id)
        .where(ApprenticeshipProgramme.status != ProgrammeStatus.DRAFT.value),
        "apprenticeship_majors": select(func.count(distinct(Cooperation.program_id))).where(
            Cooperation.status == CooperationStatus.ACTIVE.value,
            Cooperation.kind == CooperationKind.APPRENTICESHIP.value,
            Cooperation.program_id.is_not(None)),
        "staff_trained": select(func.coalesce(func.sum(Cooperation.seats), 0)).where(
            Cooperation.kind == CooperationKind.STAFF_TRAINING.value, Cooperation.start_date <= ctx.today),
    }
    row = db.session.execute(select(*(q.scalar_subquery().label(k) for k, q in totals.items()))).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def full_time_teachers(ctx: Context) -> Figure:
    return Figure(
        "full_time_teachers", _l("Full-time teachers (secondary vocational)"),
        ctx.counts["full_time_teachers"], 230, COUNT,
        _l("Teachers recorded as full-time (专任) by verified secondary vocational schools."),
    )


def double_qualified_share(ctx: Context) -> Figure:
    total, double = ctx.counts["full_time_teachers"], ctx.counts["double_qualified"]
    return Figure(
        "double_qualified_share", _l("Double-qualified share of full-time teachers"),
        _share(double, total), 70, PERCENT,
        _l("Full-time teachers marked double-qualified (双师型) ÷ all full-time teachers of verified secondary "
           "vocational schools."),
        detail=f"{double} / {total}",
    )


def postgraduate_share(ctx: Context) -> Figure:
    total, post = ctx.counts["full_time_teachers"], ctx.counts["postgraduate"]
    return Figure(
        "postgraduate_share", _l("Postgraduate share of full-time teachers"),
        _share(post, total), 10, PERCENT,
        _l("Full-time teachers with a master's degree or a doctorate ÷ all full-time teachers of verified "
           "secondary vocational schools."),
        detail=f"{post} / {total}",
    )


def _enrolment():
    return select(func.coalesce(func.sum(Program.enrolment), 0)).where(
        Program.school_id.in_(_verified_schools()), Program.status != PublicationStatus.DRAFT.value
    )


def _intake():
    """Annual intake of the published majors of verified secondary vocational schools."""
    return select(func.coalesce(func.sum(Program.intake_capacity), 0)).where(
        Program.school_id.in_(_verified_schools()), Program.status == PublicationStatus.PUBLISHED.value
    )


def full_time_enrolment(ctx: Context) -> Figure:
    return Figure(
        "full_time_enrolment", _l("Full-time enrolment (secondary vocational)"),
        ctx.counts["enrolment"], 3000, COUNT,
        _l("Students enrolled, all years, in the published or closed majors of verified secondary vocational "
           "schools (drafts are not counted)."),
    )


def secondary_vocational_share(ctx: Context) -> Figure:
    intake = ctx.counts["intake"]
    entry = ctx.inputs.get("upper_secondary_intake")
    explanation = _l(
        "Annual intake of the published majors of verified secondary vocational schools ÷ the district's total "
        "upper-secondary intake, which administrators enter each year with its source. The plan starts from 30%."
    )
    if entry is None:
        return Figure(
            "secondary_vocational_share", _l("Secondary vocational share of upper-secondary intake"), None, 40,
            PERCENT, explanation, detail=str(_l("No total upper-secondary intake entered yet.")), from_input=True,
        )
    detail = _l(
        "%(intake)s / %(total)s (total for %(year)s from: %(source)s)",
        intake=intake, total=entry.value, year=entry.year, source=entry.source,
    )
    return Figure(
        "secondary_vocational_share", _l("Secondary vocational share of upper-secondary intake"),
        _share(intake, entry.value), 40, PERCENT, explanation, detail=str(detail), from_input=True,
    )


def _published_named_classes():
    """Open or closed (not draft) named classes of verified partners, as the public pages show them."""
    school = Organisation.__table__.alias("nc_school")
    enterprise = Organisation.__table__.alias("nc_enterprise")
    return (
        select(NamedClass)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .join(school, school.c.id == Cooperation.school_id)
        .join(enterprise, enterprise.c.id == Cooperation.enterprise_id)
        .where(
            NamedClass.status != NamedClassStatus.DRAFT.value,
            school.c.status == OrgStatus.VERIFIED.value,
            enterprise.c.status == OrgStatus.VERIFIED.value,
        )
    )


def named_classes(ctx: Context) -> Figure:
    seats, taken = ctx.counts["named_class_seats"], ctx.counts["named_class_taken"]
    return Figure(
        "named_classes", _l("Named classes"), ctx.counts["named_classes"], None, COUNT,
        _l("Named classes and order classes (冠名班/订单班) published by schools of verified partners, open or "
           "closed (drafts are not counted)."),
        detail=str(_l("%(seats)s seats, %(taken)s students admitted", seats=seats, taken=taken)),
    )


def named_class_seats(ctx: Context) -> Figure:
    return Figure(
        "named_class_seats", _l("Seats in named classes"), ctx.counts["named_class_seats"], None, COUNT,
        _l("Seats of the published named classes counted above."),
        detail=str(_l("%(taken)s taken", taken=ctx.counts["named_class_taken"])),
    )


def pilot_enterprises(ctx: Context) -> Figure:
    return Figure(
        "pilot_enterprises", _l("Industry–education integration pilot enterprises"),
        ctx.counts["pilot_enterprises"], None, COUNT,
        _l("Verified enterprises whose application as an industry–education integration pilot enterprise "
           "(产教融合型试点企业) administrators approved and have not revoked. The plan names 山东汇金股份有限公司 "
           "among them but sets no number."),
    )


def pilot_partnerships(ctx: Context) -> Figure:
    # When a pilot is final is the model's to say (an unanswered objection keeps it in notice).
    rows = db.session.scalars(
        select(PilotPartnership).where(PilotPartnership.status.in_((PilotStatus.APPROVED.value, PilotStatus.FINAL.value)))
    ).all()
    final = sum(1 for pilot in rows if pilot.public_state(ctx.today) == "final")
    return Figure(
        "pilot_partnerships", _l("Integrated school–enterprise pilots"), len(rows), None, COUNT,
        _l("Cooperations administrators approved as integrated school–enterprise pilots (校企一体化合作办学试点), in "
           "their notice period or final. The plan names five partnerships to build (section 7) but sets no "
           "number."),
        detail=str(_l("%(final)s final, %(notice)s in the notice period", final=final, notice=len(rows) - final)),
    )


def apprentices_placed() -> int:
    """Students given a place by a published allocation run."""
    placed = 0
    for result in db.session.scalars(
        select(AllocationRun.result).where(AllocationRun.status == RunStatus.PUBLISHED.value)
    ):
        placed += sum(1 for place in (result or {}).get("assignments", {}).values() if place)
    return placed


def apprenticeship_places(ctx: Context) -> Figure:
    return Figure(
        "apprenticeship_places", _l("Modern apprenticeship places"), ctx.counts["apprenticeship_places"], None,
        COUNT,
        _l("Places (at an enterprise site or with a workplace mentor) of the modern-apprenticeship programmes "
           "opened to students; apprentices placed are the students given a place by a published allocation."),
        detail=str(_l("%(placed)s apprentices placed", placed=ctx.apprentices_placed)),
    )


def apprentices(ctx: Context) -> Figure:
    return Figure(
        "apprentices_placed", _l("Apprentices placed"), ctx.apprentices_placed, None, COUNT,
        _l("Students given a modern-apprenticeship place by a published allocation run."),
    )


def apprenticeship_majors(ctx: Context) -> Figure:
    return Figure(
        "apprenticeship_majors", _l("Majors with a modern apprenticeship"), ctx.counts["apprenticeship_majors"], 1,
        COUNT,
        _l("Distinct majors named in active modern-apprenticeship cooperations. The plan asks for one new "
           "modern-apprenticeship major."),
    )


def _exchange_people(term: str) -> tuple[int, int]:
    """(distinct enterprise experts teaching, distinct teachers in enterprise practice) in `term`'s
    exchanges, counted the way the 20% rule counts them (`exchanges.people_of_term`)."""
    experts, teachers = exchanges.people_of_term(term, _verified_schools())
    return len(experts), len(teachers)


def part_time_teachers(ctx: Context) -> Figure:
    """As the 20% rule counts them (portal.services.exchanges.part_time_share), summed over the schools."""
    recorded, experts = ctx.counts["part_time_teachers"], ctx.exchange_people[0]
    return Figure(
        "part_time_teachers", _l("Part-time teachers from industry"), recorded + experts, None, COUNT,
        _l("Part-time teachers (兼职) recorded by verified secondary vocational schools, plus the distinct enterprise "
           "experts in agreed or completed expert-to-school exchanges of the current term. Schools may fill up to "
           "20% of their staffing quota this way."),
        detail=str(_l("%(recorded)s recorded by schools + %(experts)s experts through exchanges (%(term)s)",
                      recorded=recorded, experts=experts, term=ctx.term)),
    )


def teachers_in_practice(ctx: Context) -> Figure:
    return Figure(
        "teachers_in_practice", _l("Teachers in enterprise practice"), ctx.exchange_people[1], None, COUNT,
        _l("Distinct teachers of verified secondary vocational schools in agreed or completed enterprise-practice "
           "exchanges (教师企业实践) of the current term."),
        detail=ctx.term,
    )


def staff_trained(ctx: Context) -> Figure:
    return Figure(
        "staff_trained", _l("Enterprise staff trained"), ctx.counts["staff_trained"], None, COUNT,
        _l("Trainees agreed in staff-training cooperations (职工培训) that have started, active or ended."),
    )


def _input_figure(key: str, label, target: float, explanation, target_note="") -> Callable[[Context], Figure]:
    def figure(ctx: Context) -> Figure:
        entry = ctx.inputs.get(key)
        detail = (
            str(_l("%(year)s, from: %(source)s", year=entry.year, source=entry.source))
            if entry is not None else str(_l("Not entered yet."))
        )
        return Figure(
            key, label, entry.value if entry is not None else None, target, COUNT, explanation,
            detail=detail, target_note=target_note, from_input=True,
        )

    figure.__name__ = key
    return figure


high_level_major_groups = _input_figure(
    "high_level_major_groups", _l("High-level major groups"), 1,
    _l("Designations by the provincial education authorities, entered by administrators with their source."),
)
provincial_brand_major_groups = _input_figure(
    "provincial_brand_major_groups", _l("New provincial brand major groups"), 1,
    _l("Designations by the provincial education authorities, entered by administrators with their source."),
)
vocational_education_groups = _input_figure(
    "vocational_education_groups", _l("Vocational education groups"), 1,
    _l("Groups led by a district school and recognised by the authorities, entered by administrators with their "
       "source. The plan asks for 1–2."),
    target_note="1–2",
)

FIGURES: tuple[Callable[[Context], Figure], ...] = (
    full_time_teachers,
    double_qualified_share,
    postgraduate_share,
    full_time_enrolment,
    secondary_vocational_share,
    pilot_enterprises,
    pilot_partnerships,
    named_classes,
    named_class_seats,
    apprenticeship_places,
    apprentices,
    apprenticeship_majors,
    part_time_teachers,
    teachers_in_practice,
    staff_trained,
    high_level_major_groups,
    provincial_brand_major_groups,
    vocational_education_groups,
)


def district_figures(today: date | None = None) -> list[Figure]:
    today = today or district_today()
    ctx = Context(today=today, year=today.year, term=exchanges.current_term(today))
    return [compute(ctx) for compute in FIGURES]


# --- breakdowns ---------------------------------------------------------------------

@dataclass(frozen=True)
class Breakdown:
    """A table: column keys with labels, and rows of values keyed the same way."""

    columns: tuple[tuple[str, object], ...]
    rows: list[dict]
    numeric: tuple[str, ...] = ()
    totals: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdowns:
    schools: Breakdown
    industries: Breakdown
    towns: Breakdown


def breakdowns() -> Breakdowns:
    """The three tables, from six grouped queries whatever the number of organisations."""
    verified = Organisation.status == OrgStatus.VERIFIED.value
    schools = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.school_kind, Organisation.town)
        .where(Organisation.kind == OrgKind.SCHOOL.value, verified)
        .order_by(Organisation.name)
    ).all()
    full = Teacher.employment == Employment.FULL_TIME.value
    teachers = _grouped(
        select(Teacher.school_id, func.count().filter(full),
               func.count().filter(full, Teacher.double_qualified.is_(True)),
               func.count().filter(full, Teacher.degree.in_(POSTGRADUATE)),
               func.count().filter(Teacher.employment == Employment.PART_TIME.value))
        .group_by(Teacher.school_id)
    )
    published = Program.status == PublicationStatus.PUBLISHED.value
    programs = _grouped(
        select(Program.school_id,
               func.sum(Program.enrolment).filter(Program.status != PublicationStatus.DRAFT.value),
               func.sum(Program.intake_capacity).filter(published), func.count().filter(published))
        .group_by(Program.school_id)
    )
    active = Cooperation.status == CooperationStatus.ACTIVE.value
    school_coops = _grouped(select(Cooperation.school_id, func.count()).where(active)
                            .group_by(Cooperation.school_id))
    # The enterprise side, by industry and town at once.
    enterprises = db.session.execute(
        select(Organisation.industry, Organisation.town, func.count())
        .where(Organisation.kind == OrgKind.ENTERPRISE.value, verified)
        .group_by(Organisation.industry, Organisation.town)
    ).all()
    coops = _enterprise_cooperations()
    postings = db.session.execute(
        select(Organisation.industry, Organisation.town, func.count(Posting.id))
        .join(Organisation, Organisation.id == Posting.enterprise_id)
        .where(Posting.status == PublicationStatus.PUBLISHED.value)
        .group_by(Organisation.industry, Organisation.town)
    ).all()
    return Breakdowns(
        schools=_by_school(schools, teachers, programs, school_coops),
        industries=_by_industry(enterprises, coops, postings),
        towns=_by_town(schools, programs, enterprises, coops, postings),
    )


def _enterprise_cooperations() -> list:
    """(industry, town, kind, count, seats) of active cooperations, by their enterprise partner."""
    return db.session.execute(
        select(Organisation.industry, Organisation.town, Cooperation.kind, func.count(),
               func.coalesce(func.sum(Cooperation.seats), 0))
        .join(Organisation, Organisation.id == Cooperation.enterprise_id)
        .where(Cooperation.status == CooperationStatus.ACTIVE.value)
        .group_by(Organisation.industry, Organisation.town, Cooperation.kind)
    ).all()


def _grouped(query) -> dict:
    """{first column: the other columns} of a grouped query."""
    return {key: tuple(int(v or 0) for v in values) for key, *values in db.session.execute(query).all()}


def _by_school(schools, teachers: dict, programs: dict, coops: dict) -> Breakdown:
    rows = []
    for school_id, name, kind, town in schools:
        full_time, double, post, part = teachers.get(school_id, (0, 0, 0, 0))
        enrolment, intake, majors = programs.get(school_id, (0, 0, 0))
        rows.append({
            "name": name,
            "kind": str(vocab.SCHOOL_KINDS.get(kind, kind or "")),
            "town": vocab.town_name(town),
            "in_scope": kind in SCOPE_SCHOOL_KINDS,
            "full_time_teachers": full_time,
            "double_qualified": double,
            "postgraduate": post,
            "part_time_teachers": part,
            "majors": majors,
            "intake": intake,
            "enrolment": enrolment,
            "cooperations": coops.get(school_id, (0,))[0],
        })
    numeric = ("full_time_teachers", "double_qualified", "postgraduate", "part_time_teachers", "majors", "intake",
               "enrolment", "cooperations")
    return Breakdown(
        columns=(
            ("name", _l("School")), ("kind", _l("Kind")), ("town", _l("Town")),
            ("full_time_teachers", _l("Full-time teachers")), ("double_qualified", _l("Double-qualified")),
            ("postgraduate", _l("Postgraduate")), ("part_time_teachers", _l("Part-time teachers")),
            ("majors", _l("Published majors")), ("intake", _l("Annual intake")), ("enrolment", _l("Enrolment")),
            ("cooperations", _l("Active cooperations")),
        ),
        rows=rows, numeric=numeric, totals=_totals(rows, numeric),
    )


def _by_industry(enterprises, coops, postings) -> Breakdown:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for industry, _town, count in enterprises:
        counts[industry]["enterprises"] += count
    for industry, _town, kind, count, seats in coops:
        counts[industry][f"kind_{kind}"] += count
        counts[industry]["cooperations"] += count
        counts[industry]["seats"] += int(seats)
    for industry, _town, count in postings:
        counts[industry]["postings"] += count
    rows = []
    for code, label in vocab.INDUSTRIES.items():
        row = {"industry": str(label)} | {
            key: counts[code][key]
            for key in ("enterprises", "cooperations", "seats", "postings",
                        *(f"kind_{k}" for k in COOPERATION_KIND_LABELS))
        }
        if any(row[k] for k in ("enterprises", "cooperations", "postings")):
            rows.append(row)
    numeric = ("enterprises", "cooperations", *(f"kind_{k}" for k in COOPERATION_KIND_LABELS), "seats", "postings")
    columns = (
        ("industry", _l("Industry")), ("enterprises", _l("Verified enterprises")),
        ("cooperations", _l("Active cooperations")),
        *((f"kind_{k}", label) for k, label in COOPERATION_KIND_LABELS.items()),
        ("seats", _l("Seats and places")), ("postings", _l("Published postings")),
    )
    return Breakdown(columns=columns, rows=rows, numeric=numeric, totals=_totals(rows, numeric))


def _by_town(schools, programs: dict, enterprises, coops, postings) -> Breakdown:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for school_id, _name, _kind, town in schools:
        counts[town]["schools"] += 1
        counts[town]["enrolment"] += programs.get(school_id, (0,))[0]
    for _industry, town, count in enterprises:
        counts[town]["enterprises"] += count
    for _industry, town, _kind, count, _seats in coops:
        counts[town]["cooperations"] += count
    for _industry, town, count in postings:
        counts[town]["postings"] += count
    rows = []
    for code in vocab.TOWNS:
        row = {"town": vocab.town_name(code)} | {
            key: counts[code][key] for key in ("schools", "enterprises", "enrolment", "cooperations", "postings")
        }
        if any(row[k] for k in ("schools", "enterprises", "cooperations", "postings")):
            rows.append(row)
    numeric = ("schools", "enterprises", "enrolment", "cooperations", "postings")
    return Breakdown(
        columns=(
            ("town", _l("Town")), ("schools", _l("Verified schools")), ("enterprises", _l("Verified enterprises")),
            ("enrolment", _l("Enrolment")), ("cooperations", _l("Active cooperations with an enterprise here")),
            ("postings", _l("Published postings")),
        ),
        rows=rows, numeric=numeric, totals=_totals(rows, numeric),
    )


def _totals(rows: list[dict], numeric: tuple[str, ...]) -> dict:
    return {key: sum(int(r.get(key) or 0) for r in rows) for key in numeric}


# --- inputs the records cannot know -------------------------------------------------

@dataclass(frozen=True)
class InputSpec:
    label: object
    maximum: int
    help: object


INPUTS: dict[str, InputSpec] = {
    "upper_secondary_intake": InputSpec(
        _l("Total upper-secondary intake of the district"), 100_000,
        _l("Students admitted to all upper-secondary schools (general and vocational) in the district that year."),
    ),
    "high_level_major_groups": InputSpec(
        _l("High-level major groups"), 50, _l("Recognised high-level secondary vocational major groups (count)."),
    ),
    "provincial_brand_major_groups": InputSpec(
        _l("New provincial brand major groups"), 50, _l("Provincial brand major groups newly recognised (count)."),
    ),
    "vocational_education_groups": InputSpec(
        _l("Vocational education groups"), 50, _l("Vocational education groups recognised (count)."),
    ),
}


def inputs_for(year: int) -> dict[str, DistrictInput]:
    """Per key, the latest entry for `year`, or else for the latest earlier year (the newest entry of a year wins)."""
    latest: dict[str, DistrictInput] = {}
    for entry in db.session.scalars(
        select(DistrictInput).where(DistrictInput.year <= year)
        .order_by(DistrictInput.year.desc(), DistrictInput.entered_at.desc(), DistrictInput.id.desc())
    ):
        latest.setdefault(entry.key, entry)
    return latest


def input_history(limit: int = 200) -> list[DistrictInput]:
    return list(db.session.scalars(
        select(DistrictInput).order_by(DistrictInput.entered_at.desc(), DistrictInput.id.desc()).limit(limit)
    ))


def current_inputs(year: int | None = None) -> list[tuple[str, InputSpec, DistrictInput | None]]:
    latest = inputs_for(year or district_today().year)
    return [(key, spec, latest.get(key)) for key, spec in INPUTS.items()]


def enter_input(
    actor: User | None, key: str, year: int | None, value: int | None, source: str, *, is_demo: bool = False
) -> DistrictInput:
    """Record one yearly input with its source; earlier entries stay in the history. Flushes."""
    spec = INPUTS.get(key)
    if spec is None:
        raise ServiceError(_l("Choose which figure you are entering."), field="key")
    this_year = district_today().year
    if year is None:
        raise ServiceError(_l("Enter the year the figure is for."), field="year")
    if not 2000 <= year <= this_year + 1:
        raise ServiceError(_l("Enter a year between 2000 and %(max)s.", max=this_year + 1), field="year")
    if value is None:
        raise ServiceError(_l("Enter the figure as a whole number."), field="value")
    if value < 0:
        raise ServiceError(_l("The figure cannot be negative."), field="value")
    if value > spec.maximum:
        raise ServiceError(
            _l("%(value)s is implausibly large for this figure (at most %(max)s). Check the number.",
               value=f"{value:,}", max=f"{spec.maximum:,}"),
            field="value",
        )
    if key == "upper_secondary_intake":
        own = db.session.scalar(_intake()) or 0
        if value == 0 or value < own:
            raise ServiceError(
                _l("The total upper-secondary intake cannot be smaller than the secondary vocational schools' own "
                   "intake on record (%(own)s).", own=f"{own:,}"),
                field="value",
            )
    source = " ".join((source or "").split())
    if len(source) < 2:
        raise ServiceError(
            _l("Say where the figure comes from (document, office or publication) so others can check it."),
            field="source",
        )
    if len(source) > 200:
        raise ServiceError(_l("At most %(max)d characters.", max=200), field="source")
    entry = DistrictInput(
        key=key, year=year, value=value, source=source,
        entered_by_id=actor.id if actor is not None else None,
        entered_by_email=actor.email if actor is not None else None,
        is_demo=is_demo,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, entry, "create", None, None,
                 audit.coded("district_input", input=key, year=year, value=value, source=source))
    return entry


# --- snapshots and the trend ----------------------------------------------------------

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
            _l("Only the current month (%(period)s) can be taken: the figures come from today's records.",
               period=current_period(today)),
            field="period",
        )
    existing = {s.key: s for s in db.session.scalars(select(StatisticSnapshot).where(StatisticSnapshot.period == period))}
    now = utcnow()
    for figure in district_figures(today):
        snapshot = existing.get(figure.key)
        if snapshot is None:
            db.session.add(StatisticSnapshot(period=period, key=figure.key, value=figure.value, taken_at=now,
                                             is_demo=is_demo))
        else:
            snapshot.value, snapshot.taken_at = figure.value, now
            snapshot.is_demo = snapshot.is_demo and is_demo
    db.session.flush()
    if actor is not None:
        audit.record(actor, ("statistic_snapshot", int(period.replace("-", ""))), "create", None, None,
                     audit.coded("snapshot", period=period))
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
    """Two of the `stored` periods to compare: as asked if stored, else a year before the latest (or the earliest)."""
    if not stored:
        return None, None
    later = requested_to if requested_to in stored else stored[-1]
    if requested_from in stored:
        return requested_from, later
    year, month = later.split("-")
    year_before = f"{int(year) - 1:04d}-{month}"
    earlier = year_before if year_before in stored else stored[0]
    return earlier, later


# --- what the district publishes (no personal data) ------------------------------------

def cooperations_by_industry() -> list[dict]:
    """Active cooperations per industry of the enterprise partner, and their seats."""
    table = _by_industry((), _enterprise_cooperations(), ())
    keep = ("industry", "cooperations", *(f"kind_{k}" for k in COOPERATION_KIND_LABELS), "seats")
    return [{k: row[k] for k in keep} for row in table.rows if row["cooperations"]]


def public_named_classes() -> list[dict]:
    """Published named classes: name, partners and seats (organisations only, no student)."""
    classes = db.session.scalars(
        _published_named_classes().order_by(NamedClass.opens_on.desc(), NamedClass.name)
        .options(joinedload(NamedClass.cooperation).options(
            joinedload(Cooperation.school), joinedload(Cooperation.enterprise)))
    ).unique().all()
    return [
        {"name": c.name, "school": c.school.name, "enterprise": c.enterprise.name, "seats": c.seats,
         "since": c.opens_on}
        for c in classes
    ]


# A public pilot's state, as the pilot's own states say it.
PILOT_STATE_LABELS = {"notice": PilotStatus.APPROVED.label, "final": PilotStatus.FINAL.label}


def public_pilot_partnerships(today: date | None = None) -> list[dict]:
    """Approved pilot partnerships, as the public pilot pages show them."""
    today = today or district_today()
    rows = []
    for pilot in pilots.public_pilots():
        state = pilot.public_state(today)
        if state is None:
            continue
        rows.append({
            "name": pilot.cooperation.title, "school": pilot.school.name, "enterprise": pilot.enterprise.name,
            "state": str(PILOT_STATE_LABELS[state]), "approved_on": pilot.notice_starts_on,
        })
    return rows


PUBLIC_TABLES = ("industries", "named_classes", "pilots")


def public_tables() -> dict[str, list[dict]]:
    return {
        "industries": cooperations_by_industry(),
        "named_classes": public_named_classes(),
        "pilots": public_pilot_partnerships(),
    }
