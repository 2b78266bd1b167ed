"""The road to 70 % double-qualified (双师型) teachers: each teacher's certification, enterprise
practice and certificates, and each school's distance to the plan's target.

The rules, from their sources (portal.rules.double_qualified):
- 《职业学校教师企业实践规定》(教师〔2016〕3号) Art. 4: a subject teacher (专业课, practice instructors
  included) spends at least six months in total in enterprises or on the production/service front line
  in every five years; public basic-course teachers visit enterprises regularly, with no duration. The
  ledger sums practice over the five years ending today (a rolling window) and compares it with six
  months, for subject teachers only.
- 教师厅〔2022〕2号 (《职业教育"双师型"教师基本标准（试行）》): 初级/中级/高级 certified through a
  provincial procedure or one the province delegates to schools. The school records the certification
  (level, date, body); the platform never decides it. No source makes "practice AND a certificate" a
  double-qualified teacher, so the platform no longer counts such teachers as "ready".
- The plan (莱芜政发〔2020〕5号, 一（二）) sets 70 % double-qualified among the full-time teachers of
  secondary vocational schools by 2022; the national measure counts the share among subject teachers.
  Both shares are shown.

How practice is measured: a period entered with dates counts its calendar days (overlapping
periods once), clipped to the window; a month is 365.25 / 12 days. A completed teacher-to-
enterprise exchange counts its hours, a month being 174 working hours (21.75 working days of
eight hours: 劳社部发〔2008〕3号, the national average month). Agreed exchanges not yet completed
are shown as planned and do not count.

Plain arguments in, objects out; writes flush, never commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.exchanges import services as exchanges
from portal.exchanges.models import Exchange, ExchangeDirection, ExchangeStatus
from portal.extensions import db
from portal.organisations.models import Organisation, OrgKind
from portal.platform import checks, uploads
from portal.platform.errors import NotFound, Problems
from portal.platform.i18n import lazy_gettext as _l
from portal.programs import records as school_records
from portal.programs.school_models import (
    CertificateKind,
    Employment,
    Teacher,
    TeacherCertificate,
    TeacherPractice,
)
from portal.rules import double_qualified as dq_rule

TARGET_PERCENT = dq_rule.PLAN_TARGET_PERCENT
MONTHS_NEEDED = dq_rule.PRACTICE_MONTHS
WINDOW_YEARS = dq_rule.PRACTICE_YEARS
DAYS_PER_MONTH = 365.25 / 12
HOURS_PER_MONTH = 174
EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
ENTERPRISE_MAX, NAME_MAX, LEVEL_MAX, TEXT_MAX = 120, 120, 30, 2000


def window_start(today: date) -> date:
    """The first day of the five years that end today."""
    try:
        return today.replace(year=today.year - WINDOW_YEARS) + timedelta(days=1)
    except ValueError:  # 29 February
        return date(today.year - WINDOW_YEARS, 3, 1)


# --- the ledger --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    """One period of practice: entered by the school (`practice`) or an exchange (`exchange`)."""

    source: str  # "entered" | "exchange"
    enterprise: str
    starts_on: date | None
    ends_on: date | None
    months: float  # counted in the window (0 for planned exchanges)
    planned: bool = False
    practice: TeacherPractice | None = None
    exchange: Exchange | None = None


@dataclass(frozen=True)
class Ledger:
    teacher: Teacher
    window: tuple[date, date]
    entries: list[LedgerEntry]
    certificates: list[TeacherCertificate]
    entered_days: int  # days covered by entered periods in the window, overlaps once
    exchange_hours: int  # hours of completed exchanges in the window

    @property
    def months(self) -> float:
        return practice_months(self.entered_days, self.exchange_hours)

    @property
    def months_missing(self) -> float:
        return round(max(0.0, MONTHS_NEEDED - self.months), 1)

    @property
    def planned_months(self) -> float:
        return round(sum(_exchange_months(e.exchange) for e in self.entries if e.planned), 1)

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificates)

    @property
    def practice_applies(self) -> bool:
        """Art. 4 of 教师〔2016〕3号 sets the six months for subject teachers only."""
        return self.teacher.subject_teacher

    @property
    def lacks(self) -> list[str]:
        """What Art. 4 asks that the records do not show yet: "practice" (subject teachers only)."""
        return ["practice"] if self.practice_applies and self.months_missing > 0 else []


def practice_months(days: int, hours: int) -> float:
    """Months of practice from calendar days of dated periods and hours of exchanges."""
    return round(days / DAYS_PER_MONTH + hours / HOURS_PER_MONTH, 1)


def _exchange_months(exchange: Exchange | None) -> float:
    return (exchange.hours or 0) / HOURS_PER_MONTH if exchange is not None else 0.0


def _union_days(periods: list[tuple[date, date]], start: date, end: date) -> int:
    """Calendar days covered by the periods inside [start, end], each day once."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in periods if b >= start and a <= end)
    days, reach = 0, None
    for a, b in clipped:
        if reach is not None and a <= reach:
            if b > reach:
                days += (b - reach).days
                reach = b
        else:
            days += (b - a).days + 1
            reach = b
    return days


