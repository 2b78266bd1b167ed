"""Use cases of the enterprise's yearly report (企业参与职业教育年度报告).

Sections, as such reports are laid out: the enterprise; how it took part (cooperations, order
classes, apprentices, interns hosted and hired, part-time teachers sent, teachers hosted for
practice, training delivered, bases shared); what it invested (entered by the enterprise, each
item with its evidence); outcomes; problems and plans.

Every figure of "how it took part" is computed from the records for the chosen year by one
function below that returns the records it counts, so the page that lists a figure's sources
lists exactly what was counted. An enterprise reads and edits only its own report; an
administrator reads any, and the list of who published.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User
from portal.apprenticeships.models import ApprenticeAgreement
from portal.audit import services as audit
from portal.enterprise_reports.models import EnterpriseReport, InvestmentKind, ReportInvestment, ReportStatus
from portal.exchanges.models import Exchange, ExchangeDirection, ExchangeStatus
from portal.extensions import db
from portal.internships.models import Placement, PlacementStatus
from portal.named_classes.models import NamedClass, NamedClassStatus
from portal.organisations.models import Enterprise, Organisation, OrgKind, OrgStatus
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.planning import double_qualified
from portal.platform import checks
from portal.platform.errors import NotFound, Problems
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow

TEXT_MAX = 4_000  # each of the enterprise's own sections
DESCRIPTION_MAX = 200  # report_investment.description
AMOUNT_MAX = 10**10  # yuan
FIRST_YEAR = 2019  # 职业教育法 in force 2022; reports before the platform's records mean little


# --- the figures, each with its records -----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One record a figure counts, as its source page lists it."""

    label: str
    detail: str
    amount: int = 1  # what it adds to the figure (1, or seats, trainees …)


@dataclass(frozen=True)
class ReportFigure:
    key: str
    label: object
    unit: object
    sources: list[Source] = field(default_factory=list)

    @property
    def value(self) -> int:
        return sum(s.amount for s in self.sources)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _cooperations(enterprise_id: int, year: int, kind: str | None = None) -> list[Cooperation]:
    """Cooperations of the enterprise that ran during some of `year` (agreed, active or ended)."""
    first, last = _year_bounds(year)
    query = select(Cooperation).where(
        Cooperation.enterprise_id == enterprise_id, Cooperation.start_date <= last
    )
    if kind is not None:
        query = query.where(Cooperation.kind == kind)
    return [
        c
        for c in db.session.scalars(query.order_by(Cooperation.start_date, Cooperation.id))
        if _add_months(c.start_date, c.duration_months) > first
        and c.status in (CooperationStatus.ACTIVE.value, CooperationStatus.ENDED.value)
    ]


def cooperations(enterprise_id: int, year: int) -> list[Source]:
    return [
        Source(c.title, f"{c.school.name} · {c.start_date} · {c.duration_months} 月")
        for c in _cooperations(enterprise_id, year)
    ]


def order_classes(enterprise_id: int, year: int) -> list[Source]:
    first, last = _year_bounds(year)
    rows = db.session.scalars(
        select(NamedClass)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .where(
            Cooperation.enterprise_id == enterprise_id,
            NamedClass.status != NamedClassStatus.DRAFT.value,
            NamedClass.opens_on.between(first, last),
        )
        .order_by(NamedClass.opens_on, NamedClass.id)
    )
    return [Source(n.name, f"{n.opens_on} · {n.taken}/{n.seats}") for n in rows]


def apprentices(enterprise_id: int, year: int) -> list[Source]:
    """Apprentices whose training agreement started in `year` (a pairing starts only with one)."""
    first, last = _year_bounds(year)
    rows = db.session.scalars(
        select(ApprenticeAgreement)
        .where(
            ApprenticeAgreement.enterprise_id == enterprise_id,
            ApprenticeAgreement.starts_on.between(first, last),
        )
        .order_by(ApprenticeAgreement.starts_on, ApprenticeAgreement.id)
    )
    return [
        Source(f"#{a.id}", f"{a.starts_on} · {db.session.get(Organisation, a.school_id).name}") for a in rows
    ]


