"""The plan's targets as figures computed from the records, one small function each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask_babel import format_decimal
from sqlalchemy import case, distinct, func, select

from portal.apprenticeships.models import (
    AllocationRun,
    ApprenticePlace,
    ApprenticeshipProgramme,
    ProgrammeStatus,
    RunStatus,
)
from portal.certificates import services as certificates
from portal.education_groups import services as education_groups
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.pathways import services as pathways
from portal.pilots.models import (
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotPartnership,
    PilotStatus,
)
from portal.platform import vocab
from portal.platform.checks import district_today
from portal.platform.i18n import lazy_gettext as _l
from portal.programs.school_models import Employment, Teacher
from portal.rules import services as rule_settings
from portal.rules.settings import PLAN_BASE_YEAR
from portal.statistics.inputs import input_of_year, inputs_for
from portal.statistics.models import DistrictInput
from portal.statistics.scopes import (
    POSTGRADUATE,
    enrolment_total,
    full_time_teacher_count,
    intake_total,
    published_named_classes,
    verified_schools,
)

COUNT, PERCENT = "count", "percent"


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
    records_endpoint: str = ""  # the page listing the records the figure counts (issue 29)

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


# --- the figures --------------------------------------------------------------------


@dataclass
class Context:
    """What the figures share: the day, and the records' totals read once for all of them."""

    today: date
    year: int
    term: str  # the school term, e.g. 2026年秋季学期
    entries: list[DistrictInput] | None = None  # every input entry, when the caller has read them

    @cached_property
    def counts(self) -> dict[str, int]:
        return _district_counts(self)

    @cached_property
    def inputs(self) -> dict[str, DistrictInput]:
        return inputs_for(self.year, self.entries)

    @cached_property
    def apprentices_placed(self) -> int:
        return apprentices_placed()

    @cached_property
    def exchange_people(self) -> tuple[int, int]:
        return _exchange_people(self.term)


def _district_counts(ctx: Context) -> dict[str, int]:
    """Every plain total the figures use, as one SELECT of scalar subqueries (one round trip)."""
    full_time = full_time_teacher_count()
    classes = published_named_classes().subquery()
    totals = {
        "full_time_teachers": full_time,
        "double_qualified": full_time.where(Teacher.double_qualified.is_(True)),
        "postgraduate": full_time.where(Teacher.degree.in_(POSTGRADUATE)),
        "part_time_teachers": select(func.count(Teacher.id)).where(
            Teacher.school_id.in_(verified_schools()), Teacher.employment == Employment.PART_TIME.value
        ),
        "enrolment": enrolment_total(),
        "intake": intake_total(),
        "pilot_enterprises": select(func.count(distinct(PilotEnterpriseApplication.enterprise_id)))
        .join(Organisation, Organisation.id == PilotEnterpriseApplication.enterprise_id)
        .where(
            PilotEnterpriseApplication.status == PilotEnterpriseStatus.CONFIRMED.value,
            Organisation.is_verified,
        ),
        "named_classes": select(func.count(classes.c.id)),
        "named_class_seats": select(func.coalesce(func.sum(classes.c.seats), 0)),
        "named_class_taken": select(func.coalesce(func.sum(classes.c.taken), 0)),
        "apprenticeship_places": select(func.coalesce(func.sum(ApprenticePlace.capacity), 0))
        .join(ApprenticeshipProgramme, ApprenticeshipProgramme.id == ApprenticePlace.programme_id)
        .where(ApprenticeshipProgramme.status != ProgrammeStatus.DRAFT.value),
        "staff_trained": select(func.coalesce(func.sum(Cooperation.seats), 0)).where(
            Cooperation.kind == CooperationKind.STAFF_TRAINING.value, Cooperation.start_date <= ctx.today
        ),
        # issue 29: the domains' totals, in the same round trip
        **_apprenticeship_majors(rule_settings.value(PLAN_BASE_YEAR)),
        **pathways.district_totals(),
        **certificates.district_totals(),
        **education_groups.district_totals(),
    }
    row = db.session.execute(select(*(q.scalar_subquery().label(k) for k, q in totals.items()))).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def full_time_teachers(ctx: Context) -> Figure:
    return Figure(
        "full_time_teachers",
        _l("Full-time teachers (secondary vocational)"),
        ctx.counts["full_time_teachers"],
        230,
        COUNT,
        _l("Teachers recorded as full-time (专任) by verified secondary vocational schools."),
    )


def double_qualified_share(ctx: Context) -> Figure:
    total, double = ctx.counts["full_time_teachers"], ctx.counts["double_qualified"]
    return Figure(
        "double_qualified_share",
        _l("Double-qualified share of full-time teachers"),
        _share(double, total),
        70,
        PERCENT,
        _l(
            "Full-time teachers marked double-qualified (双师型) ÷ all full-time teachers of verified "
            "secondary "
            "vocational schools."
        ),
        detail=f"{double} / {total}",
    )


