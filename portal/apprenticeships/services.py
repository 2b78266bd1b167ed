"""Modern apprenticeship allocation (现代学徒制): one explicit state machine.

    programme:  draft --open--> open --close--> closed
                open/closed --preview (any number of times)--> preview runs
                open/closed --publish one preview--> closed + frozen (final)

- School staff of the cooperation's school create the programme, open and close it,
  run previews and publish one; staff of either partner add places (site or mentor).
- Confirmed students of that school rank places while the programme is open and the
  application window runs; nothing changes once the programme is frozen.
- The enterprise ranks each place's applicants, or lets the matcher rank them by the
  similarity of the student's profile (their major) to the place.
- A run stores its inputs and the library's result; publishing a preview whose inputs
  are out of date is refused, so the published result is exactly what the stored
  inputs give. Students see results only once published.

A foreign id is NotFound; an illegal step raises ServiceError before anything changes.
Services flush, never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.apprenticeships.models import (
    AllocationRun,
    ApprenticeChoice,
    ApprenticePlace,
    ApprenticeshipProgramme,
    EnterpriseRanking,
    ProgrammeStatus,
    RankedBy,
    RunStatus,
    UnplacedReason,
)
from portal.audit import services as audit
from portal.extensions import db
from portal.notifications import services as notifications
from portal.partnerships import cooperations
from portal.partnerships import matching as matcher
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.platform.checks import district_today, labelled_text
from portal.platform.errors import Conflict, NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow
from portal.platform.queries import newest_first
from portal.postings.models import TECH_TITLES

NAME_MAX = 120
TEXT_MAX = 2000
CAPACITY_MAX = 999

# Why a student got no place, for the student, in their language (staff read `UnplacedReason`).
REASON_MESSAGES: dict[str, Any] = {
    UnplacedReason.CAPACITY.value: _l(
        "The places you ranked were all filled by applicants they ranked higher than you."
    ),
    UnplacedReason.NOT_ACCEPTABLE.value: _l(
        "Nothing you ranked fits: the places you ranked did not accept your application."
    ),
    UnplacedReason.NO_PREFERENCES.value: _l("You did not rank any place."),
    UnplacedReason.ENTERPRISE_CAP.value: _l("The enterprise had no room left for you across its places."),
}
# --- who may see what ----------------------------------------------------------------


def _is_staff_of(actor: User, role: Role, organisation_id: int) -> bool:
    return (
        actor.role == role.value
        and actor.is_member_active
        and not actor.disabled
        and actor.organisation_id == organisation_id
    )


def _not_found() -> NotFound:
    return NotFound(_l("Apprenticeship programme not found."))


def get_for_school(actor: User, programme_id: int) -> ApprenticeshipProgramme:
    programme = db.session.get(ApprenticeshipProgramme, programme_id)
    if programme is None or not _is_staff_of(actor, Role.SCHOOL_STAFF, programme.school_id):
        raise _not_found()
    return programme


def get_for_enterprise(actor: User, programme_id: int) -> ApprenticeshipProgramme:
    programme = db.session.get(ApprenticeshipProgramme, programme_id)
    if programme is None or not _is_staff_of(actor, Role.ENTERPRISE_HR, programme.enterprise_id):
        raise _not_found()
    return programme


def get_for_partner(actor: User, programme_id: int) -> ApprenticeshipProgramme:
    programme = db.session.get(ApprenticeshipProgramme, programme_id)
    if programme is None or not (
        _is_staff_of(actor, Role.SCHOOL_STAFF, programme.school_id)
        or _is_staff_of(actor, Role.ENTERPRISE_HR, programme.enterprise_id)
    ):
        raise _not_found()
    return programme


def get_for_student(student: User, programme_id: int) -> ApprenticeshipProgramme:
    """A programme of the student's own school that has been opened; anything else does not exist."""
    programme = db.session.get(ApprenticeshipProgramme, programme_id)
    if (
        programme is None
        or programme.status == ProgrammeStatus.DRAFT.value
        or not _is_staff_of(student, Role.STUDENT, programme.school_id)
    ):
        raise _not_found()
    return programme


def get_place_for_enterprise(actor: User, place_id: int) -> ApprenticePlace:
    place = db.session.get(ApprenticePlace, place_id)
    if place is None or not _is_staff_of(actor, Role.ENTERPRISE_HR, place.programme.enterprise_id):
        raise NotFound(_l("Place not found."))
    return place