_HOSTED = (PlacementStatus.IN_PROGRESS.value, PlacementStatus.COMPLETED.value, PlacementStatus.HIRED.value)


def _placements(enterprise_id: int, year: int, statuses: tuple[str, ...]) -> list[Placement]:
    first, last = _year_bounds(year)
    return list(
        db.session.scalars(
            select(Placement)
            .where(
                Placement.enterprise_id == enterprise_id,
                Placement.status.in_(statuses),
                Placement.starts_on.is_not(None),
                Placement.starts_on <= last,
                (Placement.ends_on.is_(None)) | (Placement.ends_on >= first),
            )
            .order_by(Placement.starts_on, Placement.id)
        )
    )


def interns_hosted(enterprise_id: int, year: int) -> list[Source]:
    """Interns on site during some of `year` (in progress, completed or hired); no names: the
    report is the enterprise's public account."""
    return [
        Source(f"#{p.id}", f"{p.starts_on} – {p.ends_on or ''} · {p.state.label}")
        for p in _placements(enterprise_id, year, _HOSTED)
    ]


def interns_hired(enterprise_id: int, year: int) -> list[Source]:
    return [
        Source(f"#{p.id}", f"{p.starts_on} – {p.ends_on or ''}")
        for p in _placements(enterprise_id, year, (PlacementStatus.HIRED.value,))
    ]


_HELD = (ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)


def _exchanges(enterprise_id: int, year: int, direction: str) -> list[Exchange]:
    # A term is named after the year it starts in (e.g. 2026年秋季学期).
    return list(
        db.session.scalars(
            select(Exchange)
            .where(
                Exchange.enterprise_id == enterprise_id,
                Exchange.direction == direction,
                Exchange.status.in_(_HELD),
                Exchange.term.like(f"{year}%"),
            )
            .order_by(Exchange.term, Exchange.id)
        )
    )


def part_time_teachers(enterprise_id: int, year: int) -> list[Source]:
    """Distinct experts the enterprise sent to teach (agreed or completed exchanges of the year)."""
    seen: dict[str, list[Exchange]] = {}
    for e in _exchanges(enterprise_id, year, ExchangeDirection.EXPERT_TO_SCHOOL.value):
        seen.setdefault(e.expert_name or f"#{e.id}", []).append(e)
    return [Source(name, "；".join(f"{e.term} · {e.hours} h" for e in rows)) for name, rows in seen.items()]


def teachers_hosted(enterprise_id: int, year: int) -> list[Source]:
    seen: dict[str, list[Exchange]] = {}
    for e in _exchanges(enterprise_id, year, ExchangeDirection.TEACHER_TO_ENTERPRISE.value):
        seen.setdefault(e.teacher_name or f"#{e.id}", []).append(e)
    return [Source(name, "；".join(f"{e.term} · {e.hours} h" for e in rows)) for name, rows in seen.items()]


def training_delivered(enterprise_id: int, year: int) -> list[Source]:
    """Trainees of the staff-training cooperations that started in `year`."""
    first, last = _year_bounds(year)
    return [
        Source(c.title, f"{c.school.name} · {c.start_date}", c.seats)
        for c in _cooperations(enterprise_id, year, CooperationKind.STAFF_TRAINING.value)
        if first <= c.start_date <= last
    ]


def bases_shared(enterprise_id: int, year: int) -> list[Source]:
    return [
        Source(c.title, f"{c.school.name} · {c.start_date}")
        for c in _cooperations(enterprise_id, year, CooperationKind.TRAINING_BASE.value)
    ]


