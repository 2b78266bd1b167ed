"""Use cases of 贯通培养 pathways: a school records its pathways and each cohort's 转段 outcome; the
district counts partner colleges, pairs of majors and transfer rates from them.

Plain arguments in, objects out; writes only flush (the view commits). A school reads and edits
only its own pathways: another school's id is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations.models import Organisation
from portal.pathways.models import Pathway, PathwayCohort, PathwayKind
from portal.platform import checks
from portal.platform.errors import Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.owned import school_record
from portal.programs import catalogue
from portal.programs.models import Program

COLLEGE_MAX = 120  # pathway.college
HIGHER_NAME_MAX = 80  # pathway.higher_name
QUOTA_MAX = 2_000
COHORT_MAX = 5_000
# The level of the college's major each kind leads to, in the 2021 catalogue (None: the file
# holds no 本科 majors, so a 3+4 major is kept as typed and marked unchecked).
HIGHER_LEVEL = {PathwayKind.THREE_TWO.value: catalogue.HIGHER, PathwayKind.THREE_FOUR.value: None}


@dataclass(frozen=True)
class PathwayInput:
    kind: str | None
    program_id: int | None
    college: str | None
    higher_major: str | None  # a code or a name
    yearly_quota: int | None


@dataclass(frozen=True)
class CohortInput:
    entry_year: int | None
    enrolled: int | None
    transferred: int | None = None
    not_transferred: int | None = None
    assessed_on: date | None = None


def pathways_of(actor: User) -> list[Pathway]:
    return list(
        db.session.scalars(
            select(Pathway).where(Pathway.school_id == actor.organisation_id).order_by(Pathway.id)
        )
    )


def get_pathway(actor: User, pathway_id: int) -> Pathway:
    return school_record(Pathway, actor, pathway_id, _l("Pathway not found."))


def program_choices(actor: User) -> list[Program]:
    """The school's majors a pathway can start from: those of the 2021 catalogue's 中职 level."""
    return list(
        db.session.scalars(
            select(Program)
            .where(Program.school_id == actor.organisation_id, Program.level == catalogue.SECONDARY)
            .order_by(Program.name)
        )
    )


def _higher_major(kind: str, raw: str, problems: Problems) -> tuple[str | None, str]:
    """(code, name) of the college's major. 3+2: a 专科 major of the 2021 catalogue, by code or
    name. 3+4: as typed (the catalogue file holds no 本科 majors), code None."""
    level = HIGHER_LEVEL.get(kind)
    if level is None:
        return None, raw
    entry = catalogue.entry_for_code(raw.upper()) or catalogue.entry_for_name(raw, level)
    if entry is None or entry.level != level:
        problems.add(
            _l(
                "“%(major)s” is not a 专科 major of the 2021 catalogue (《职业教育专业目录（2021年）》): "
                "enter its six-digit code or its exact name.",
                major=raw,
            ),
            field="higher_major",
        )
        return None, raw
    return entry.code, entry.name


def create_pathway(actor: User, data: PathwayInput, *, is_demo: bool = False) -> Pathway:
    problems = Problems()
    kind = problems.check(checks.choice, data.kind, PathwayKind, field="kind")
    program = None
    if data.program_id is None:
        problems.add(_l("Choose the school's major."), field="program_id")
    else:
        program = db.session.get(Program, data.program_id)
        if program is None or program.school_id != actor.organisation_id:
            problems.add(_l("Choose one of your school's majors."), field="program_id")
            program = None
        elif program.level != catalogue.SECONDARY:
            problems.add(
                _l(
                    "A pathway starts from a 中职 major of the 2021 catalogue; choose this major's "
                    "catalogue entry first."
                ),
                field="program_id",
            )
    college = problems.check(
        checks.text, data.college, field="college", max_length=COLLEGE_MAX, required=True
    )
    higher_raw = problems.check(
        checks.text, data.higher_major, field="higher_major", max_length=HIGHER_NAME_MAX, required=True
    )
    code, higher_name = None, higher_raw or ""
    if kind and higher_raw:
        code, higher_name = _higher_major(kind, higher_raw, problems)
    quota = data.yearly_quota
    if quota is None:
        problems.add(_l("Enter the yearly quota as a whole number."), field="yearly_quota")
    else:
        problems.check(checks.integer, quota, field="yearly_quota", minimum=0, maximum=QUOTA_MAX)
    problems.raise_if_any()
    duplicate = db.session.scalar(
        select(Pathway.id).where(
            Pathway.program_id == program.id,
            Pathway.college == college,
            Pathway.higher_name == higher_name,
            Pathway.kind == kind,
        )
    )
    if duplicate is not None:
        raise ServiceError(_l("This pathway is already recorded."), field="college")
    pathway = Pathway(
        school_id=actor.organisation_id,
        program_id=program.id,
        kind=kind,
        college=college,
        higher_code=code,
        higher_name=higher_name,
        yearly_quota=quota,
        is_demo=is_demo,
    )
    return audit.created(actor, pathway, "create", kind, f"{college} · {higher_name}")


def _figures(cohort: PathwayCohort) -> str:
    """Enrolled/transferred/not transferred, as the audit log shows them ("—": not assessed yet)."""
    return "/".join(
        "—" if n is None else str(n) for n in (cohort.enrolled, cohort.transferred, cohort.not_transferred)
    )


def record_cohort(actor: User, pathway_id: int, data: CohortInput, *, is_demo: bool = False) -> PathwayCohort:
    """Enter or correct one entry year's cohort: students enrolled and, once the 转段 assessment
    has taken place, how many transferred and how many did not."""
    pathway = get_pathway(actor, pathway_id)
    problems = Problems()
    this_year = checks.district_today().year
    if data.entry_year is None:
        problems.add(_l("Enter the year the cohort entered."), field="entry_year")
    else:
        problems.check(
            checks.integer, data.entry_year, field="entry_year", minimum=2000, maximum=this_year + 1
        )
    if data.enrolled is None:
        problems.add(_l("Enter how many students enrolled."), field="enrolled")
    else:
        problems.check(checks.integer, data.enrolled, field="enrolled", minimum=0, maximum=COHORT_MAX)
    for field in ("transferred", "not_transferred"):
        value = getattr(data, field)
        if value is not None:
            problems.check(checks.integer, value, field=field, minimum=0, maximum=COHORT_MAX)
    if (data.transferred is None) != (data.not_transferred is None):
        problems.add(
            _l("Enter both how many transferred and how many did not, or neither before the assessment."),
            field="transferred",
        )
    if (
        data.transferred is not None
        and data.not_transferred is not None
        and data.enrolled is not None
        and data.transferred + data.not_transferred > data.enrolled
    ):
        problems.add(
            _l(
                "%(sum)s students transferred or not, but only %(enrolled)s enrolled.",
                sum=data.transferred + data.not_transferred,
                enrolled=data.enrolled,
            ),
            field="not_transferred",
        )
    if data.transferred is not None and data.assessed_on is None:
        problems.add(_l("Enter the date of the transfer assessment."), field="assessed_on")
    if data.assessed_on is not None and data.assessed_on > checks.district_today():
        problems.add(_l("The assessment date cannot be in the future."), field="assessed_on")
    problems.raise_if_any()
    cohort = db.session.scalar(
        select(PathwayCohort).where(
            PathwayCohort.pathway_id == pathway.id, PathwayCohort.entry_year == data.entry_year
        )
    )
    before = None
    if cohort is None:
        cohort = PathwayCohort(pathway_id=pathway.id, entry_year=data.entry_year, is_demo=is_demo)
        db.session.add(cohort)
    else:
        before = "/".join(
            "—" if n is None else str(n)
            for n in (cohort.enrolled, cohort.transferred, cohort.not_transferred)
        )
    cohort.enrolled = data.enrolled
    cohort.transferred = data.transferred
    cohort.not_transferred = data.not_transferred
    cohort.assessed_on = data.assessed_on
    db.session.flush()
    audit.record(
        actor,
        ("pathway_cohort", cohort.id),
        "record",
        before,
        "/".join(
            "—" if n is None else str(n)
            for n in (cohort.enrolled, cohort.transferred, cohort.not_transferred)
        ),
        organisations=(pathway.school_id,),
    )
    return cohort


def pathways_of_student(student: User) -> list[Pathway]:
    """The pathways a student's major leads to (their profile shows them)."""
    if student.program_id is None:
        return []
    return list(
        db.session.scalars(
            select(Pathway).where(Pathway.program_id == student.program_id).order_by(Pathway.id)
        )
    )