def _practice_exchanges(teacher_ids: list[int]) -> dict[int, list[Exchange]]:
    rows = db.session.scalars(
        select(Exchange)
        .where(
            Exchange.teacher_id.in_(teacher_ids),
            Exchange.direction == ExchangeDirection.TEACHER_TO_ENTERPRISE.value,
            Exchange.status.in_((ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)),
        )
        .options(selectinload(Exchange.enterprise))
        .order_by(Exchange.id)
    )
    found: dict[int, list[Exchange]] = {}
    for exchange in rows:
        found.setdefault(exchange.teacher_id, []).append(exchange)
    return found


def ledgers(teachers: list[Teacher], today: date | None = None) -> dict[int, Ledger]:
    """Every teacher's ledger from three queries, whatever the number of teachers."""
    today = today or checks.district_today()
    start = window_start(today)
    ids = [t.id for t in teachers]
    periods: dict[int, list[TeacherPractice]] = {}
    for p in db.session.scalars(
        select(TeacherPractice)
        .where(TeacherPractice.teacher_id.in_(ids))
        .order_by(TeacherPractice.starts_on, TeacherPractice.id)
    ):
        periods.setdefault(p.teacher_id, []).append(p)
    certificates: dict[int, list[TeacherCertificate]] = {}
    for c in db.session.scalars(
        select(TeacherCertificate)
        .where(TeacherCertificate.teacher_id.in_(ids))
        .order_by(TeacherCertificate.issued_on.desc(), TeacherCertificate.id)
    ):
        certificates.setdefault(c.teacher_id, []).append(c)
    by_exchange = _practice_exchanges(ids)
    result = {}
    for teacher in teachers:
        own = periods.get(teacher.id, [])
        # Each period shows its own months in the window; the total counts overlapping days once.
        entries = [
            LedgerEntry(
                "entered",
                p.enterprise,
                p.starts_on,
                p.ends_on,
                round(_union_days([(p.starts_on, p.ends_on)], start, today) / DAYS_PER_MONTH, 1),
                practice=p,
            )
            for p in own
        ]
        hours = 0  # of the completed exchanges that count (completed inside the window)
        for e in by_exchange.get(teacher.id, []):
            completed = e.status == ExchangeStatus.COMPLETED.value
            counted = completed and e.completed_at is not None and e.completed_at.date() >= start
            hours += e.hours if counted else 0
            entries.append(
                LedgerEntry(
                    "exchange",
                    e.enterprise.name,
                    None,
                    e.completed_at.date() if e.completed_at else None,
                    round(_exchange_months(e), 1) if counted else 0.0,
                    planned=not completed,
                    exchange=e,
                )
            )
        entered_days = _union_days([(p.starts_on, p.ends_on) for p in own], start, today)
        result[teacher.id] = Ledger(
            teacher, (start, today), entries, certificates.get(teacher.id, []), entered_days, hours
        )
    return result