def postgraduate_share(ctx: Context) -> Figure:
    total, post = ctx.counts["full_time_teachers"], ctx.counts["postgraduate"]
    return Figure(
        "postgraduate_share",
        _l("Postgraduate share of full-time teachers"),
        _share(post, total),
        10,
        PERCENT,
        _l(
            "Full-time teachers with a master's degree or a doctorate ÷ all full-time teachers of verified "
            "secondary vocational schools."
        ),
        detail=f"{post} / {total}",
    )


def full_time_enrolment(ctx: Context) -> Figure:
    return Figure(
        "full_time_enrolment",
        _l("Full-time enrolment (secondary vocational)"),
        ctx.counts["enrolment"],
        3000,
        COUNT,
        _l(
            "Students enrolled, all years, in the published or closed majors of verified secondary "
            "vocational "
            "schools (drafts are not counted)."
        ),
    )


def secondary_vocational_share(ctx: Context) -> Figure:
    """Actual admissions ÷ the district's total upper-secondary intake, both entered for the same year
    with their source (issue 29: not the schools' planned intake, which is shown beside for reference)."""
    label = _l("Secondary vocational share of upper-secondary intake")
    explanation = _l(
        "Students the secondary vocational schools actually admitted ÷ the district's total "
        "upper-secondary intake, both entered by administrators for the same year with their source. The "
        "plan starts from 30%."
    )
    admissions = ctx.inputs.get("secondary_vocational_admissions")
    total = (
        input_of_year("upper_secondary_intake", admissions.year, ctx.entries)
        if admissions is not None
        else None
    )
    if admissions is None or total is None:
        missing = (
            _l("No actual admissions entered yet.")
            if admissions is None
            else _l("No total upper-secondary intake entered for %(year)s.", year=admissions.year)
        )
        return Figure(
            "secondary_vocational_share",
            label,
            None,
            40,
            PERCENT,
            explanation,
            detail=str(missing)
            + " "
            + str(_l("Planned intake on record: %(intake)s.", intake=f"{ctx.counts['intake']:,}")),
            from_input=True,
        )
    detail = _l(
        "%(admitted)s admitted / %(total)s in %(year)s (from: %(source)s; %(total_source)s)",
        admitted=f"{admissions.value:,}",
        total=f"{total.value:,}",
        year=admissions.year,
        source=admissions.source,
        total_source=total.source,
    )
    return Figure(
        "secondary_vocational_share",
        label,
        _share(admissions.value, total.value),
        40,
        PERCENT,
        explanation,
        detail=str(detail),
        from_input=True,
    )


def named_classes(ctx: Context) -> Figure:
    seats, taken = ctx.counts["named_class_seats"], ctx.counts["named_class_taken"]
    return Figure(
        "named_classes",
        _l("Named classes"),
        ctx.counts["named_classes"],
        None,
        COUNT,
        _l(
            "Named classes and order classes (冠名班/订单班) published by schools of verified partners, "
            "open or "
            "closed (drafts are not counted)."
        ),
        detail=str(_l("%(seats)s seats, %(taken)s students admitted", seats=seats, taken=taken)),
    )


def named_class_seats(ctx: Context) -> Figure:
    return Figure(
        "named_class_seats",
        _l("Seats in named classes"),
        ctx.counts["named_class_seats"],
        None,
        COUNT,
        _l("Seats of the published named classes counted above."),
        detail=str(_l("%(taken)s taken", taken=ctx.counts["named_class_taken"])),
    )


def pilot_enterprises(ctx: Context) -> Figure:
    return Figure(
        "pilot_enterprises",
        _l("Industry–education integration pilot enterprises"),
        ctx.counts["pilot_enterprises"],
        None,
        COUNT,
        _l(
            "Verified enterprises the province confirmed as industry–education integration enterprises "
            "(产教融合型企业, 发改社会〔2019〕590号 Art. 4), as the district recorded the decision, and not "
            "revoked. The plan names 山东汇金股份有限公司 among those to promote but sets no number."
        ),
    )


