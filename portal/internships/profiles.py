"""Student profiles: the student keeps one (with consent), deletes it at will; the school reads its
students' profiles, an enterprise only those of students who applied to it or who opted in to be
found, and each of its views is written to the audit log (个人信息保护法: purpose, consent, deletion,
a record of who saw what)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.internships.models import Placement
from portal.internships.profile_models import StudentProfile
from portal.organisations.models import Organisation
from portal.platform import checks, uploads, vocab
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import lock_row
from portal.platform.model_base import utcnow

STATEMENT_MAX = 1000
LINES_MAX = 20
CV_MAX_BYTES = 2 * 1024 * 1024
_SEPARATORS = re.compile(r"\s*[,，、|｜;；]\s*")  # the hint's 、 too, as people write lists
# 2025-06, 2025.6, 2025/06, 2025年6月 (a day may follow): a month as people write it.
_LOOSE_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:\s*[-./]?\s*(\d{1,2})\s*日?)?$")


def _month(text: str) -> str | None:
    found = _LOOSE_DATE.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return f"{found.group(1)}-{int(found.group(2)):02d}"


@dataclass(frozen=True)
class ProfileInput:
    entry_year: int | None
    hometown: str
    statement: str
    certificates: str  # one a line: name, level, date (YYYY-MM)
    awards: str  # one a line: level, event, prize
    discoverable: bool
    consent: bool


def _lines(raw: str, field: str, keys: tuple[str, ...], problems: Problems, *, dated: bool) -> list[dict]:
    rows = []
    for number, line in enumerate((raw or "").splitlines(), start=1):
        line = checks.text(line, field=field, max_length=200)
        if not line:
            continue
        parts = _SEPARATORS.split(line)
        if len(parts) != len(keys) or not all(parts):
            problems.add(
                _l("Line %(n)d: write %(parts)d parts separated by commas.", n=number, parts=len(keys)),
                field=field,
            )
            continue
        if dated:
            month = _month(parts[-1])
            if month is None:
                problems.add(
                    _l("Line %(n)d: write the date as 2025-06 (year and month).", n=number), field=field
                )
                continue
            parts[-1] = month
        rows.append(dict(zip(keys, parts)))
    if len(rows) > LINES_MAX:
        problems.add(_l("At most %(max)d lines.", max=LINES_MAX), field=field)
    return rows


def check_cv(data: bytes | None) -> bytes | None:
    """A PDF by its content (magic bytes), never by its name; at most 2 MB."""
    if not data:
        return None
    if len(data) > CV_MAX_BYTES:
        raise ServiceError(_l("The CV is larger than 2 MB."), field="cv")
    if uploads.content_type(data) != "application/pdf":
        raise ServiceError(_l("The CV must be a PDF file."), field="cv")
    uploads.refuse_polyglot(data, "application/pdf", field="cv")
    return data


def own(student: User) -> StudentProfile | None:
    return db.session.scalar(select(StudentProfile).where(StudentProfile.student_id == student.id))


def save(
    student: User, data: ProfileInput, cv: bytes | None = None, *, today: date | None = None
) -> StudentProfile:
    """Create or update the student's profile; nothing is kept without consent."""
    if student.role != Role.STUDENT.value:
        raise NotFound(_l("Profile not found."))
    today = today or checks.district_today()
    problems = Problems()
    if not data.consent:
        problems.add(_l("Agree to the use of your profile to save it."), field="consent")
    if data.entry_year is not None:
        problems.check(
            checks.integer, data.entry_year, field="entry_year", minimum=today.year - 10, maximum=today.year
        )
    if data.hometown and data.hometown not in vocab.TOWNS:
        problems.add(_l("Please choose a valid value."), field="hometown")
    statement = problems.check(checks.text, data.statement, field="statement", max_length=STATEMENT_MAX)
    certificates = _lines(data.certificates, "certificates", ("name", "level", "date"), problems, dated=True)
    awards = _lines(data.awards, "awards", ("level", "event", "prize"), problems, dated=False)
    cv = problems.check(check_cv, cv)
    problems.raise_if_any()
    profile = own(student)
    created = profile is None
    if created:
        profile = StudentProfile(student_id=student.id, consent_at=utcnow())
        db.session.add(profile)
    profile.entry_year, profile.hometown, profile.statement = (
        data.entry_year,
        data.hometown or None,
        statement,
    )
    profile.certificates, profile.awards, profile.discoverable = certificates, awards, bool(data.discoverable)
    if cv is not None:
        profile.cv = cv
    db.session.flush()
    audit.record(
        student,
        profile,
        "create" if created else "update",
        None,
        None,
        organisations=[student.organisation_id] if student.organisation_id else (),
    )
    return profile


