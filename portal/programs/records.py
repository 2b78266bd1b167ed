"""A school's teachers, teaching needs and training offers.

Owner checks live here: a record of another school is `NotFound`, exactly like
a missing one. Plain arguments in; flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations.models import School
from portal.organisations.services import ensure_can_publish
from portal.platform import checks
from portal.platform.errors import Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.owned import school_record
from portal.platform.queries import newest_first
from portal.programs.models import PublicationStatus
from portal.programs.school_models import (
    Degree,
    Employment,
    NeedStatus,
    TargetGroup,
    Teacher,
    TeachingNeed,
    TrainingOffer,
)
from portal.rules import double_qualified as dq_rule

NAME_MAX = 60
SUBJECTS_MAX = 200
TITLE_MAX = 100
TERM_MAX = 40
SCHEDULE_MAX = 200
TEXT_MAX = 4000
SKILLS_MAX = 1000
MAX_HOURS = 2000  # a full school year of teaching; more is a typo
MAX_TRAINEES = 1000


def _added(record):
    db.session.add(record)
    db.session.flush()
    return record


def _changed(record, values: dict[str, Any]):
    for key, value in values.items():
        setattr(record, key, value)
    db.session.flush()
    return record


# --- teachers -------------------------------------------------------------------


def teachers_of_school(school_id: int) -> list[Teacher]:
    return list(
        db.session.scalars(
            select(Teacher).where(Teacher.school_id == school_id).order_by(Teacher.name, Teacher.id)
        )
    )


def count_teachers(school_id: int) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Teacher).where(Teacher.school_id == school_id))
        or 0
    )


def get_own_teacher(staff: User, teacher_id: int) -> Teacher:
    return school_record(Teacher, staff, teacher_id, _l("Teacher not found."))


DQ_NOTE_MAX = 300
IMPORTED_NOTE = "导入：表格只写是/否，未写级别、认定日期和认定机构，请补录。"


@dataclass(frozen=True)
class Certification:
    """A 双师型 certification (教师厅〔2022〕2号): level, date, certifying body, note. Level "" is none."""

    level: str = ""
    certified_on: date | None = None
    certified_by: str = ""
    note: str = ""


def _certification(
    cert: Certification, *, subject_teacher: bool, employment: str | None, today: date, problems: Problems
) -> dict:
    """The certification's columns, every problem beside its field. A level needs its date and body,
    except "unknown" (a certification recorded before levels were, or a yes/no import)."""
    level = cert.level or None
    if level is not None and level not in dq_rule.LEVELS:
        problems.add(_l("Please choose a valid value."), field="dq_level")
        return {}
    note = problems.check(checks.text, cert.note, field="dq_note", max_length=DQ_NOTE_MAX) or None
    if level is None:
        return {
            "double_qualified": False,
            "dq_level": None,
            "dq_certified_on": None,
            "dq_certified_by": None,
            "dq_note": note,
        }
    if employment == Employment.FULL_TIME.value and not subject_teacher:
        problems.add(
            _l(
                "Double-qualified certification is for subject teachers (专业课, practice instructors "
                "included) and enterprise part-time teachers (%(source)s); a public basic-course teacher who "
                "teaches subject courses is certified as a subject teacher.",
                source=dq_rule.STANDARD_SOURCE,
            ),
            field="dq_level",
        )
    certified_by = cert.certified_by or None
    if level != "unknown":
        if cert.certified_on is None:
            problems.add(_l("Enter the date of the certification."), field="dq_certified_on")
        if certified_by is None:
            problems.add(
                _l("Say who certified: the province, or the school it delegated."), field="dq_certified_by"
            )
    if cert.certified_on is not None and cert.certified_on > today:
        problems.add(_l("The date of the certification cannot be in the future."), field="dq_certified_on")
    if certified_by is not None and certified_by not in dq_rule.BODIES:
        problems.add(_l("Please choose a valid value."), field="dq_certified_by")
    return {
        "double_qualified": True,
        "dq_level": level,
        "dq_certified_on": cert.certified_on,
        "dq_certified_by": certified_by,
        "dq_note": note,
    }


@dataclass(frozen=True)
class TeacherFields:
    """What a school enters for a teacher. `double_qualified` is the yes/no of a spreadsheet import:
    yes without a certification is recorded as level unknown, with a note asking for the rest."""

    name: str
    subjects: str = ""
    double_qualified: bool | None = None
    degree: str = Degree.BACHELOR.value
    employment: str = Employment.FULL_TIME.value
    open_to_practice: bool = False
    subject_teacher: bool = True
    certification: Certification | None = None


def _teacher_values(fields: TeacherFields, today: date | None = None) -> dict:
    """Every problem at once."""
    problems = Problems()
    values = {
        "name": problems.check(checks.text, fields.name, field="name", max_length=NAME_MAX, required=True),
        "subjects": problems.check(checks.text, fields.subjects, field="subjects", max_length=SUBJECTS_MAX),
        "degree": problems.check(checks.choice, fields.degree, Degree, field="degree"),
        "employment": problems.check(checks.choice, fields.employment, Employment, field="employment"),
        "open_to_practice": bool(fields.open_to_practice),
        "subject_teacher": bool(fields.subject_teacher),
    }
    certification = fields.certification
    if certification is None and fields.double_qualified is not None:
        certification = (
            Certification("unknown", note=IMPORTED_NOTE) if fields.double_qualified else Certification()
        )
    if certification is not None:
        values.update(
            _certification(
                certification,
                subject_teacher=bool(fields.subject_teacher),
                employment=values["employment"],
                today=today or checks.district_today(),
                problems=problems,
            )
        )
    problems.raise_if_any()
    return values


def create_teacher(school: School, **fields: Any) -> Teacher:
    """A teacher of `school` (`fields`: those of TeacherFields); without a certification, the
    yes/no `double_qualified` says whether to record one of level unknown."""
    data = TeacherFields(**fields)
    if data.certification is None:
        data = replace(data, double_qualified=bool(data.double_qualified))
    return _added(Teacher(school_id=school.id, **_teacher_values(data)))


def update_teacher(staff: User, teacher_id: int, **fields: Any) -> Teacher:
    """A teacher's record; the certification is changed only when one is given (or a yes/no)."""
    teacher = get_own_teacher(staff, teacher_id)
    values = _teacher_values(TeacherFields(**fields))
    before = teacher.dq_level
    _changed(teacher, values)
    if before != teacher.dq_level:
        audit.record(staff, teacher, "certify_double_qualified", before, teacher.dq_level)
    return teacher