def pilot_partnerships(ctx: Context) -> Figure:
    # When a pilot is final is the model's to say (an unanswered objection keeps it in notice).
    rows = db.session.scalars(
        select(PilotPartnership).where(
            PilotPartnership.status.in_((PilotStatus.APPROVED.value, PilotStatus.FINAL.value))
        )
    ).all()
    final = sum(1 for pilot in rows if pilot.public_state(ctx.today) == "final")
    return Figure(
        "pilot_partnerships",
        _l("Integrated school–enterprise pilots"),
        len(rows),
        None,
        COUNT,
        _l(
            "Cooperations administrators approved as integrated school–enterprise pilots "
            "(校企一体化合作办学试点), in "
            "their notice period or final. The plan names five partnerships to build (section 7) but sets no "
            "number."
        ),
        detail=str(
            _l("%(final)s final, %(notice)s in the notice period", final=final, notice=len(rows) - final)
        ),
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
        "apprenticeship_places",
        _l("Modern apprenticeship places"),
        ctx.counts["apprenticeship_places"],
        None,
        COUNT,
        _l(
            "Places (at an enterprise site or with a workplace mentor) of the modern-apprenticeship "
            "programmes "
            "opened to students; apprentices placed are the students given a place by a published allocation."
        ),
        detail=str(_l("%(placed)s apprentices placed", placed=ctx.apprentices_placed)),
    )


def apprentices(ctx: Context) -> Figure:
    return Figure(
        "apprentices_placed",
        _l("Apprentices placed"),
        ctx.apprentices_placed,
        None,
        COUNT,
        _l("Students given a modern-apprenticeship place by a published allocation run."),
    )


def _apprenticeship_majors(base_year: int) -> dict[str, object]:
    """Distinct majors in active modern-apprenticeship cooperations, and of them those whose first
    apprenticeship cooperation (of any status) started on or after 1 January of `base_year`."""
    per_major = (
        select(
            Cooperation.program_id.label("program_id"),
            func.min(Cooperation.start_date).label("first"),
            func.max(case((Cooperation.status == CooperationStatus.ACTIVE.value, 1), else_=0)).label(
                "active"
            ),
        )
        .where(Cooperation.kind == CooperationKind.APPRENTICESHIP.value, Cooperation.program_id.is_not(None))
        .group_by(Cooperation.program_id)
        .subquery()
    )
    active = select(func.count()).select_from(per_major).where(per_major.c.active == 1)
    return {
        "apprenticeship_majors": active,
        "new_apprenticeship_majors": active.where(per_major.c.first >= date(base_year, 1, 1)),
    }


def apprenticeship_majors(ctx: Context) -> Figure:
    base_year = rule_settings.value(PLAN_BASE_YEAR)
    new, total = ctx.counts["new_apprenticeship_majors"], ctx.counts["apprenticeship_majors"]
    return Figure(
        "apprenticeship_majors",
        _l("New majors with a modern apprenticeship"),
        new,
        1,
        COUNT,
        _l(
            "Distinct majors in active modern-apprenticeship cooperations whose first such cooperation "
            "started in or after the plan's base year (a rule setting). The plan asks for one new "
            "modern-apprenticeship major."
        ),
        detail=str(_l("%(new)s new since %(year)s, %(total)s in all", new=new, year=base_year, total=total)),
    )


def _exchange_people(term: str) -> tuple[int, int]:
    """(distinct enterprise experts teaching, distinct teachers in enterprise practice) in `term`'s
    exchanges, counted the way the 20% rule counts them (`exchanges.people_of_term`)."""
    experts, teachers = exchanges.people_of_term(term, verified_schools())
    return len(experts), len(teachers)


def part_time_teachers(ctx: Context) -> Figure:
    """As the 20% rule counts them (portal.exchanges.services.part_time_share), summed over the schools."""
    recorded, experts = ctx.counts["part_time_teachers"], ctx.exchange_people[0]
    return Figure(
        "part_time_teachers",
        _l("Part-time teachers from industry"),
        recorded + experts,
        None,
        COUNT,
        _l(
            "Part-time teachers (兼职) recorded by verified secondary vocational schools, plus the distinct "
            "enterprise "
            "experts in agreed or completed expert-to-school exchanges of the current term. Schools may "
            "fill up to "
            "20% of their staffing quota this way."
        ),
        detail=str(
            _l(
                "%(recorded)s recorded by schools + %(experts)s experts through exchanges (%(term)s)",
                recorded=recorded,
                experts=experts,
                term=vocab.term_label(ctx.term),
            )
        ),
    )


def teachers_in_practice(ctx: Context) -> Figure:
    return Figure(
        "teachers_in_practice",
        _l("Teachers in enterprise practice"),
        ctx.exchange_people[1],
        None,
        COUNT,
        _l(
            "Distinct teachers of verified secondary vocational schools in agreed or completed "
            "enterprise-practice "
            "exchanges (教师企业实践) of the current term."
        ),
        detail=ctx.term,
    )