def delete(student: User) -> None:
    """The student withdraws consent: the profile and its CV are deleted, not hidden."""
    profile = own(student)
    if profile is None:
        raise NotFound(_l("Profile not found."))
    audit.record(student, profile, "delete", None, None)
    db.session.delete(profile)
    db.session.flush()


def _verified_member(viewer: User) -> bool:
    """Only an active member of an organisation an administrator has verified reads anything about a
    student: a registration made a moment ago is nobody yet (most of these students are minors)."""
    return viewer.is_member_active and viewer.organisation is not None and viewer.organisation.is_verified


def _may_see(viewer: User, student: User, profile: StudentProfile | None) -> bool:
    if student.role != Role.STUDENT.value:
        return False
    if viewer.id == student.id:
        return viewer.is_member_active
    if not _verified_member(viewer):
        return False
    if viewer.role == Role.SCHOOL_STAFF.value:
        return viewer.organisation_id == student.organisation_id
    if viewer.role == Role.ENTERPRISE_HR.value and profile is not None:
        return (
            profile.discoverable
            or db.session.scalar(
                select(Placement.id)
                .where(Placement.student_id == student.id, Placement.enterprise_id == viewer.organisation_id)
                .limit(1)
            )
            is not None
        )
    return False


class TooManyDownloads(ServiceError):
    status_code = 429


def cv_downloads_today(enterprise_id: int) -> int:
    """CVs the enterprise's people downloaded since midnight in the district, read from the audit log
    (the record that cannot be changed, so the count survives restarts and is shared by all workers)."""
    midnight = datetime.combine(checks.district_today(), time(), tzinfo=checks.DISTRICT_TZ)
    return db.session.scalar(
        select(func.count(AuditEntry.id))
        .join(User, User.id == AuditEntry.actor_id)
        .where(
            AuditEntry.action == "view_cv",
            AuditEntry.created_at >= midnight.astimezone(UTC),
            User.organisation_id == enterprise_id,
        )
    )


def _within_cv_limit(viewer: User) -> None:
    """At most CV_DOWNLOADS_PER_DAY CVs a day per enterprise: a harvester is stopped, an employer reading
    its applicants is not. The enterprise's row is locked while counting, so parallel downloads cannot
    pass the limit together."""
    limit = current_app.config["CV_DOWNLOADS_PER_DAY"]
    lock_row(Organisation, viewer.organisation_id)
    if cv_downloads_today(viewer.organisation_id) >= limit:
        raise TooManyDownloads(
            _l(
                "Your enterprise has downloaded %(limit)d CVs today, the most allowed in a day. "
                "You can still read the profiles; CVs can be downloaded again tomorrow.",
                limit=limit,
            )
        )


def view(viewer: User, student_id: int, *, what: str = "view_profile") -> tuple[User, StudentProfile | None]:
    """The student and their profile, for those who may see it; an enterprise's view is logged."""
    student = db.session.get(User, student_id)
    profile = own(student) if student is not None else None
    if student is None or not _may_see(viewer, student, profile):
        raise NotFound(_l("Profile not found."))
    if viewer.role == Role.ENTERPRISE_HR.value:
        if what == "view_cv":
            _within_cv_limit(viewer)
        audit.record(viewer, profile, what, None, None, organisations=[student.organisation_id])
    return student, profile


def discoverable(hr: User) -> list[StudentProfile]:
    """Profiles whose students opted in to be found by enterprises (only their names are listed)."""
    if hr.role != Role.ENTERPRISE_HR.value or not _verified_member(hr):
        return []
    return list(
        db.session.scalars(
            select(StudentProfile)
            .where(StudentProfile.discoverable.is_(True))
            .order_by(StudentProfile.updated_at.desc())
        )
    )
