"""Majors (专业): a school's staff keep them; only verified schools publish."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import OrgStatus, Program, PublicationStatus, School, User
from portal.services.errors import Conflict, NotFound, ServiceError
from portal.services.organisations import ensure_can_publish

MAX_INTAKE = 2000  # no secondary-vocational major takes more a year; larger is a typo


def programs_of_school(school_id: int, published_only: bool = False) -> list[Program]:
    query = select(Program).where(Program.school_id == school_id).order_by(Program.name)
    if published_only:
        query = query.where(Program.status == PublicationStatus.PUBLISHED.value)
    return list(db.session.scalars(query))


def student_choices() -> list[Program]:
    """Majors a registering student may pick: those of verified schools."""
    return list(
        db.session.scalars(
            select(Program)
            .join(School, Program.school_id == School.id)
            .where(School.status == OrgStatus.VERIFIED.value)
            .order_by(School.name, Program.name)
        )
    )


def get_own_program(staff: User, program_id: int) -> Program:
    program = db.session.get(Program, program_id)
    if program is None or program.school_id != staff.organisation_id:
        raise NotFound(_l("Major not found."))
    return program


def create_program(
    school: School, *, name: str, code: str | None, intake_capacity: int, description: str
) -> Program:
    name = name.strip()
    if not 0 <= intake_capacity <= MAX_INTAKE:
        raise ServiceError(
            _l("Annual intake must be between 0 and %(n)d.", n=MAX_INTAKE), field="intake_capacity"
        )
    duplicate = db.session.scalar(
        select(Program.id).where(Program.school_id == school.id, Program.name == name)
    )
    if duplicate:
        raise Conflict(_l("Your school already has a major with this name."), field="name")
    program = Program(
        school_id=school.id,
        name=name,
        code=(code or "").strip() or None,
        intake_capacity=intake_capacity,
        description=description.strip(),
    )
    db.session.add(program)
    db.session.flush()
    return program


def publish_program(program: Program) -> Program:
    ensure_can_publish(program.school)
    if program.is_published:
        raise ServiceError(_l("This major is already published."))
    program.status = PublicationStatus.PUBLISHED.value
    db.session.flush()
    return program
