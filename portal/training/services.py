"""Training runs and their trainees (育训并举, plan item 12).

    trainee:  applied ──confirm──▶ confirmed ──complete──▶ completed
                 │  └──refuse──▶ refused          │
                 └──────withdraw──────────────────┘──▶ withdrawn

A place is given by `confirm`: one conditional UPDATE of the run's `confirmed` counter
(`… WHERE confirmed < places`) inside a write transaction, then the trainee's own transition;
20 school staff confirming at once on 10 places confirm exactly 10 (tests/training/test_race.py).

Who sees a trainee: the school that runs the run, and the employer for its own staff. Every
other organisation gets a 404 (`NotFound`), never the record. Services flush, never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import literal, or_, select, update

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations.models import Enterprise, OrgStatus
from portal.platform import checks, vocab
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import begin_write, lock_row, transition
from portal.platform.model_base import utcnow
from portal.platform.owned import school_record
from portal.platform.queries import newest_first
from portal.programs.directory import like
from portal.programs.models import PublicationStatus
from portal.programs.school_models import TrainingOffer
from portal.training.models import (
    Attendance,
    CertificateKind,
    CommunityCentre,
    RunStatus,
    Trainee,
    TraineeGroup,
    TraineeStatus,
    TrainingRun,
    VenueKind,
)

NAME_MAX = 60
PHONE_MAX = 20
VENUE_NOTE_MAX = 200
CERTIFICATE_MAX = 120
MAX_PLACES = 1000
MAX_HOURS = 2000
# A mainland mobile number (11 digits from 1[3-9]) or a landline with its area code (0531-…).
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")

RUN_NOT_FOUND = _l("Training run not found.")
TRAINEE_NOT_FOUND = _l("Trainee not found.")
FULL = _l("Every place of this run is taken.")


# --- reading ---------------------------------------------------------------------


def get_run(run_id: int) -> TrainingRun:
    run = db.session.get(TrainingRun, run_id)
    if run is None:
        raise NotFound(RUN_NOT_FOUND)
    return run


def public_run(run_id: int) -> TrainingRun:
    """A run anyone may read: of a published offer, not cancelled."""
    run = db.session.get(TrainingRun, run_id)
    if (
        run is None
        or run.status == RunStatus.CANCELLED.value
        or run.offer.status != PublicationStatus.PUBLISHED.value
    ):
        raise NotFound(RUN_NOT_FOUND)
    return run


def own_run(staff: User, run_id: int) -> TrainingRun:
    return school_record(TrainingRun, staff, run_id, RUN_NOT_FOUND)


def runs_of_school(school_id: int) -> list[TrainingRun]:
    return newest_first(TrainingRun.starts_on, TrainingRun.school_id == school_id)


@dataclass(frozen=True)
class RunQuery:
    town: str = ""
    group: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> RunQuery:
        town = args.get("town", "")
        group = args.get("group", "")
        return cls(
            town=town if town in vocab.TOWNS else "",
            group=group if group in TraineeGroup.labels() else "",
            q=checks.search_text(args.get("q")),
        )


def open_runs(query: RunQuery | None = None, *, limit: int = 200) -> list[TrainingRun]:
    """Runs open for sign-up, of published offers, that have not ended; filtered by the town
    they are held in and the group they are for."""
    query = query or RunQuery()
    stmt = (
        select(TrainingRun)
        .join(TrainingOffer, TrainingOffer.id == TrainingRun.offer_id)
        .outerjoin(CommunityCentre, CommunityCentre.id == TrainingRun.centre_id)
        .where(
            TrainingRun.status == RunStatus.OPEN.value,
            TrainingOffer.status == PublicationStatus.PUBLISHED.value,
            TrainingRun.ends_on >= checks.district_today(),
        )
        .order_by(TrainingRun.starts_on, TrainingRun.id)
    )
    if query.group:
        stmt = stmt.where(
            literal(",").concat(TrainingOffer.target_groups).concat(",").like(f"%,{query.group},%")
        )
    if query.q:
        pattern = like(query.q)
        stmt = stmt.where(
            or_(
                TrainingOffer.title.like(pattern, escape="\\"),
                TrainingOffer.skills.like(pattern, escape="\\"),
            )
        )
    runs = list(db.session.scalars(stmt.limit(limit)))
    if query.town:
        runs = [r for r in runs if r.town == query.town]
    return runs


def centres_in(town: str) -> list[CommunityCentre]:
    return list(
        db.session.scalars(
            select(CommunityCentre).where(CommunityCentre.town == town).order_by(CommunityCentre.name)
        )
    )


def all_centres() -> list[CommunityCentre]:
    return list(
        db.session.scalars(select(CommunityCentre).order_by(CommunityCentre.town, CommunityCentre.name))
    )


def trainees_of_run(staff: User, run_id: int) -> list[Trainee]:
    run = own_run(staff, run_id)
    return list(db.session.scalars(select(Trainee).where(Trainee.run_id == run.id).order_by(Trainee.id)))


def staff_trainees(hr: User) -> list[Trainee]:
    """The enterprise's own staff in any run: all an employer may see of trainees."""
    return list(
        db.session.scalars(
            select(Trainee).where(Trainee.employer_id == hr.organisation_id).order_by(Trainee.id.desc())
        )
    )


