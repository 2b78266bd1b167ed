"""Majors (专业): a school's staff keep them; only verified schools publish.

A major's name comes from the national catalogue (`portal.programs.catalogue`),
optionally followed by a direction in brackets; a code or an old name (alias) typed in
its place finds the 2021 major. A code, when given, must be the catalogue's code for
that name. Every saved major carries its catalogue code, level, 专业大类 and 专业类.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations.models import School
from portal.organisations.services import ensure_can_publish
from portal.platform import checks, jobs
from portal.platform.errors import Conflict, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.owned import school_record
from portal.programs import catalogue
from portal.programs.models import Program, PublicationStatus

MAX_INTAKE = 2000  # no secondary-vocational major takes more a year; larger is a typo
MAX_ENROLMENT = 3 * MAX_INTAKE  # three years of full intake
NAME_MAX = 80
CODE_MAX = 12
LONG_TEXT_MAX = 4000
LIST_TEXT_MAX = 1000
PARTNER_MAX = 120


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
            .where(School.is_verified)
            .order_by(School.name, Program.name)
        )
    )


def major_of_school(school_id: int, program_id: int) -> Program | None:
    program = db.session.get(Program, program_id)
    return program if program is not None and program.school_id == school_id else None


def get_own_program(staff: User, program_id: int) -> Program:
    return school_record(Program, staff, program_id, _l("Major not found."))


def _other_level(typed: str, entry: catalogue.CatalogueEntry, level: str, field: str) -> ServiceError:
    """`typed` stands only for `entry`, of the level the school does not teach: say so, and name
    the major of its level that corresponds (a twin, or a successor the alias table confirms), else
    those of the same 专业类, so the school can choose; never store the other level's major."""
    said = {
        "name": typed,
        "level": catalogue.level_name(entry.level),
        "major": entry.label,
        "school_level": catalogue.level_name(level),
    }
    ours = catalogue.counterpart(entry, level)
    if ours is not None:
        return ServiceError(
            _l(
                "%(name)s stands for the %(level)s major %(major)s in the 2021 catalogue, but your "
                "school teaches at %(school_level)s level. The %(school_level)s major that corresponds "
                "to it is %(counterpart)s: type or choose that one instead.",
                counterpart=ours.label,
                **said,
            ),
            field=field,
        )
    near = catalogue.same_class(entry, level)
    if near:
        return ServiceError(
            _l(
                "%(name)s stands for the %(level)s major %(major)s in the 2021 catalogue, but your "
                "school teaches at %(school_level)s level. Choose the %(school_level)s major your school "
                "teaches from the list; at your level its class (%(class_name)s) has %(majors)s.",
                class_name=catalogue.group_name(entry.class_name),
                majors=catalogue.label_list(near),
                **said,
            ),
            field=field,
        )
    return ServiceError(
        _l(
            "%(name)s stands for the %(level)s major %(major)s in the 2021 catalogue, but your school "
            "teaches at %(school_level)s level. Choose the %(school_level)s major your school teaches "
            "from the list.",
            **said,
        ),
        field=field,
    )


