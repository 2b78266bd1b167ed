"""Use cases of 职业技能等级证书 (1+X).

Administrators keep the catalogue (by hand or from a spreadsheet; names are copied from the
assessment bodies' published lists, never typed in by a school). A school records which
certificates it is a pilot school or an exam site for, its exam sessions and each student's
result: a result recorded by the school is the verification, so a student's profile lists the
certificates passed and a student can never declare one. The district reads pass rates per
certificate and major; the matcher reads which certificates each major's students passed.

Plain arguments in, objects out; writes only flush. A school sees only its own sessions and
students: another school's id is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from portal.accounts.models import MembershipStatus, Role, User
from portal.audit import services as audit
from portal.certificates.models import (
    CertificateLevel,
    ExamResult,
    ExamSession,
    ExamSite,
    SiteRole,
    SkillCertificate,
)
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations.models import Organisation, OrgStatus
from portal.platform import checks, spreadsheets
from portal.platform.errors import Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.owned import school_record
from portal.platform.queries import newest_first
from portal.platform.spreadsheets import Column, SheetSpec
from portal.programs import catalogue
from portal.programs.models import Program

NAME_MAX = 120  # skill_certificate.name
ISSUER_MAX = 120  # skill_certificate.issuer
MAJORS_MAX = 2_000  # codes typed in one field

LEVEL_WORDS = {  # what people write in a spreadsheet's level column
    "初级": CertificateLevel.JUNIOR.value,
    "初": CertificateLevel.JUNIOR.value,
    "中级": CertificateLevel.INTERMEDIATE.value,
    "中": CertificateLevel.INTERMEDIATE.value,
    "高级": CertificateLevel.SENIOR.value,
    "高": CertificateLevel.SENIOR.value,
}


# --- the catalogue (administrators) --------------------------------------------------------


def _major_codes(raw: str, problems: Problems) -> str:
    """Comma-separated 2021 catalogue codes from codes or names separated by commas, 、 or spaces."""
    codes: list[str] = []
    for item in (raw or "").replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        entry = catalogue.entry_for_code(item.upper()) or catalogue.entry_for_name(item)
        if entry is None:
            problems.add(
                _l(
                    "“%(major)s” is not a major of the 2021 catalogue: enter its code or exact name.",
                    major=item,
                ),
                field="majors",
            )
            continue
        codes.append(entry.code)
    return ",".join(dict.fromkeys(codes))


def create_certificate(
    actor: User | None,
    name: str | None,
    level: str | None,
    issuer: str | None,
    majors: str | None,
    *,
    is_demo=False,
) -> SkillCertificate:
    problems = Problems()
    name = problems.check(checks.text, name, field="name", max_length=NAME_MAX, required=True)
    level = LEVEL_WORDS.get((level or "").strip(), (level or "").strip())
    problems.check(checks.choice, level, CertificateLevel, field="level")
    issuer = problems.check(checks.text, issuer, field="issuer", max_length=ISSUER_MAX, required=True)
    majors = problems.check(checks.text, majors, field="majors", max_length=MAJORS_MAX)
    codes = _major_codes(majors or "", problems)
    problems.raise_if_any()
    exists = db.session.scalar(
        select(SkillCertificate.id).where(SkillCertificate.name == name, SkillCertificate.level == level)
    )
    if exists is not None:
        raise ServiceError(_l("This certificate is already in the catalogue at this level."), field="name")
    certificate = SkillCertificate(name=name, level=level, issuer=issuer, majors=codes, is_demo=is_demo)
    return audit.created(actor, certificate, "create", level, name)


def all_certificates() -> list[SkillCertificate]:
    return list(
        db.session.scalars(select(SkillCertificate).order_by(SkillCertificate.name, SkillCertificate.level))
    )


CATALOGUE_SHEET = SheetSpec(
    name="skill-certificates",
    title=_l("Skill-level certificates"),
    columns=(
        Column("name", _l("Certificate name"), required=True, aliases=("证书名称", "名称", "证书")),
        Column("level", _l("Level"), required=True, aliases=("等级", "级别"), hint=_l("初级, 中级 or 高级")),
        Column(
            "issuer", _l("Assessment body"), required=True, aliases=("评价组织", "培训评价组织", "发证机构")
        ),
        Column(
            "majors",
            _l("Majors it fits"),
            aliases=("面向专业", "适用专业", "专业"),
            hint=_l("2021 catalogue codes or names, separated by 、 or commas"),
        ),
    ),
)


def import_certificates(actor: User, data: bytes, filename: str | None) -> int:
    """Every row through `create_certificate`, or nothing (a bad row refuses the whole file)."""
    return spreadsheets.import_rows(
        CATALOGUE_SHEET,
        data,
        filename,
        lambda values: create_certificate(
            actor, values.get("name"), values.get("level"), values.get("issuer"), values.get("majors", "")
        ),
    )


def get_certificate(certificate_id: int | None) -> SkillCertificate:
    certificate = db.session.get(SkillCertificate, certificate_id) if certificate_id else None
    if certificate is None:
        raise ServiceError(_l("Choose a certificate of the catalogue."), field="certificate_id")
    return certificate


# --- a school's sites, sessions and results -----------------------------------------------------


def sites_of(actor: User) -> list[ExamSite]:
    return list(
        db.session.scalars(
            select(ExamSite).where(ExamSite.school_id == actor.organisation_id).order_by(ExamSite.id)
        )
    )


def declare_site(actor: User, certificate_id: int | None, role: str | None) -> ExamSite:
    problems = Problems()
    problems.check(checks.choice, role, SiteRole, field="role")
    certificate = problems.check(get_certificate, certificate_id)
    problems.raise_if_any()
    exists = db.session.scalar(
        select(ExamSite.id).where(
            ExamSite.school_id == actor.organisation_id,
            ExamSite.certificate_id == certificate.id,
            ExamSite.role == role,
        )
    )
    if exists is not None:
        raise ServiceError(_l("Already recorded."), field="role")
    site = ExamSite(school_id=actor.organisation_id, certificate_id=certificate.id, role=role)
    return audit.created(actor, site, "create", role, certificate.label)


def sessions_of(actor: User) -> list[ExamSession]:
    return newest_first(ExamSession.held_on, ExamSession.school_id == actor.organisation_id)


def get_session(actor: User, session_id: int) -> ExamSession:
    return school_record(ExamSession, actor, session_id, _l("Exam session not found."))


def create_session(
    actor: User, certificate_id: int | None, held_on: date | None, *, is_demo=False
) -> ExamSession:
    problems = Problems()
    certificate = problems.check(get_certificate, certificate_id)
    if held_on is None:
        problems.add(_l("Enter the date of the session."), field="held_on")
    elif held_on > checks.district_today():
        problems.add(_l("Record a session once it has taken place."), field="held_on")
    problems.raise_if_any()
    session = ExamSession(
        school_id=actor.organisation_id, certificate_id=certificate.id, held_on=held_on, is_demo=is_demo
    )
    return audit.created(actor, session, "create", str(held_on), certificate.label)


def students_of(actor: User) -> list[User]:
    """The school's confirmed students, who can have a result."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.role == Role.STUDENT.value,
                User.membership_status == MembershipStatus.ACTIVE.value,
            )
            .order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True)