def apprenticeship_cooperations(actor: User) -> list[Cooperation]:
    """The school's active apprenticeship cooperations (a programme hangs on one)."""
    if actor.role != Role.SCHOOL_STAFF.value or actor.organisation_id is None:
        return []
    return cooperations.active_of_school(actor.organisation_id, CooperationKind.APPRENTICESHIP.value)


def _programmes(*conditions) -> list[ApprenticeshipProgramme]:
    return newest_first(ApprenticeshipProgramme.created_at, *conditions)


def programmes_of_school(actor: User) -> list[ApprenticeshipProgramme]:
    return _programmes(ApprenticeshipProgramme.school_id == actor.organisation_id)


def programmes_of_enterprise(actor: User) -> list[ApprenticeshipProgramme]:
    return _programmes(ApprenticeshipProgramme.enterprise_id == actor.organisation_id)


def programmes_for_student(student: User) -> list[ApprenticeshipProgramme]:
    if not _is_staff_of(student, Role.STUDENT, student.organisation_id or -1):
        return []
    return _programmes(
        ApprenticeshipProgramme.school_id == student.organisation_id,
        ApprenticeshipProgramme.status != ProgrammeStatus.DRAFT.value,
    )


# --- input checks ----------------------------------------------------------------------


def _text(value: str | None, label, *, field: str, limit: int = TEXT_MAX, required: bool = False) -> str:
    return labelled_text(value, label, field=field, max_length=limit, required=required)


def _window(opens_on: date | None, closes_on: date | None) -> tuple[date, date]:
    if opens_on is None or closes_on is None:
        raise ServiceError(_l("Give the first and the last day of the application window."), field="opens_on")
    if closes_on < opens_on:
        raise ServiceError(
            _l("The application window must end on or after the day it opens."), field="closes_on"
        )
    return opens_on, closes_on


def _require_not_frozen(programme: ApprenticeshipProgramme) -> None:
    if programme.is_frozen:
        raise ServiceError(_l("The allocation has been published; this programme can no longer change."))


def _partners(programme: ApprenticeshipProgramme) -> list[int]:
    return [programme.school_id, programme.enterprise_id]


# --- the programme ----------------------------------------------------------------------


def create_programme(
    actor: User,
    cooperation_id: int,
    *,
    name: str,
    description: str = "",
    opens_on: date | None,
    closes_on: date | None,
) -> ApprenticeshipProgramme:
    cooperation = db.session.get(Cooperation, cooperation_id)
    if cooperation is None or not _is_staff_of(actor, Role.SCHOOL_STAFF, cooperation.school_id):
        raise NotFound(_l("Cooperation not found."))
    if cooperation.kind != CooperationKind.APPRENTICESHIP.value:
        raise ServiceError(
            _l("Only a modern apprenticeship cooperation can hold an apprenticeship programme.")
        )
    if cooperation.status != CooperationStatus.ACTIVE.value:
        raise ServiceError(_l("This cooperation has ended."))
    name = _text(name, _l("Name"), field="name", limit=NAME_MAX, required=True)
    description = _text(description, _l("Description"), field="description")
    opens_on, closes_on = _window(opens_on, closes_on)
    programme = ApprenticeshipProgramme(
        cooperation_id=cooperation.id,
        school_id=cooperation.school_id,
        enterprise_id=cooperation.enterprise_id,
        name=name,
        description=description,
        opens_on=opens_on,
        closes_on=closes_on,
        status=ProgrammeStatus.DRAFT.value,
    )
    return audit.created(actor, programme, "create")