def visible_trainee(user: User, trainee_id: int) -> Trainee:
    """A trainee this user may read: the run's school, or the employer of its own staff."""
    trainee = db.session.get(Trainee, trainee_id)
    if trainee is None or user.organisation_id not in (trainee.run.school_id, trainee.employer_id):
        raise NotFound(TRAINEE_NOT_FOUND)
    return trainee


def _record(staff: User, trainee: Trainee, step: str, before: str | None, after: str | None) -> None:
    """The audit entry of a step the school took with a trainee."""
    subject = ("trainee", trainee.id)
    audit.record(staff, subject, f"trainee.{step}", before, after, organisations=[staff.organisation_id])


def own_trainee(staff: User, run_id: int, trainee_id: int) -> Trainee:
    """A trainee of one of the school's own runs (the school acts on it)."""
    trainee = db.session.get(Trainee, trainee_id)
    if trainee is None or trainee.run_id != run_id or trainee.run.school_id != staff.organisation_id:
        raise NotFound(TRAINEE_NOT_FOUND)
    return trainee


def verified_enterprises() -> list[Enterprise]:
    return list(
        db.session.scalars(
            select(Enterprise).where(Enterprise.status == OrgStatus.VERIFIED.value).order_by(Enterprise.name)
        )
    )


# --- runs ------------------------------------------------------------------------


@dataclass
class RunInput:
    offer_id: int | None
    starts_on: date | None
    ends_on: date | None
    hours: int | None
    places: int | None
    venue_kind: str
    centre_id: int | None = None
    enterprise_id: int | None = None
    venue_note: str = ""