PARTICIPATION: tuple[tuple[str, object, object, Callable[[int, int], list[Source]]], ...] = (
    ("cooperations", _l("School–enterprise cooperations"), _l("cooperations"), cooperations),
    ("order_classes", _l("Order and named classes opened"), _l("classes"), order_classes),
    ("apprentices", _l("Apprentices whose training started"), _l("apprentices"), apprentices),
    ("interns_hosted", _l("Interns hosted"), _l("interns"), interns_hosted),
    ("interns_hired", _l("Interns hired"), _l("interns"), interns_hired),
    ("part_time_teachers", _l("Part-time teachers sent to schools"), _l("experts"), part_time_teachers),
    ("teachers_hosted", _l("Teachers hosted for enterprise practice"), _l("teachers"), teachers_hosted),
    ("training_delivered", _l("Staff trained with schools"), _l("trainees"), training_delivered),
    ("bases_shared", _l("Training bases shared"), _l("bases"), bases_shared),
)
FIGURE_KEYS = tuple(key for key, *_ in PARTICIPATION)


def figures(enterprise_id: int, year: int) -> list[ReportFigure]:
    return [
        ReportFigure(key, label, unit, compute(enterprise_id, year))
        for key, label, unit, compute in PARTICIPATION
    ]


def figure(enterprise_id: int, year: int, key: str) -> ReportFigure:
    for k, label, unit, compute in PARTICIPATION:
        if k == key:
            return ReportFigure(k, label, unit, compute(enterprise_id, year))
    raise NotFound(_l("No such figure."))


# --- the report the enterprise keeps ----------------------------------------------------------------


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= checks.district_today().year:
        raise NotFound(_l("No report for this year."))
    return year


def report_of(enterprise_id: int, year: int) -> EnterpriseReport | None:
    return db.session.scalar(
        select(EnterpriseReport).where(
            EnterpriseReport.enterprise_id == enterprise_id, EnterpriseReport.year == year
        )
    )


def _own(actor: User, year: int) -> EnterpriseReport:
    """The actor's enterprise's report for `year`, created (as a draft) the first time it is edited."""
    check_year(year)
    report = report_of(actor.organisation_id, year)
    if report is None:
        report = EnterpriseReport(enterprise_id=actor.organisation_id, year=year)
        db.session.add(report)
        db.session.flush()
    return report


@dataclass(frozen=True)
class ReportTexts:
    overview: str | None
    outcomes: str | None
    problems: str | None
    plans: str | None


def save_texts(actor: User, year: int, texts: ReportTexts) -> EnterpriseReport:
    problems = Problems()
    cleaned = {
        name: problems.check(checks.text, getattr(texts, name), field=name, max_length=TEXT_MAX)
        for name in ("overview", "outcomes", "problems", "plans")
    }
    problems.raise_if_any()
    report = _own(actor, year)
    for name, value in cleaned.items():
        setattr(report, name, value)
    db.session.flush()
    audit.record(actor, report, "edit", None, None, str(year), organisations=(report.enterprise_id,))
    return report


def add_investment(
    actor: User,
    year: int,
    kind: str | None,
    amount: int | None,
    description: str | None,
    evidence: bytes | None,
) -> ReportInvestment:
    problems = Problems()
    problems.check(checks.choice, kind, InvestmentKind, field="kind")
    if amount is None:
        problems.add(_l("Enter the amount in yuan as a whole number."), field="amount_yuan")
    else:
        problems.check(checks.integer, amount, field="amount_yuan", minimum=0, maximum=AMOUNT_MAX)
    description = problems.check(
        checks.text, description, field="description", max_length=DESCRIPTION_MAX, required=True
    )
    if not evidence:
        problems.add(
            _l("Attach the evidence (a contract, invoice or receipt as PDF, PNG or JPEG)."), field="evidence"
        )
        mime = None
    else:
        mime = problems.check(double_qualified.evidence_type, evidence)
    problems.raise_if_any()
    report = _own(actor, year)
    item = ReportInvestment(
        report_id=report.id,
        kind=kind,
        amount_yuan=amount,
        description=description,
        evidence=evidence,
        evidence_type=mime,
    )
    db.session.add(item)
    report.investments.append(item)
    db.session.flush()
    audit.record(
        actor, report, "investment", None, str(amount), description, organisations=(report.enterprise_id,)
    )
    return item