def add_place(
    actor: User,
    programme_id: int,
    *,
    site: str = "",
    mentor_name: str = "",
    mentor_title: str = "",
    mentor_skills: str = "",
    capacity: int | None,
    description: str = "",
) -> ApprenticePlace:
    """Staff of either partner add places at a site or with a mentor, until the allocation is published."""
    programme = get_for_partner(actor, programme_id)
    _require_not_frozen(programme)
    site = _text(site, _l("Site"), field="site", limit=120)
    mentor_name = _text(mentor_name, _l("Mentor (师傅)"), field="mentor_name", limit=40)
    if not site and not mentor_name:
        raise ServiceError(_l("Give the site, the mentor, or both."), field="site")
    mentor_title = (mentor_title or "").strip()
    if mentor_title and mentor_title not in TECH_TITLES:
        raise ServiceError(_l("Choose a title from the list."), field="mentor_title")
    mentor_skills = _text(mentor_skills, _l("Mentor's skills"), field="mentor_skills", limit=200)
    description = _text(description, _l("Description"), field="description")
    if capacity is None or not 0 <= capacity <= CAPACITY_MAX:
        raise ServiceError(_l("Places must be between 0 and %(n)d.", n=CAPACITY_MAX), field="capacity")
    place = ApprenticePlace(
        programme=programme,
        site=site,
        mentor_name=mentor_name,
        mentor_title=mentor_title,
        mentor_skills=mentor_skills,
        capacity=capacity,
        description=description,
        ranked_by=RankedBy.MATCHER.value,
        added_by_organisation_id=actor.organisation_id,
    )
    db.session.add(place)
    db.session.flush()
    audit.record(
        actor, ("apprentice_place", place.id), "create", None, None, organisations=_partners(programme)
    )
    return place


def _set_status(actor: User, programme: ApprenticeshipProgramme, step: str) -> ApprenticeshipProgramme:
    _require_not_frozen(programme)
    if not programme.can(step):
        raise ServiceError(
            _l("This programme is %(status)s: that step is not possible now.", status=programme.state.label)
        )
    audit.step(
        actor, programme, (ProgrammeStatus.OPEN if step == "open" else ProgrammeStatus.CLOSED).value, step
    )
    return programme


def open_programme(actor: User, programme_id: int) -> ApprenticeshipProgramme:
    programme = get_for_school(actor, programme_id)
    if programme.status == ProgrammeStatus.DRAFT.value and not any(p.capacity > 0 for p in programme.places):
        raise ServiceError(_l("Add at least one place before opening the programme."))
    return _set_status(actor, programme, "open")


def close_programme(actor: User, programme_id: int) -> ApprenticeshipProgramme:
    return _set_status(actor, get_for_school(actor, programme_id), "close")


def accepts_choices(programme: ApprenticeshipProgramme, today: date | None = None) -> bool:
    today = today or district_today()
    return (
        programme.status == ProgrammeStatus.OPEN.value
        and not programme.is_frozen
        and programme.opens_on <= today <= programme.closes_on
    )


# --- students' choices -------------------------------------------------------------------


def choices_of(student: User, programme: ApprenticeshipProgramme) -> list[ApprenticeChoice]:
    return list(
        db.session.scalars(
            select(ApprenticeChoice)
            .where(ApprenticeChoice.programme_id == programme.id, ApprenticeChoice.student_id == student.id)
            .order_by(ApprenticeChoice.rank)
        )
    )


def set_choices(student: User, programme_id: int, ranks: dict[int, int]) -> list[ApprenticeChoice]:
    """Replace the student's ranking: `ranks` maps place id → rank (1 = most wanted).

    Ranks need not be consecutive, only distinct; they are stored as 1, 2, 3… in the
    same order. An empty ranking withdraws the application.
    """
    programme = get_for_student(student, programme_id)
    if programme.is_frozen:
        raise ServiceError(_l("The allocation has been published: choices can no longer change."))
    if programme.status != ProgrammeStatus.OPEN.value:
        raise ServiceError(_l("This programme is closed for applications."))
    today = district_today()
    if today < programme.opens_on:
        raise ServiceError(_l("Applications open on %(day)s.", day=programme.opens_on.isoformat()))
    if today > programme.closes_on:
        raise ServiceError(_l("Applications closed on %(day)s.", day=programme.closes_on.isoformat()))
    own = {place.id for place in programme.places}
    if any(place_id not in own for place_id in ranks):
        raise ServiceError(_l("That place is not part of this programme."))
    if any(rank < 1 for rank in ranks.values()):
        raise ServiceError(_l("Ranks start at 1."))
    if len(set(ranks.values())) != len(ranks):
        raise ServiceError(_l("Give each rank to one place only."))
    full = {place.id for place in programme.places if place.capacity == 0}
    if any(place_id in full for place_id in ranks):
        raise ServiceError(_l("A place without capacity cannot be chosen."))
    # Core delete runs at once: the new rows would otherwise meet the old ones' unique ranks.
    db.session.execute(
        delete(ApprenticeChoice).where(
            ApprenticeChoice.programme_id == programme.id, ApprenticeChoice.student_id == student.id
        )
    )
    ordered = sorted(ranks, key=ranks.__getitem__)
    choices = [
        ApprenticeChoice(programme_id=programme.id, student_id=student.id, place_id=place_id, rank=position)
        for position, place_id in enumerate(ordered, start=1)
    ]
    db.session.add_all(choices)
    db.session.flush()
    audit.record(
        student,
        ("apprenticeship_programme", programme.id),
        "apply" if choices else "withdraw",
        None,
        None,
        organisations=[programme.school_id],
    )
    return choices