# --- the district's figures -------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictPathways:
    colleges: int  # distinct partner colleges of 3+2 pathways
    pairs: int  # distinct pairs of majors (school major → college major) of 3+2 pathways
    transferred: int  # students transferred, assessed cohorts of every kind
    judged: int  # students assessed (transferred + not), same cohorts
    by_kind: dict[str, tuple[int, int]]  # kind → (transferred, judged)


def _counted():
    """3+2 and 3+4 pathways of verified secondary vocational schools."""
    return (
        select(Pathway)
        .join(Organisation, Organisation.id == Pathway.school_id)
        .where(organisations.in_plan_scope())
    )


def district_pathways() -> DistrictPathways:
    counted = _counted().subquery()
    three_two = select(counted).where(counted.c.kind == PathwayKind.THREE_TWO.value).subquery()
    colleges = db.session.scalar(select(func.count(distinct(three_two.c.college)))) or 0
    pairs = (
        db.session.scalar(
            select(func.count()).select_from(
                select(three_two.c.program_id, three_two.c.college, three_two.c.higher_name)
                .distinct()
                .subquery()
            )
        )
        or 0
    )
    rows = db.session.execute(
        select(
            counted.c.kind,
            func.coalesce(func.sum(PathwayCohort.transferred), 0),
            func.coalesce(func.sum(PathwayCohort.not_transferred), 0),
        )
        .join(counted, counted.c.id == PathwayCohort.pathway_id)
        .where(PathwayCohort.transferred.is_not(None))
        .group_by(counted.c.kind)
    ).all()
    by_kind = {kind: (int(t), int(t) + int(n)) for kind, t, n in rows}
    return DistrictPathways(
        colleges=int(colleges),
        pairs=int(pairs),
        transferred=sum(t for t, _ in by_kind.values()),
        judged=sum(j for _, j in by_kind.values()),
        by_kind=by_kind,
    )