def create_run(staff: User, values: RunInput, *, posting_id: int | None = None) -> TrainingRun:
    """A run of one of the school's published offers; every problem reported at once."""
    problems = Problems()
    offer = db.session.get(TrainingOffer, values.offer_id) if values.offer_id else None
    if offer is None or offer.school_id != staff.organisation_id:
        problems.add(_l("Choose one of your training offers."), field="offer_id")
    elif offer.status != PublicationStatus.PUBLISHED.value:
        problems.add(_l("Publish the training offer first."), field="offer_id")
    if values.starts_on is None:
        problems.add(_l("This field is required."), field="starts_on")
    if values.ends_on is None:
        problems.add(_l("This field is required."), field="ends_on")
    problems.check(checks.date_range, values.starts_on, values.ends_on, check_past=True)
    places = problems.check(checks.integer, values.places, field="places", minimum=1, maximum=MAX_PLACES)
    hours = problems.check(checks.integer, values.hours, field="hours", minimum=0, maximum=MAX_HOURS)
    kind = problems.check(checks.choice, values.venue_kind, VenueKind, field="venue_kind")
    centre_id = enterprise_id = None
    if kind == VenueKind.CENTRE.value:
        if values.centre_id is None or db.session.get(CommunityCentre, values.centre_id) is None:
            problems.add(_l("Choose the community education centre."), field="centre_id")
        else:
            centre_id = values.centre_id
    if values.enterprise_id is not None or kind == VenueKind.ENTERPRISE.value:
        enterprise = db.session.get(Enterprise, values.enterprise_id) if values.enterprise_id else None
        if enterprise is None or enterprise.status != OrgStatus.VERIFIED.value:
            problems.add(_l("Choose a verified enterprise."), field="enterprise_id")
        else:
            enterprise_id = enterprise.id
    note = problems.check(checks.text, values.venue_note, field="venue_note", max_length=VENUE_NOTE_MAX)
    problems.raise_if_any()
    run = TrainingRun(
        offer_id=offer.id,
        school_id=staff.organisation_id,
        starts_on=values.starts_on,
        ends_on=values.ends_on,
        hours=hours,
        places=places,
        venue_kind=kind,
        centre_id=centre_id,
        enterprise_id=enterprise_id,
        venue_note=note or "",
        posting_id=posting_id,
    )
    return audit.created(staff, run, "training_run.create")


def set_run_status(staff: User, run_id: int, to: str) -> TrainingRun:
    run = own_run(staff, run_id)
    if to not in run.steps or not run.can(to):
        raise ServiceError(_l("This run cannot take that step now."))
    before = run.status
    transition(run, to)
    audit.record(staff, run, f"training_run.{to}", before, to)
    return run


# --- signing up --------------------------------------------------------------------


@dataclass
class SignUp:
    name: str | None
    phone: str | None
    town: str | None
    groups: list[str]
    employer_id: int | None = None
    consent: bool = False


def _person_problems(values: SignUp, problems: Problems) -> tuple[str, str, str, list[str]]:
    name = problems.check(checks.text, values.name, field="name", max_length=NAME_MAX, required=True)
    phone = re.sub(r"[\s]", "", values.phone or "")
    if not phone:
        problems.add(_l("This field is required."), field="phone")
    elif not PHONE_RE.match(phone):
        problems.add(_l("Enter a mobile number (11 digits) or a landline with its area code."), field="phone")
    town = problems.check(checks.choice, values.town, vocab.TOWNS, field="town")
    groups = [g for g in dict.fromkeys(values.groups or []) if g]
    if not groups:
        problems.add(_l("Choose at least one group."), field="groups")
    elif any(g not in TraineeGroup.labels() for g in groups):
        problems.add(_l("Please choose a valid value."), field="groups")
    return name or "", phone, town or "", groups


def _signed_up(run: TrainingRun, problems: Problems, person: tuple, **employment) -> Trainee:
    """The trainee, once the run still takes sign-ups and the phone is not signed up yet (with
    the person's problems found before); flushed, so a sheet's next row sees this one.
    `person`: what `_person_problems` made of the form or the row."""
    name, phone, town, groups = person
    if run.status != RunStatus.OPEN.value or run.ends_on < checks.district_today():
        problems.add(_l("This run no longer takes sign-ups."))
    if phone and db.session.scalar(
        select(Trainee.id).where(Trainee.run_id == run.id, Trainee.phone == phone)
    ):
        problems.add(_l("This phone number has already signed up for this run."), field="phone")
    problems.raise_if_any()
    trainee = Trainee(run_id=run.id, name=name, phone=phone, town=town, groups=",".join(groups), **employment)
    db.session.add(trainee)
    db.session.flush()
    return trainee


def sign_up(run_id: int, values: SignUp) -> Trainee:
    """A resident signs up on the public page: the minimum the records need, with consent."""
    run = public_run(run_id)
    problems = Problems()
    person = _person_problems(values, problems)
    if not values.consent:
        problems.add(_l("Signing up needs your consent to keep these details."), field="consent")
    employer_id = None
    if TraineeGroup.ENTERPRISE_STAFF.value in (values.groups or []):
        employer = db.session.get(Enterprise, values.employer_id) if values.employer_id else None
        if employer is None or employer.status != OrgStatus.VERIFIED.value:
            problems.add(_l("Enterprise staff: choose your employer."), field="employer_id")
        else:
            employer_id = employer.id
    return _signed_up(run, problems, person, employer_id=employer_id)