@dataclass(frozen=True)
class Applicant:
    student: User
    rank: int  # the rank the student gave this place
    enterprise_rank: int | None  # the enterprise's rank of the student at this place


def applicants_by_place(programme: ApprenticeshipProgramme) -> dict[int, list[Applicant]]:
    """Each place's applicants: in the enterprise's order when it ranks them, else by name."""
    rows = db.session.execute(
        select(ApprenticeChoice, User)
        .join(User, ApprenticeChoice.student_id == User.id)
        .where(ApprenticeChoice.programme_id == programme.id)
        .order_by(User.name, User.id)
    ).all()
    rankings = {
        (r.place_id, r.student_id): r.rank
        for r in db.session.scalars(
            select(EnterpriseRanking)
            .join(ApprenticePlace, EnterpriseRanking.place_id == ApprenticePlace.id)
            .where(ApprenticePlace.programme_id == programme.id)
        )
    }
    out: dict[int, list[Applicant]] = {place.id: [] for place in programme.places}
    for choice, student in rows:
        out.setdefault(choice.place_id, []).append(
            Applicant(student, choice.rank, rankings.get((choice.place_id, student.id)))
        )
    for place in programme.places:
        if place.ranked_by == RankedBy.ENTERPRISE.value:
            out[place.id].sort(key=lambda a: (a.enterprise_rank is None, a.enterprise_rank or 0))
    return out


def applicant_count(programme: ApprenticeshipProgramme) -> int:
    return int(
        db.session.scalar(
            select(func.count(func.distinct(ApprenticeChoice.student_id))).where(
                ApprenticeChoice.programme_id == programme.id
            )
        )
        or 0
    )


# --- the enterprise's ranking ---------------------------------------------------------------


def _ranked_by(actor: User, place: ApprenticePlace, ranked_by: RankedBy) -> ApprenticePlace:
    """Who ranks the place's applicants from now on, recorded in the audit log."""
    before = place.ranked_by
    place.ranked_by = ranked_by.value
    db.session.flush()
    audit.record(
        actor,
        ("apprentice_place", place.id),
        "rank_applicants",
        before,
        place.ranked_by,
        organisations=_partners(place.programme),
    )
    return place


def set_enterprise_ranking(actor: User, place_id: int, ranks: dict[int, int]) -> ApprenticePlace:
    """The enterprise orders the place's applicants (student id → rank); those left out are not acceptable."""
    place = get_place_for_enterprise(actor, place_id)
    programme = place.programme
    _require_not_frozen(programme)
    applicants = set(
        db.session.scalars(select(ApprenticeChoice.student_id).where(ApprenticeChoice.place_id == place.id))
    )
    if any(student_id not in applicants for student_id in ranks):
        raise ServiceError(_l("Only students who applied for this place can be ranked."))
    if not ranks:
        raise ServiceError(_l("Rank at least one applicant, or let the matcher rank them."))
    if any(rank < 1 for rank in ranks.values()) or len(set(ranks.values())) != len(ranks):
        raise ServiceError(_l("Give each rank to one applicant only, starting at 1."))
    db.session.execute(delete(EnterpriseRanking).where(EnterpriseRanking.place_id == place.id))
    ordered = sorted(ranks, key=ranks.__getitem__)
    db.session.add_all(
        EnterpriseRanking(place_id=place.id, student_id=student_id, rank=position)
        for position, student_id in enumerate(ordered, start=1)
    )
    return _ranked_by(actor, place, RankedBy.ENTERPRISE)


def use_matcher(actor: User, place_id: int) -> ApprenticePlace:
    """Let the matcher rank the place's applicants by the similarity of their profile to the place."""
    place = get_place_for_enterprise(actor, place_id)
    _require_not_frozen(place.programme)
    db.session.execute(delete(EnterpriseRanking).where(EnterpriseRanking.place_id == place.id))
    return _ranked_by(actor, place, RankedBy.MATCHER)


# --- allocation runs ------------------------------------------------------------------------


def _profile(student: User) -> str:
    program = student.program
    if program is None:
        return ""
    return "\n".join(part for part in (program.name, program.description, program.skills) if part)