def ledger(staff: User, teacher_id: int, today: date | None = None) -> Ledger:
    teacher = school_records.get_own_teacher(staff, teacher_id)
    return ledgers([teacher], today)[teacher.id]


# --- recording -----------------------------------------------------------------------------------


def evidence_type(data: bytes | None) -> str | None:
    """A PDF, PNG or JPEG by its content (never its name); at most 2 MB."""
    if not data:
        return None
    return uploads.document_type(
        data,
        field="evidence",
        max_bytes=EVIDENCE_MAX_BYTES,
        too_large=_l("The evidence file is larger than 2 MB."),
        wrong_type=_l("The evidence must be a PDF, PNG or JPEG file."),
    )


def record_practice(
    staff: User,
    teacher_id: int,
    *,
    enterprise: str,
    starts_on: date | None,
    ends_on: date | None,
    description: str,
    evidence: bytes | None = None,
    today: date | None = None,
) -> TeacherPractice:
    """A period of enterprise practice with its evidence (a file, or a reference in the description)."""
    today = today or checks.district_today()
    teacher = school_records.get_own_teacher(staff, teacher_id)
    problems = Problems()
    enterprise = problems.check(
        checks.text, enterprise, field="enterprise", max_length=ENTERPRISE_MAX, required=True
    )
    description = problems.check(
        checks.text, description, field="description", max_length=TEXT_MAX, required=True
    )
    if starts_on is None:
        problems.add(_l("Enter the first day of the practice."), field="starts_on")
    if ends_on is None:
        problems.add(_l("Enter the last day of the practice."), field="ends_on")
    if starts_on and ends_on:
        if ends_on < starts_on:
            problems.add(_l("The last day cannot be before the first day."), field="ends_on")
        if ends_on > today:
            problems.add(
                _l("Only practice that has taken place counts; the last day is in the future."),
                field="ends_on",
            )
        if starts_on < today.replace(year=today.year - 30):
            problems.add(_l("The first day is too far in the past."), field="starts_on")
    mime = problems.check(evidence_type, evidence)
    problems.raise_if_any()
    practice = TeacherPractice(
        teacher_id=teacher.id,
        enterprise=enterprise,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        evidence=evidence or None,
        evidence_type=mime,
        recorded_by_id=staff.id,
    )
    db.session.add(practice)
    db.session.flush()
    audit.record(
        staff, teacher, "record_practice", None, f"{starts_on.isoformat()}–{ends_on.isoformat()}", enterprise
    )
    return practice