def enrol_staff(hr: User, run_id: int, values: dict) -> Trainee:
    """One member of staff enrolled by their employer (a spreadsheet row); the employer gives
    consent on their behalf, as the upload page says."""
    run = public_run(run_id)
    problems = Problems()
    groups = values.get("groups") or []
    if isinstance(groups, str):
        groups = [g for g in re.split(r"[,，、;；/]+", groups) if g]
    groups = list(dict.fromkeys([TraineeGroup.ENTERPRISE_STAFF.value, *groups]))
    person = _person_problems(
        SignUp(values.get("name"), str(values.get("phone") or ""), values.get("town"), groups), problems
    )
    return _signed_up(run, problems, person, employer_id=hr.organisation_id, enrolled_by_id=hr.id)


# --- the school's steps --------------------------------------------------------------


def confirm(staff: User, run_id: int, trainee_id: int) -> Trainee:
    """Give the trainee a place: exactly `places` confirmations, however many staff click at once."""
    begin_write()
    trainee = own_trainee(staff, run_id, trainee_id)
    trainee = lock_row(Trainee, trainee.id)
    if not trainee.can("confirmed"):
        raise ServiceError(_l("Only a trainee who signed up can be given a place."))
    won = db.session.execute(
        update(TrainingRun)
        .where(
            TrainingRun.id == run_id,
            TrainingRun.confirmed < TrainingRun.places,
            TrainingRun.status.in_((RunStatus.OPEN.value, RunStatus.CLOSED.value)),
        )
        .values(confirmed=TrainingRun.confirmed + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(FULL)
    transition(trainee, TraineeStatus.CONFIRMED.value)
    db.session.expire(trainee.run, ["confirmed"])
    _record(staff, trainee, "confirm", "applied", "confirmed")
    return trainee


def refuse(staff: User, run_id: int, trainee_id: int) -> Trainee:
    trainee = own_trainee(staff, run_id, trainee_id)
    if not trainee.can("refused"):
        raise ServiceError(_l("Only a trainee who signed up can be refused."))
    transition(trainee, TraineeStatus.REFUSED.value)
    _record(staff, trainee, "refuse", "applied", "refused")
    return trainee


def withdraw(staff: User, run_id: int, trainee_id: int) -> Trainee:
    """The trainee leaves (they told the school); a confirmed place is freed."""
    begin_write()
    trainee = own_trainee(staff, run_id, trainee_id)
    if not trainee.can("withdrawn"):
        raise ServiceError(_l("This trainee cannot withdraw now."))
    before = trainee.status
    transition(trainee, TraineeStatus.WITHDRAWN.value)
    if before == TraineeStatus.CONFIRMED.value:
        db.session.execute(
            update(TrainingRun)
            .where(TrainingRun.id == run_id, TrainingRun.confirmed > 0)
            .values(confirmed=TrainingRun.confirmed - 1)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(trainee.run, ["confirmed"])
    _record(staff, trainee, "withdraw", before, "withdrawn")
    return trainee


def record_attendance(
    staff: User, run_id: int, session_on: date | None, hours: int | None, trainee_ids: list[int]
) -> int:
    """One session: the confirmed trainees present, each credited `hours`. Recording the same
    session again replaces its hours (a correction). Returns how many were recorded."""
    run = own_run(staff, run_id)
    problems = Problems()
    if session_on is None:
        problems.add(_l("This field is required."), field="session_on")
    elif not run.starts_on <= session_on <= run.ends_on:
        problems.add(_l("The session must fall within the run's dates."), field="session_on")
    elif session_on > checks.district_today():
        problems.add(_l("A session in the future cannot have been attended."), field="session_on")
    hours = problems.check(checks.integer, hours, field="hours", minimum=1, maximum=24)
    present = [
        t
        for t in db.session.scalars(
            select(Trainee).where(Trainee.run_id == run.id, Trainee.id.in_(trainee_ids or [0]))
        )
        if t.status in (TraineeStatus.CONFIRMED.value, TraineeStatus.COMPLETED.value)
    ]
    if not present:
        problems.add(_l("Tick the trainees who were present."), field="trainee_ids")
    problems.raise_if_any()
    for trainee in present:
        existing = db.session.scalar(
            select(Attendance).where(Attendance.trainee_id == trainee.id, Attendance.session_on == session_on)
        )
        if existing is None:
            db.session.add(Attendance(trainee_id=trainee.id, session_on=session_on, hours=hours))
        else:
            existing.hours = hours
    db.session.flush()
    audit.record(
        staff, run, "training_run.attendance", None, session_on.isoformat(), reason=f"{len(present)}"
    )
    return len(present)


def complete(
    staff: User, run_id: int, trainee_id: int, certificate_kind: str | None, certificate_name: str
) -> Trainee:
    """The trainee completed the run, with the certificate earned (or none)."""
    trainee = own_trainee(staff, run_id, trainee_id)
    problems = Problems()
    kind = problems.check(checks.choice, certificate_kind, CertificateKind, field="certificate_kind")
    name = problems.check(checks.text, certificate_name, field="certificate_name", max_length=CERTIFICATE_MAX)
    if kind and kind != CertificateKind.NONE.value and not name:
        problems.add(_l("Name the certificate (e.g. 焊工 四级/中级工)."), field="certificate_name")
    if not trainee.can("completed"):
        problems.add(_l("Only a trainee with a confirmed place can complete the run."))
    elif not trainee.attendance:
        problems.add(_l("Record the trainee's attendance first."))
    problems.raise_if_any()
    transition(trainee, TraineeStatus.COMPLETED.value)
    trainee.certificate_kind = kind
    trainee.certificate_name = name if kind != CertificateKind.NONE.value else ""
    trainee.completed_on = checks.district_today()
    db.session.flush()
    _record(staff, trainee, "complete", "confirmed", "completed")
    return trainee


def erase_trainee(staff: User, run_id: int, trainee_id: int) -> Trainee:
    """Delete a trainee's personal data on request: name, phone and employer go; what is left
    (town, groups, status, hours, certificate kind) says nothing about who they were."""
    trainee = own_trainee(staff, run_id, trainee_id)
    if trainee.erased_at is not None:
        raise ServiceError(_l("This trainee's personal data has already been deleted."))
    trainee.name = None
    trainee.phone = None
    trainee.employer_id = None
    trainee.enrolled_by_id = None
    trainee.certificate_name = ""
    trainee.erased_at = utcnow()
    db.session.flush()
    _record(staff, trainee, "erase", None, None)
    return trainee


# --- community centres (administrators) ----------------------------------------------


def save_centre(
    admin: User, centre_id: int | None, name: str, town: str, address: str, contact: str
) -> CommunityCentre:
    problems = Problems()
    name = problems.check(checks.text, name, field="name", max_length=120, required=True)
    town = problems.check(checks.choice, town, vocab.TOWNS, field="town")
    address = problems.check(checks.text, address, field="address", max_length=200)
    contact = problems.check(checks.text, contact, field="contact", max_length=120)
    centre = db.session.get(CommunityCentre, centre_id) if centre_id else CommunityCentre()
    if centre is None:
        raise NotFound(_l("Community education centre not found."))
    if name and db.session.scalar(
        select(CommunityCentre.id).where(CommunityCentre.name == name, CommunityCentre.id != (centre_id or 0))
    ):
        problems.add(_l("A centre of this name exists already."), field="name")
    problems.raise_if_any()
    centre.name, centre.town, centre.address, centre.contact = name, town, address or "", contact or ""
    return audit.created(admin, centre, "community_centre.save")