def _place_text(place: ApprenticePlace) -> str:
    return "\n".join(part for part in (place.site, place.mentor_skills, place.description) if part)


def build_inputs(programme: ApprenticeshipProgramme) -> dict[str, Any]:
    """The library's inputs as stored JSON: every applicant's ranked places, every place."""
    choices = db.session.execute(
        select(ApprenticeChoice.student_id, ApprenticeChoice.place_id)
        .where(ApprenticeChoice.programme_id == programme.id)
        .order_by(ApprenticeChoice.student_id, ApprenticeChoice.rank)
    ).all()
    preferences: dict[int, list[str]] = {}
    for student_id, place_id in choices:
        preferences.setdefault(student_id, []).append(str(place_id))
    students = (
        {
            user.id: user
            for user in db.session.scalars(
                select(User).options(joinedload(User.program)).where(User.id.in_(list(preferences)))
            )
        }
        if preferences
        else {}
    )
    rankings: dict[int, list[str]] = {}
    for place_id, student_id in db.session.execute(
        select(EnterpriseRanking.place_id, EnterpriseRanking.student_id)
        .join(ApprenticePlace, EnterpriseRanking.place_id == ApprenticePlace.id)
        .where(ApprenticePlace.programme_id == programme.id)
        .order_by(EnterpriseRanking.place_id, EnterpriseRanking.rank)
    ):
        rankings.setdefault(place_id, []).append(str(student_id))
    return {
        "students": [
            {"id": str(student_id), "preferences": places, "profile": _profile(students[student_id])}
            for student_id, places in sorted(preferences.items())
        ],
        "places": [
            {
                "id": str(place.id),
                "capacity": place.capacity,
                "preferences": rankings.get(place.id, [])
                if place.ranked_by == RankedBy.ENTERPRISE.value
                else None,
                "description": _place_text(place),
            }
            for place in programme.places
        ],
    }


def preview(actor: User, programme_id: int, *, seed: int | None = None) -> AllocationRun:
    """Run the allocation on the current choices and rankings; stored as a preview, shown to staff only."""
    programme = get_for_school(actor, programme_id)
    _require_not_frozen(programme)
    if not programme.can("preview"):
        raise ServiceError(_l("Open the programme for applications before running the allocation."))
    inputs = build_inputs(programme)
    if not inputs["students"]:
        raise ServiceError(_l("No student has ranked a place yet."))
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    result = matcher.allocate_apprentices(inputs, seed)
    run = AllocationRun(
        programme_id=programme.id,
        status=RunStatus.PREVIEW.value,
        seed=seed,
        inputs=inputs,
        result=result,
        created_by_id=actor.id,
    )
    return audit.created(actor, run, "preview", organisations=_partners(programme))


def runs_of(programme: ApprenticeshipProgramme) -> list[AllocationRun]:
    return newest_first(AllocationRun.created_at, AllocationRun.programme_id == programme.id)


def published_run(programme: ApprenticeshipProgramme) -> AllocationRun | None:
    return db.session.scalar(
        select(AllocationRun).where(
            AllocationRun.programme_id == programme.id, AllocationRun.status == RunStatus.PUBLISHED.value
        )
    )


def get_run_for_school(actor: User, run_id: int) -> AllocationRun:
    run = db.session.get(AllocationRun, run_id)
    if run is None or not _is_staff_of(actor, Role.SCHOOL_STAFF, run.programme.school_id):
        raise NotFound(_l("Allocation run not found."))
    return run