def remove_investment(actor: User, year: int, investment_id: int) -> None:
    report = _own(actor, year)
    item = db.session.get(ReportInvestment, investment_id)
    if item is None or item.report_id != report.id:
        raise NotFound(_l("Not found."))
    report.investments.remove(item)
    db.session.flush()
    audit.record(actor, report, "investment_removed", str(item.amount_yuan), None, item.description)


def investment_of(actor: User | None, investment_id: int, *, admin: bool = False) -> ReportInvestment:
    item = db.session.get(ReportInvestment, investment_id)
    if item is None or (not admin and (actor is None or item.report.enterprise_id != actor.organisation_id)):
        raise NotFound(_l("Not found."))
    return item


def publish(actor: User, year: int) -> EnterpriseReport:
    report = _own(actor, year)
    before = report.status
    report.status = ReportStatus.PUBLISHED.value
    report.published_at = utcnow()
    report.published_by_id = actor.id
    report.published_by_email = actor.email
    db.session.flush()
    audit.record(
        actor, report, "publish", before, report.status, str(year), organisations=(report.enterprise_id,)
    )
    return report


# --- what administrators read ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationRow:
    enterprise: Enterprise
    report: EnterpriseReport | None


def publication_list(year: int) -> list[PublicationRow]:
    """Every verified enterprise and its report for `year` (None: not started)."""
    check_year(year)
    enterprises = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrgKind.ENTERPRISE.value, Organisation.status == OrgStatus.VERIFIED.value)
        .order_by(Organisation.name)
    )
    reports = {
        r.enterprise_id: r
        for r in db.session.scalars(select(EnterpriseReport).where(EnterpriseReport.year == year))
    }
    return [PublicationRow(e, reports.get(e.id)) for e in enterprises]


def get_report(report_id: int) -> EnterpriseReport:
    report = db.session.get(EnterpriseReport, report_id)
    if report is None:
        raise NotFound(_l("Not found."))
    return report


# --- the .docx --------------------------------------------------------------------------------------


def docx(enterprise: Enterprise, year: int, report: EnterpriseReport | None) -> bytes:
    """The report as a Word document: the same sections and figures as the printable page."""
    document = Document()
    document.add_heading(
        _(
            "%(enterprise)s: yearly report on taking part in vocational education, %(year)s",
            enterprise=enterprise.name,
            year=year,
        ),
        level=1,
    )
    document.add_heading(_("1. The enterprise"), level=2)
    document.add_paragraph(report.overview if report and report.overview else "—")
    document.add_heading(_("2. How it took part"), level=2)
    table = document.add_table(rows=0, cols=3)
    for f in figures(enterprise.id, year):
        row = table.add_row().cells
        row[0].text, row[1].text = str(f.label), f"{f.value} {f.unit}"
        row[2].text = "；".join(f"{s.label}（{s.detail}）" for s in f.sources) or "—"
    document.add_heading(_("3. What it invested"), level=2)
    items = report.investments if report else []
    for item in items:
        document.add_paragraph(f"{item.kind_state.label}: {item.amount_yuan:,} 元 · {item.description}")
    if not items:
        document.add_paragraph("—")
    document.add_paragraph(_("Total: %(total)s yuan", total=f"{sum(i.amount_yuan for i in items):,}"))
    document.add_heading(_("4. Outcomes"), level=2)
    document.add_paragraph(report.outcomes if report and report.outcomes else "—")
    document.add_heading(_("5. Problems and plans"), level=2)
    document.add_paragraph(report.problems if report and report.problems else "—")
    document.add_paragraph(report.plans if report and report.plans else "—")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