def add_certificate(
    staff: User,
    teacher_id: int,
    *,
    kind: str,
    name: str,
    level: str,
    issued_on: date | None,
    today: date | None = None,
) -> TeacherCertificate:
    today = today or checks.district_today()
    teacher = school_records.get_own_teacher(staff, teacher_id)
    problems = Problems()
    kind = problems.check(checks.choice, kind, CertificateKind, field="kind")
    name = problems.check(checks.text, name, field="name", max_length=NAME_MAX, required=True)
    level = problems.check(checks.text, level, field="level", max_length=LEVEL_MAX)
    if issued_on is None:
        problems.add(_l("Enter the date of issue."), field="issued_on")
    elif issued_on > today:
        problems.add(_l("The date of issue cannot be in the future."), field="issued_on")
    problems.raise_if_any()
    certificate = TeacherCertificate(
        teacher_id=teacher.id, kind=kind, name=name, level=level, issued_on=issued_on
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record(staff, teacher, "add_certificate", None, name, level or None)
    return certificate


def _own_record(model, staff: User, record_id: int):
    record = db.session.get(model, record_id)
    if record is None or record.teacher.school_id != staff.organisation_id:
        raise NotFound(_l("Record not found."))
    return record


def remove_practice(staff: User, practice_id: int) -> Teacher:
    practice = _own_record(TeacherPractice, staff, practice_id)
    teacher = practice.teacher
    audit.record(
        staff,
        teacher,
        "remove_practice",
        f"{practice.starts_on}–{practice.ends_on}",
        None,
        practice.enterprise,
    )
    db.session.delete(practice)
    db.session.flush()
    return teacher


def remove_certificate(staff: User, certificate_id: int) -> Teacher:
    certificate = _own_record(TeacherCertificate, staff, certificate_id)
    teacher = certificate.teacher
    audit.record(staff, teacher, "remove_certificate", certificate.name, None)
    db.session.delete(certificate)
    db.session.flush()
    return teacher


def evidence_of(staff: User, practice_id: int) -> TeacherPractice:
    practice = _own_record(TeacherPractice, staff, practice_id)
    if not practice.evidence:
        raise NotFound(_l("Record not found."))
    return practice


# --- a school's road to 70 % ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    ledger: Ledger
    posts: list = field(default_factory=list)  # exchanges.Suggestion, best first


@dataclass(frozen=True)
class Roadmap:
    full_time: int
    double_qualified: int
    candidates: list[Candidate]  # full-time teachers not yet certified, nearest first
    subject_teachers: int = 0  # full-time subject teachers (专业课/实习指导)
    subject_double_qualified: int = 0
    short_of_practice: int = 0  # full-time subject teachers short of Art. 4's six months
    # Of those, the ones already certified (the candidates list the others): Art. 4 asks them too.
    certified_short: list[Ledger] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """Of all full-time teachers, as the plan counts."""
        return round(100.0 * self.double_qualified / self.full_time, 1) if self.full_time else None

    @property
    def subject_share(self) -> float | None:
        """Of full-time subject teachers, as the national measure counts."""
        if not self.subject_teachers:
            return None
        return round(100.0 * self.subject_double_qualified / self.subject_teachers, 1)

    @property
    def needed(self) -> int:
        """How many more double-qualified teachers reach 70 % of the full-time teachers (the plan)."""
        return max(0, math.ceil(self.full_time * TARGET_PERCENT / 100) - self.double_qualified)


def _nearest_first(ledger: Ledger) -> tuple:
    return (not ledger.practice_applies, ledger.months_missing, ledger.teacher.name)


def standing(school: Organisation) -> Roadmap:
    """The school's full-time teachers and how many are double-qualified, from one count (its home
    shows the share against 70 %; the road itself, with each teacher's ledger, is `roadmap`)."""
    full_time, certified = db.session.execute(
        select(func.count(), func.count().filter(Teacher.double_qualified.is_(True))).where(
            Teacher.school_id == school.id, Teacher.employment == Employment.FULL_TIME.value
        )
    ).one()
    return Roadmap(full_time=full_time, double_qualified=certified, candidates=[])


def _full_time(school_ids) -> list[Teacher]:
    return list(
        db.session.scalars(
            select(Teacher)
            .where(Teacher.school_id.in_(school_ids), Teacher.employment == Employment.FULL_TIME.value)
            .order_by(Teacher.name, Teacher.id)
        )
    )


def practice_first(teachers: list[Teacher], today: date | None = None) -> set[int]:
    """Those of `teachers` whose practice counts most now: not yet double-qualified, or short of the
    six months of Art. 4 (the exchanges' suggestions give them the free places first)."""
    books = ledgers(teachers, today)
    return {t.id for t in teachers if not t.double_qualified or books[t.id].lacks}


def roadmap(school: Organisation, today: date | None = None) -> Roadmap:
    """The school's shares (of full-time and of subject teachers), its teachers not yet certified,
    nearest first, each with the practice posts the matcher suggests for them."""
    teachers = _full_time([school.id])
    subject = [t for t in teachers if t.subject_teacher]
    books = ledgers(
        subject + [t for t in teachers if not t.subject_teacher and not t.double_qualified], today
    )
    posts: dict[int, list] = {}
    if books:
        # The matcher's practice suggestions, as the exchange page computes them on demand.
        for suggestion in exchanges.practice_suggestions():
            if suggestion.offer.id in books:
                posts.setdefault(suggestion.offer.id, []).append(suggestion)
    candidates = sorted(
        (
            Candidate(books[t.id], posts.get(t.id, [])[:3])
            for t in teachers
            if t.id in books and not t.double_qualified
        ),
        key=lambda c: _nearest_first(c.ledger),
    )
    return Roadmap(
        full_time=len(teachers),
        double_qualified=sum(1 for t in teachers if t.double_qualified),
        candidates=candidates,
        subject_teachers=len(subject),
        subject_double_qualified=sum(1 for t in subject if t.double_qualified),
        short_of_practice=sum(1 for t in subject if books[t.id].months_missing > 0),
        certified_short=sorted(
            (books[t.id] for t in subject if t.double_qualified and books[t.id].months_missing > 0),
            key=lambda ledger: (ledger.months_missing, ledger.teacher.name),
        ),
    )


def district_rows(today: date | None = None) -> list[dict]:
    """One row per verified secondary vocational school (the plan's scope), for the dashboard and
    the yearly report, from one query whatever the number of schools and teachers: each full-time
    teacher with their practice periods, whether they hold a certificate and their completed
    exchange hours in the window (the same facts `ledgers` reads, aggregated)."""
    today = today or checks.district_today()
    start = window_start(today)
    exchange_hours = (
        select(func.coalesce(func.sum(Exchange.hours), 0))
        .where(
            Exchange.teacher_id == Teacher.id,
            Exchange.direction == ExchangeDirection.TEACHER_TO_ENTERPRISE.value,
            Exchange.status == ExchangeStatus.COMPLETED.value,
            Exchange.completed_at >= datetime.combine(start, time.min, tzinfo=UTC),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Teacher.id,
            Teacher.double_qualified,
            Teacher.subject_teacher,
            exchange_hours,
            TeacherPractice.starts_on,
            TeacherPractice.ends_on,
        )
        .outerjoin(
            Teacher,
            (Teacher.school_id == Organisation.id) & (Teacher.employment == Employment.FULL_TIME.value),
        )
        .outerjoin(TeacherPractice, TeacherPractice.teacher_id == Teacher.id)
        .where(
            Organisation.kind == OrgKind.SCHOOL.value,
            Organisation.is_verified,
            Organisation.school_kind == "secondary_vocational",
        )
        .order_by(Organisation.name, Organisation.id)
    ).all()
    schools: dict[int, dict] = {}
    for school_id, name, teacher_id, double, subject, hours, starts_on, ends_on in rows:
        schools.setdefault(school_id, {"school": name, "teachers": {}})
        if teacher_id is None:
            continue
        facts = schools[school_id]["teachers"].setdefault(
            teacher_id,
            {"double": bool(double), "subject": bool(subject), "hours": int(hours or 0), "periods": []},
        )
        if starts_on is not None:
            facts["periods"].append((starts_on, ends_on))
    result = []
    for school in schools.values():
        facts = list(school["teachers"].values())
        subject = [f for f in facts if f["subject"]]
        short = sum(
            1
            for f in subject
            if practice_months(_union_days(f["periods"], start, today), f["hours"]) < MONTHS_NEEDED
        )
        plan = Roadmap(
            full_time=len(facts),
            double_qualified=sum(1 for f in facts if f["double"]),
            candidates=[],
            subject_teachers=len(subject),
            subject_double_qualified=sum(1 for f in subject if f["double"]),
            short_of_practice=short,
        )
        result.append(
            {
                "school": school["school"],
                "full_time": plan.full_time,
                "double_qualified": plan.double_qualified,
                "share": plan.share,
                "subject_teachers": plan.subject_teachers,
                "subject_double_qualified": plan.subject_double_qualified,
                "subject_share": plan.subject_share,
                "target": TARGET_PERCENT,
                "needed": plan.needed,
                "short_of_practice": plan.short_of_practice,
            }
        )
    return result