def publish(
    actor: User, run_id: int, *, close_early: bool = False, today: date | None = None
) -> AllocationRun:
    """Publish one preview: students see their result, and the programme is frozen for good.

    Before the application deadline this would also close applications to students who have
    not chosen yet; the school must say it means that (`close_early`)."""
    run = get_run_for_school(actor, run_id)
    programme = run.programme
    if run.is_published or programme.is_frozen:
        raise ServiceError(_l("The allocation of this programme has already been published."))
    if accepts_choices(programme, today) and not close_early:
        raise ServiceError(
            _l(
                "Applications are open until %(date)s. Publishing now closes them at once, and students who "
                "have "
                "not chosen yet can no longer apply. Tick “close applications now” to publish anyway.",
                date=programme.closes_on.isoformat(),
            )
        )
    if run.inputs != build_inputs(programme):
        raise ServiceError(
            _l("Choices, places or rankings changed after this preview: run a new preview first.")
        )
    before = programme.status
    # The conditional update decides a race between two publishers: only one freezes the programme.
    now = utcnow()
    frozen = db.session.execute(
        update(ApprenticeshipProgramme)
        .where(ApprenticeshipProgramme.id == programme.id, ApprenticeshipProgramme.frozen_at.is_(None))
        .values(frozen_at=now, status=ProgrammeStatus.CLOSED.value)
        .execution_options(synchronize_session=False)
    ).rowcount
    if frozen != 1:
        raise Conflict(_l("The allocation of this programme has already been published."))
    db.session.refresh(programme, ["frozen_at", "status"])
    run.status, run.published_at, run.published_by_id = RunStatus.PUBLISHED.value, now, actor.id
    db.session.flush()
    audit.record(
        actor, run, "publish", RunStatus.PREVIEW.value, run.status, organisations=_partners(programme)
    )
    if before != programme.status:
        audit.record(actor, programme, "close", before, programme.status, audit.coded("allocation_published"))
    student_ids = [int(s["id"]) for s in run.inputs["students"]]
    for student in db.session.scalars(select(User).where(User.id.in_(student_ids)).order_by(User.id)):
        notifications.notify(
            student,
            "allocation_published",
            notifications.link("student", "apprenticeship", programme.id),
            programme=programme.name,
        )
    notifications.notify_organisation(
        programme.enterprise,
        "allocation_published",
        notifications.link("enterprise", "apprenticeship", programme.id),
        programme=programme.name,
    )
    return run


# --- reading results -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    """One student's line in a run's results table."""

    student: User | None
    choices: list[ApprenticePlace | None]  # ranked, best first
    place: ApprenticePlace | None
    choice_rank: int | None  # which of their choices they got
    reason: str | None
    lottery: int | None


def run_rows(run: AllocationRun) -> list[RunRow]:
    places = {str(p.id): p for p in run.programme.places}
    student_ids = [int(s["id"]) for s in run.inputs["students"]]
    users = (
        {
            str(u.id): u
            for u in db.session.scalars(
                select(User).options(joinedload(User.program)).where(User.id.in_(student_ids))
            )
        }
        if student_ids
        else {}
    )
    result = run.result
    rows = []
    for entry in run.inputs["students"]:
        sid = entry["id"]
        assigned = result["assignments"].get(sid)
        prefs = list(entry["preferences"])
        rows.append(
            RunRow(
                student=users.get(sid),
                choices=[places.get(p) for p in prefs],
                place=places.get(assigned) if assigned else None,
                choice_rank=prefs.index(assigned) + 1 if assigned in prefs else None,
                reason=result["unassigned_reasons"].get(sid),
                lottery=result.get("lottery", {}).get(sid),
            )
        )
    rows.sort(
        key=lambda r: (r.place is None, r.place.id if r.place else 0, r.student.name if r.student else "")
    )
    return rows


def run_summary(run: AllocationRun) -> dict[str, int]:
    assignments = run.result["assignments"]
    placed = sum(1 for value in assignments.values() if value)
    capacity = sum(int(p["capacity"]) for p in run.inputs["places"])
    return {
        "applicants": len(assignments),
        "placed": placed,
        "unplaced": len(assignments) - placed,
        "capacity": capacity,
        "blocking_pairs": int(run.result["blocking_pairs"]),
    }


@dataclass(frozen=True)
class StudentResult:
    state: str  # "hidden" (not published), "not_applied", "placed", "unplaced"
    place: ApprenticePlace | None = None
    choice_rank: int | None = None
    reason: str | None = None

    @property
    def message(self):
        return REASON_MESSAGES.get(self.reason or "", "")


def student_result(student: User, programme: ApprenticeshipProgramme) -> StudentResult:
    """The student's own result, only once a run is published."""
    run = published_run(programme)
    if run is None:
        return StudentResult("hidden")
    sid = str(student.id)
    entry = next((s for s in run.inputs["students"] if s["id"] == sid), None)
    if entry is None:
        return StudentResult("not_applied")
    assigned = run.result["assignments"].get(sid)
    if assigned:
        place = db.session.get(ApprenticePlace, int(assigned))
        return StudentResult("placed", place=place, choice_rank=entry["preferences"].index(assigned) + 1)
    return StudentResult("unplaced", reason=run.result["unassigned_reasons"].get(sid, "capacity"))