def remove_teacher(staff: User, teacher_id: int) -> None:
    """A teacher who left the school; nothing else refers to a teacher yet."""
    db.session.delete(get_own_teacher(staff, teacher_id))
    db.session.flush()


# --- teaching needs -------------------------------------------------------------


def needs_of_school(school_id: int) -> list[TeachingNeed]:
    return newest_first(TeachingNeed.created_at, TeachingNeed.school_id == school_id)


def get_own_need(staff: User, need_id: int) -> TeachingNeed:
    return school_record(TeachingNeed, staff, need_id, _l("Teaching need not found."))


@dataclass(frozen=True)
class NeedFields:
    """What a school enters for a teaching need."""

    course: str
    hours: int
    skills: str = ""
    term: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    description: str = ""


def _need_values(fields: NeedFields, *, check_past: bool) -> dict:
    values = {
        "course": checks.text(fields.course, field="course", max_length=TITLE_MAX, required=True),
        "skills": checks.text(fields.skills, field="skills", max_length=SKILLS_MAX),
        "hours": checks.integer(fields.hours, field="hours", minimum=1, maximum=MAX_HOURS),
        "term": checks.text(fields.term, field="term", max_length=TERM_MAX),
        "description": checks.text(fields.description, field="description", max_length=TEXT_MAX),
        "starts_on": fields.starts_on,
        "ends_on": fields.ends_on,
    }
    checks.date_range(fields.starts_on, fields.ends_on, check_past=check_past)
    return values