def staff_trained(ctx: Context) -> Figure:
    return Figure(
        "staff_trained",
        _l("Enterprise staff trained"),
        ctx.counts["staff_trained"],
        None,
        COUNT,
        _l("Trainees agreed in staff-training cooperations (职工培训) that have started, active or ended."),
    )


def _input_figure(key: str, label, target: float, explanation, target_note="") -> Callable[[Context], Figure]:
    def figure(ctx: Context) -> Figure:
        entry = ctx.inputs.get(key)
        detail = (
            str(_l("%(year)s, from: %(source)s", year=entry.year, source=entry.source))
            if entry is not None
            else str(_l("Not entered yet."))
        )
        return Figure(
            key,
            label,
            entry.value if entry is not None else None,
            target,
            COUNT,
            explanation,
            detail=detail,
            target_note=target_note,
            from_input=True,
        )

    figure.__name__ = key
    return figure


high_level_major_groups = _input_figure(
    "high_level_major_groups",
    _l("High-level major groups"),
    1,
    _l("Designations by the provincial education authorities, entered by administrators with their source."),
)
provincial_brand_major_groups = _input_figure(
    "provincial_brand_major_groups",
    _l("New provincial brand major groups"),
    1,
    _l("Designations by the provincial education authorities, entered by administrators with their source."),
)

# --- issue 29: pathways (贯通培养), counted from the schools' records -----------------------------


def pathway_colleges(ctx: Context) -> Figure:
    return Figure(
        "pathway_colleges",
        _l("3+2 partner colleges"),
        ctx.counts["pathway_colleges"],
        6,
        COUNT,
        _l(
            "Distinct partner colleges of the 3+2 pathways (中职→高职) recorded by verified secondary "
            "vocational schools. The plan (item 11) starts from 6 colleges and 9 majors."
        ),
        records_endpoint="admin_pathways.district_list",
    )


def pathway_majors(ctx: Context) -> Figure:
    return Figure(
        "pathway_majors",
        _l("3+2 pairs of majors"),
        ctx.counts["pathway_pairs"],
        9,
        COUNT,
        _l(
            "Distinct pairs of majors (a school's 中职 major with a college's 专科 major, at one college) "
            "of the 3+2 pathways counted above. The plan (item 11) starts from 9 majors."
        ),
        records_endpoint="admin_pathways.district_list",
    )


def pathway_transfer_rate(ctx: Context) -> Figure:
    transferred, judged = ctx.counts["pathway_transferred"], ctx.counts["pathway_judged"]
    return Figure(
        "pathway_transfer_rate",
        _l("Pathway transfer rate"),
        _share(transferred, judged),
        None,
        PERCENT,
        _l(
            "Students who passed the transfer assessment (转段) ÷ students assessed, over the assessed "
            "cohorts of the 3+2 and 3+4 pathways counted above."
        ),
        detail=f"{transferred} / {judged}",
        records_endpoint="admin_pathways.district_list",
    )


def certificate_pass_rate(ctx: Context) -> Figure:
    passed, sat = ctx.counts["certificates_passed"], ctx.counts["certificates_sat"]
    return Figure(
        "certificate_pass_rate",
        _l("Skill-level certificate pass rate"),
        _share(passed, sat),
        None,
        PERCENT,
        _l(
            "Results passed ÷ results recorded by verified secondary vocational schools for the "
            "职业技能等级证书 (1+X) of the catalogue; per certificate and major on its page. The plan "
            "(item 8) asks for the 1+X pilot but sets no number."
        ),
        detail=f"{passed} / {sat}",
        records_endpoint="admin_certificates.pass_rates",
    )


def vocational_education_groups(ctx: Context) -> Figure:
    """Counted from the groups' records (issue 29), no longer an administrator's input."""
    groups, members = ctx.counts["education_groups"], ctx.counts["education_group_members"]
    return Figure(
        "vocational_education_groups",
        _l("Vocational education groups"),
        groups,
        1,
        COUNT,
        _l(
            "Vocational education groups (职业教育集团) led by verified secondary vocational schools, each "
            "recorded with its charter. The plan (item 16) asks for 1–2 led by 莱芜职业中专."
        ),
        detail=str(_l("%(members)s members", members=members)),
        target_note="1–2",
        records_endpoint="admin_groups.district_list",
    )


# --- end issue 29

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
    pathway_colleges,  # issue 29
    pathway_majors,
    pathway_transfer_rate,
    certificate_pass_rate,
)


def district_figures(
    today: date | None = None, *, entries: list[DistrictInput] | None = None
) -> list[Figure]:
    """`entries`: every input entry, if the caller has read them (the report lists them anyway)."""
    today = today or district_today()
    ctx = Context(today=today, year=today.year, term=exchanges.current_term(today), entries=entries)
    return [compute(ctx) for compute in FIGURES]