class ResultInput:
    student_id: int | None
    passed: bool | None


def record_results(actor: User, session_id: int, results: list[ResultInput]) -> int:
    """Record (or correct) the results of the session's students; returns how many were written."""
    session = get_session(actor, session_id)
    own = {s.id: s for s in students_of(actor)}
    problems = Problems()
    for item in results:
        if item.student_id not in own:
            problems.add(_l("Choose one of your school's confirmed students."), field="student_id")
        if item.passed is None:
            problems.add(_l("Say whether the student passed."), field="passed")
    if not results:
        problems.add(_l("Enter at least one result."), field="student_id")
    problems.raise_if_any()
    existing = {r.student_id: r for r in session.results}
    for item in results:
        student = own[item.student_id]
        result = existing.get(student.id)
        if result is None:
            result = ExamResult(session_id=session.id, student_id=student.id)
            db.session.add(result)
            session.results.append(result)
        result.passed = bool(item.passed)
        result.program_id = student.program_id
        result.recorded_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        session,
        "results",
        None,
        f"{sum(1 for r in results if r.passed)}/{len(results)}",
        organisations=(session.school_id,),
    )
    return len(results)


def earned_by(student: User) -> list[ExamResult]:
    """The certificates a student passed, as their school recorded them (their profile lists them)."""
    return list(
        db.session.scalars(
            select(ExamResult)
            .join(ExamSession, ExamSession.id == ExamResult.session_id)
            .where(
                ExamResult.student_id == student.id,
                ExamResult.passed.is_(True),
                ExamSession.school_id == student.organisation_id,
            )
            .order_by(ExamSession.held_on.desc())
        )
    )