def create_need(school: School, **fields: Any) -> TeachingNeed:
    """A teaching need of `school` (`fields`: those of NeedFields)."""
    return _added(TeachingNeed(school_id=school.id, **_need_values(NeedFields(**fields), check_past=True)))


def update_need(staff: User, need_id: int, **fields: Any) -> TeachingNeed:
    need = get_own_need(staff, need_id)
    data = NeedFields(**fields)
    return _changed(need, _need_values(data, check_past=data.ends_on != need.ends_on))


def set_need_status(staff: User, need_id: int, status: str) -> TeachingNeed:
    need = get_own_need(staff, need_id)
    status = checks.choice(status, NeedStatus, field="status")
    if not need.can(status):
        raise ServiceError(_l("Nothing to change."))
    transition(need, status)
    db.session.flush()
    return need


# --- training offers ------------------------------------------------------------


def offers_of_school(school_id: int, published_only: bool = False) -> list[TrainingOffer]:
    criteria = [TrainingOffer.school_id == school_id]
    if published_only:
        criteria.append(TrainingOffer.status == PublicationStatus.PUBLISHED.value)
    return newest_first(TrainingOffer.created_at, *criteria)


def get_own_offer(staff: User, offer_id: int) -> TrainingOffer:
    return school_record(TrainingOffer, staff, offer_id, _l("Training offer not found."))


@dataclass(frozen=True)
class OfferFields:
    """What a school enters for a training offer."""

    title: str
    target_groups: list[str] | tuple[str, ...]
    capacity: int
    hours: int = 0
    description: str = ""
    skills: str = ""
    schedule: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


def _offer_values(fields: OfferFields, *, check_past: bool) -> dict:
    groups = [checks.choice(g, TargetGroup, field="target_groups") for g in fields.target_groups]
    if not groups:
        raise ServiceError(_l("Choose at least one target group."), field="target_groups")
    values = {
        "title": checks.text(fields.title, field="title", max_length=TITLE_MAX, required=True),
        "description": checks.text(fields.description, field="description", max_length=TEXT_MAX),
        "skills": checks.text(fields.skills, field="skills", max_length=SKILLS_MAX),
        "target_groups": ",".join(dict.fromkeys(groups)),
        "capacity": checks.integer(fields.capacity, field="capacity", minimum=1, maximum=MAX_TRAINEES),
        "hours": checks.integer(fields.hours, field="hours", minimum=0, maximum=MAX_HOURS),
        "schedule": checks.text(fields.schedule, field="schedule", max_length=SCHEDULE_MAX),
        "starts_on": fields.starts_on,
        "ends_on": fields.ends_on,
    }
    checks.date_range(fields.starts_on, fields.ends_on, check_past=check_past)
    return values


def create_offer(school: School, **fields: Any) -> TrainingOffer:
    """A training offer of `school` (`fields`: those of OfferFields)."""
    return _added(TrainingOffer(school_id=school.id, **_offer_values(OfferFields(**fields), check_past=True)))


def update_offer(staff: User, offer_id: int, **fields: Any) -> TrainingOffer:
    offer = get_own_offer(staff, offer_id)
    data = OfferFields(**fields)
    return _changed(offer, _offer_values(data, check_past=data.ends_on != offer.ends_on))


def publish_offer(staff: User, offer_id: int) -> TrainingOffer:
    return publish_training_offer(get_own_offer(staff, offer_id))


def publish_training_offer(offer: TrainingOffer) -> TrainingOffer:
    """Only verified schools publish (the demo loader calls this directly)."""
    ensure_can_publish(offer.school)
    if not offer.can("publish"):
        raise ServiceError(_l("This training offer is already published."))
    transition(offer, PublicationStatus.PUBLISHED.value)
    db.session.flush()
    return offer


def close_offer(staff: User, offer_id: int) -> TrainingOffer:
    offer = get_own_offer(staff, offer_id)
    if not offer.can("close"):
        raise ServiceError(_l("This training offer is already closed."))
    transition(offer, PublicationStatus.CLOSED.value)
    db.session.flush()
    return offer