def _catalogue_major(name: str, code: str | None, level: str | None) -> tuple[str, catalogue.CatalogueEntry]:
    """The name to keep and its catalogue entry, from what the school typed or chose. `level`: the
    school's (None: it teaches both); a major of the other level is refused, never stored."""
    code = (checks.text(code, field="code", max_length=CODE_MAX) or "").upper()
    by_code = catalogue.entry_for_code(code) if code else None
    if code and by_code is None:
        raise ServiceError(
            _l("Unknown major code %(code)s: it is not in the national catalogue.", code=code),
            field="code",
        )
    if by_code is not None and level is not None and by_code.level != level:
        raise _other_level(code, by_code, level, "code")
    if by_code is not None and not (name or "").strip():
        name = by_code.name  # chosen from the grouped list alone
    name = checks.text(name, field="name", max_length=NAME_MAX, required=True)
    # The name field takes a 2021 name (a direction may follow), a code, or an old name the alias
    # table leads to its 2021 successor, read at the school's level first (学前教育 at a 中职 school
    # is the old name of 幼儿保育, not the 专科 major); a code chosen from the list gives the level.
    found = catalogue.resolve_for_school(name, by_code.level if by_code is not None else level)
    if found.entry is None and found.alias is not None and found.elsewhere is None and by_code is not None:
        # A major kept under an old name: the school chose its 2021 major from the list.
        found = catalogue.Resolution(by_code, direction=found.direction)
    if found.elsewhere is not None:  # read at a level, found only at the other one
        if by_code is None and level is not None:
            raise _other_level(name, found.elsewhere, level, "name")
        found = catalogue.Resolution(found.elsewhere, direction=found.direction)  # the code's major differs
    if found.choices:  # a school of both levels, and a name that reads at each (one per level)
        one, other = found.choices
        raise ServiceError(
            _l(
                "%(name)s is %(one)s or %(other)s in the 2021 catalogue: choose from the list the one "
                "your school teaches (each level has its own code).",
                name=name,
                one=catalogue.label_list([one], levels=True),
                other=catalogue.label_list([other], levels=True),
            ),
            field="name",
        )
    if found.entry is None:
        if found.alias is not None:
            raise ServiceError(
                _l(
                    "%(name)s is a name of the older lists with no confirmed successor in the 2021 "
                    "catalogue: choose the 2021 major that your school teaches instead.",
                    name=found.alias.old_name,
                ),
                field="name",
            )
        near = [e for e in catalogue.search(catalogue.base_name(name)) if level in (None, e.level)][:5]
        if near:  # a fragment ("焊接"): name the majors it could be
            raise ServiceError(
                _l(
                    "%(name)s is not a major of the national catalogue. Did you mean: %(majors)s?",
                    name=name,
                    majors="、".join(e.label for e in near),
                ),
                field="name",
            )
        raise ServiceError(
            _l(
                "Choose the major from the national catalogue; a direction may follow in brackets, "
                "e.g. 工业机器人技术应用（焊接机器人方向）."
            ),
            field="name",
        )
    entry = found.entry
    if by_code is not None and by_code.name != entry.name:
        raise ServiceError(
            _l(
                "Code %(code)s belongs to the major %(name)s in the catalogue.",
                code=code,
                name=by_code.name,
            ),
            field="code",
        )
    entry = by_code or entry
    name = found.name or entry.name
    if len(name) > NAME_MAX:
        raise ServiceError(_l("At most %(max)d characters.", max=NAME_MAX), field="name")
    return name, entry


@dataclass(frozen=True)
class MajorFields:
    """What a school enters for a major (its form, its spreadsheet row, the API's body)."""

    name: str
    code: str | None = None
    intake_capacity: int = 0
    description: str = ""
    skills: str = ""
    certificates: str = ""
    enrolment: int = 0
    facilities: str = ""
    partner_college: str = ""


def _checked(fields: MajorFields, level: str | None = None, problems: Problems | None = None) -> dict:
    """The major's values; every problem at once (into `problems` when given, else raised)."""
    own = problems is None
    problems = Problems() if problems is None else problems
    found = problems.check(_catalogue_major, fields.name, fields.code, level)
    values = {
        "intake_capacity": problems.check(
            checks.integer, fields.intake_capacity, field="intake_capacity", minimum=0, maximum=MAX_INTAKE
        ),
        "enrolment": problems.check(
            checks.integer, fields.enrolment, field="enrolment", minimum=0, maximum=MAX_ENROLMENT
        ),
        "description": problems.check(
            checks.text, fields.description, field="description", max_length=LONG_TEXT_MAX
        ),
        "skills": problems.check(checks.text, fields.skills, field="skills", max_length=LIST_TEXT_MAX),
        "certificates": problems.check(
            checks.text, fields.certificates, field="certificates", max_length=LIST_TEXT_MAX
        ),
        "facilities": problems.check(
            checks.text, fields.facilities, field="facilities", max_length=LONG_TEXT_MAX
        ),
        "partner_college": problems.check(
            checks.text, fields.partner_college, field="partner_college", max_length=PARTNER_MAX
        ),
    }
    if own:
        problems.raise_if_any()
    if found is None:
        return values
    name, entry = found
    return {
        "name": name,
        "code": entry.code,
        "level": entry.level,
        "category": entry.category,
        "major_class": entry.class_name,
        **values,
    }