# --- the district's pass rates and the matcher's evidence -------------------------------------------


def _counted_results():
    return (
        select(ExamResult)
        .join(ExamSession, ExamSession.id == ExamResult.session_id)
        .join(Organisation, Organisation.id == ExamSession.school_id)
        .where(organisations.in_plan_scope())
    )


@dataclass(frozen=True)
class PassRate:
    certificate: str
    major: str
    passed: int
    sat: int

    @property
    def percent(self) -> float | None:
        return None if not self.sat else round(100.0 * self.passed / self.sat, 1)


def district_totals() -> dict[str, object]:
    """Results passed and recorded, as scalar SELECTs the dashboard reads with its others at once."""
    counted = _counted_results().subquery()
    return {
        "certificates_passed": select(
            func.coalesce(func.sum(case((counted.c.passed.is_(True), 1), else_=0)), 0)
        ),
        "certificates_sat": select(func.count(counted.c.id)),
    }


def pass_totals() -> tuple[int, int]:
    """(passed, sat) over every result of verified secondary vocational schools."""
    counted = _counted_results().subquery()
    passed, sat = db.session.execute(
        select(
            func.coalesce(func.sum(case((counted.c.passed.is_(True), 1), else_=0)), 0),
            func.count(counted.c.id),
        )
    ).one()
    return int(passed), int(sat)


def pass_rates() -> list[PassRate]:
    """Per certificate (at its level) and major: passed of sat."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    query = (
        select(SkillCertificate, Program.name, ExamResult.passed)
        .join(ExamSession, ExamSession.id == ExamResult.session_id)
        .join(SkillCertificate, SkillCertificate.id == ExamSession.certificate_id)
        .join(Organisation, Organisation.id == ExamSession.school_id)
        .outerjoin(Program, Program.id == ExamResult.program_id)
        .where(organisations.in_plan_scope())
    )
    for certificate, major, passed in db.session.execute(query):
        row = counts[(certificate.label, major or "—")]
        row[0] += int(bool(passed))
        row[1] += 1
    return [PassRate(c, m, p, s) for (c, m), (p, s) in sorted(counts.items())]


def certified_by_program() -> dict[int, tuple[str, ...]]:
    """Per major: the names of the certificates its students passed, as recorded by their verified
    school. The matcher reads it as evidence for postings that ask for those certificates."""
    query = (
        select(ExamResult.program_id, SkillCertificate.name)
        .join(ExamSession, ExamSession.id == ExamResult.session_id)
        .join(SkillCertificate, SkillCertificate.id == ExamSession.certificate_id)
        .join(Organisation, Organisation.id == ExamSession.school_id)
        .where(
            ExamResult.passed.is_(True),
            ExamResult.program_id.is_not(None),
            Organisation.status == OrgStatus.VERIFIED.value,
        )
        .distinct()
        .order_by(ExamResult.program_id, SkillCertificate.name)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for program_id, name in db.session.execute(query):
        found[program_id].append(name)
    return {k: tuple(v) for k, v in found.items()}