def district_totals() -> dict[str, object]:
    """The dashboard's pathway totals as scalar SELECTs, which it reads with its others in one round
    trip: 3+2 colleges and pairs of majors, students transferred and assessed (3+2 and 3+4)."""
    counted = _counted().subquery()
    three_two = select(counted).where(counted.c.kind == PathwayKind.THREE_TWO.value).subquery()
    pairs = select(three_two.c.program_id, three_two.c.college, three_two.c.higher_name).distinct().subquery()
    assessed = (
        select(PathwayCohort.transferred, PathwayCohort.not_transferred)
        .join(counted, counted.c.id == PathwayCohort.pathway_id)
        .where(PathwayCohort.transferred.is_not(None))
        .subquery()
    )
    return {
        "pathway_colleges": select(func.count(distinct(three_two.c.college))),
        "pathway_pairs": select(func.count()).select_from(pairs),
        "pathway_transferred": select(func.coalesce(func.sum(assessed.c.transferred), 0)),
        "pathway_judged": select(
            func.coalesce(func.sum(assessed.c.transferred + func.coalesce(assessed.c.not_transferred, 0)), 0)
        ),
    }


def district_pathway_list() -> list[Pathway]:
    """The pathways the dashboard counts, for the page that shows its records."""
    return list(db.session.scalars(_counted().order_by(Pathway.school_id, Pathway.id)))