def _ensure_unique(school_id: int, name: str, exclude_id: int | None = None) -> None:
    query = select(Program.id).where(Program.school_id == school_id, Program.name == name)
    if exclude_id is not None:
        query = query.where(Program.id != exclude_id)
    if db.session.scalar(query):
        raise Conflict(_l("Your school already has a major with this name."), field="name")


def create_program(school: School, **fields: Any) -> Program:
    """A new major of `school` (`fields`: those of MajorFields), saved as a draft. Every problem at
    once, the duplicate name too."""
    problems = Problems()
    values = _checked(MajorFields(**fields), catalogue.level_for_school_kind(school.school_kind), problems)
    if "name" in values:
        problems.check(_ensure_unique, school.id, values["name"])
    problems.raise_if_any()
    program = Program(school_id=school.id, **values)
    db.session.add(program)
    db.session.flush()
    return program


def update_program(staff: User, program_id: int, **fields: Any) -> Program:
    """A school's own major changed (`fields`: those of MajorFields)."""
    program = get_own_program(staff, program_id)
    values = _checked(MajorFields(**fields), catalogue.level_for_school_kind(program.school.school_kind))
    _ensure_unique(program.school_id, values["name"], exclude_id=program.id)
    for key, value in values.items():
        setattr(program, key, value)
    db.session.flush()
    if program.is_published:
        _recompute_proposals(program, staff)
    return program


def publish_program(program: Program, actor: User | None = None) -> Program:
    """Drafts and closed majors may be published, by a verified school only.

    `actor` is who publishes, for the audit log (None: the system, e.g. seed data).
    """
    ensure_can_publish(program.school)
    if not program.can("publish"):
        raise ServiceError(_l("This major is already published."))
    audit.step(actor, program, PublicationStatus.PUBLISHED.value, "publish")
    _recompute_proposals(program, actor)
    return program


def close_program(program: Program, actor: User | None = None) -> Program:
    """A closed major leaves the public pages; its students keep it."""
    if not program.can("close"):
        raise ServiceError(_l("This major is already closed."))
    transition(program, PublicationStatus.CLOSED.value)
    db.session.flush()
    _recompute_proposals(program, actor)
    return program


def _recompute_proposals(program: Program, actor: User | None) -> None:
    """A major's proposals depend on every live posting: ranking them is a job, never the request's."""
    jobs.submit("rank_programs", user=actor, args={"program_ids": [program.id]})


def move_to_successors() -> tuple[int, int]:
    """Majors kept under an old name (no code) whose name the alias table now leads to a 2021
    major take it: same row, so everything that points at the major keeps pointing at it. A school
    that already has the successor is left to choose. Returns (moved, still to choose). Flushes."""
    moved = left = 0
    flagged = db.session.scalars(select(Program).where(Program.code.is_(None)).order_by(Program.id))
    for program in list(flagged):
        found = catalogue.resolve_for_school(
            program.name, catalogue.level_for_school_kind(program.school.school_kind)
        )
        name = found.name
        if found.entry is None or len(name) > NAME_MAX:
            left += 1
            continue
        try:
            _ensure_unique(program.school_id, name, exclude_id=program.id)
        except Conflict:
            left += 1
            continue
        entry = found.entry
        program.name, program.code, program.level = name, entry.code, entry.level
        program.category, program.major_class = entry.category, entry.class_name
        db.session.flush()
        if program.is_published:
            _recompute_proposals(program, None)
        moved += 1
    return moved, left
