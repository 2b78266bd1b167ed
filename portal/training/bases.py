"""Shared training bases (实训基地, plan item 14: 共建校内实训基地，实现资源共享) and their slot bookings.

    booking:  requested ──confirm (owner)──▶ confirmed
                  │  └──refuse (owner)──▶ refused
                  └──cancel (either side)──▶ cancelled   (from confirmed too)

No slot is ever held twice: the partial unique index `uq_base_booking_live_slot` over
(base, day, period) of requested and confirmed bookings refuses the second booking, however
close together the two arrive (tests/training/test_race.py); cancelling or refusing frees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations.models import Organisation, OrgStatus
from portal.platform import checks
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError, is_duplicate
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import begin_write, transition
from portal.training.models import (
    LIVE_BOOKING,
    BaseBooking,
    BookingStatus,
    SlotPeriod,
    TrainingBase,
    TrainingBaseAccess,
)

NAME_MAX = 120
TEXT_MAX = 2000
HOURS_MAX = 200
PURPOSE_MAX = 200
MAX_CAPACITY = 1000
BOOK_AHEAD_DAYS = 366

BASE_NOT_FOUND = _l("Training base not found.")
BOOKING_NOT_FOUND = _l("Booking not found.")
SLOT_TAKEN = _l("This slot is already booked. Choose another one.")


@dataclass
class BaseInput:
    name: str
    rooms: str = ""
    equipment: str = ""
    capacity: int | None = None
    opening_hours: str = ""
    rules: str = ""
    open_to_all: bool = False
    allowed_ids: list[int] | None = None


def create_base(user: User, values: BaseInput) -> TrainingBase:
    problems = Problems()
    name = problems.check(checks.text, values.name, field="name", max_length=NAME_MAX, required=True)
    rooms = problems.check(checks.text, values.rooms, field="rooms", max_length=TEXT_MAX, required=True)
    equipment = problems.check(checks.text, values.equipment, field="equipment", max_length=TEXT_MAX)
    capacity = problems.check(
        checks.integer, values.capacity, field="capacity", minimum=1, maximum=MAX_CAPACITY
    )
    hours = problems.check(checks.text, values.opening_hours, field="opening_hours", max_length=HOURS_MAX)
    rules = problems.check(checks.text, values.rules, field="rules", max_length=TEXT_MAX)
    allowed = []
    for org_id in values.allowed_ids or []:
        org = db.session.get(Organisation, org_id)
        if org is None or org.status != OrgStatus.VERIFIED.value or org.id == user.organisation_id:
            problems.add(_l("Please choose a valid value."), field="allowed_ids")
            break
        allowed.append(org)
    problems.raise_if_any()
    base = TrainingBase(
        owner_id=user.organisation_id,
        name=name,
        rooms=rooms,
        equipment=equipment or "",
        capacity=capacity,
        opening_hours=hours or "",
        rules=rules or "",
        open_to_all=bool(values.open_to_all),
    )
    db.session.add(base)
    db.session.flush()
    for org in allowed:
        db.session.add(TrainingBaseAccess(base_id=base.id, organisation_id=org.id))
    db.session.flush()
    audit.record(user, base, "training_base.create", None, None, organisations=[user.organisation_id])
    return base


def may_book(user: User, base: TrainingBase) -> bool:
    if base.owner_id == user.organisation_id:
        return False
    if base.open_to_all:
        return True
    return any(org.id == user.organisation_id for org in base.allowed)


def visible_base(user: User, base_id: int) -> TrainingBase:
    """The owner's base, or one it may book; any other is a 404."""
    base = db.session.get(TrainingBase, base_id)
    if base is None or (base.owner_id != user.organisation_id and not may_book(user, base)):
        raise NotFound(BASE_NOT_FOUND)
    return base


def bases_for(user: User) -> tuple[list[TrainingBase], list[TrainingBase]]:
    """(own bases, bases this organisation may book)."""
    own = list(db.session.scalars(select(TrainingBase).where(TrainingBase.owner_id == user.organisation_id)))
    others = db.session.scalars(
        select(TrainingBase)
        .outerjoin(TrainingBaseAccess, TrainingBaseAccess.base_id == TrainingBase.id)
        .where(
            TrainingBase.owner_id != user.organisation_id,
            or_(
                TrainingBase.open_to_all.is_(True), TrainingBaseAccess.organisation_id == user.organisation_id
            ),
        )
        .order_by(TrainingBase.name)
    ).unique()
    return own, list(dict.fromkeys(others))


def week_of(base: TrainingBase, monday: date) -> dict:
    """{(day, period): booking} of live bookings in the week starting `monday`."""
    bookings = db.session.scalars(
        select(BaseBooking).where(
            BaseBooking.base_id == base.id,
            BaseBooking.day >= monday,
            BaseBooking.day < monday + timedelta(days=7),
            BaseBooking.status.in_(LIVE_BOOKING),
        )
    )
    return {(b.day, b.period): b for b in bookings}


def bookings_of(base: TrainingBase) -> list[BaseBooking]:
    return list(
        db.session.scalars(
            select(BaseBooking)
            .where(BaseBooking.base_id == base.id)
            .order_by(BaseBooking.day.desc(), BaseBooking.id)
        )
    )


def our_bookings(user: User) -> list[BaseBooking]:
    return list(
        db.session.scalars(
            select(BaseBooking)
            .where(BaseBooking.booker_id == user.organisation_id)
            .order_by(BaseBooking.day.desc())
        )
    )


def book(user: User, base_id: int, day: date | None, period: str | None, purpose: str = "") -> BaseBooking:
    """Ask for one slot. A slot someone holds already is refused with a message, also when the
    other booking was saved a moment ago by a concurrent request (the unique index decides)."""
    begin_write()  # SQLite: one writer at a time, so the check below reads what is committed
    base = visible_base(user, base_id)
    problems = Problems()
    if not may_book(user, base):
        problems.add(_l("Your organisation may not book this base."))
    if day is None:
        problems.add(_l("This field is required."), field="day")
    elif day < checks.district_today():
        problems.add(_l("This day has passed."), field="day")
    elif day > checks.district_today() + timedelta(days=BOOK_AHEAD_DAYS):
        problems.add(_l("Book at most a year ahead."), field="day")
    period = problems.check(checks.choice, period, SlotPeriod, field="period")
    purpose = problems.check(checks.text, purpose, field="purpose", max_length=PURPOSE_MAX)
    if day is not None and period and (day, period) in week_of(base, day - timedelta(days=day.weekday())):
        problems.add(SLOT_TAKEN, field="period")
    problems.raise_if_any()
    booking = BaseBooking(
        base_id=base.id,
        day=day,
        period=period,
        booker_id=user.organisation_id,
        requested_by_id=user.id,
        purpose=purpose or "",
    )
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Saved by a concurrent request after our check: the unique index refused this copy. The
        # session must be rolled back, which the caller's refusal path (web.attempt) does.
        if not is_duplicate(exc):
            raise
        raise Conflict(SLOT_TAKEN, field="period") from None
    audit.record(
        user,
        booking,
        "base_booking.request",
        None,
        booking.status,
        organisations=[base.owner_id, user.organisation_id],
    )
    return booking


def _booking(user: User, booking_id: int) -> BaseBooking:
    booking = db.session.get(BaseBooking, booking_id)
    if booking is None or user.organisation_id not in (booking.booker_id, booking.base.owner_id):
        raise NotFound(BOOKING_NOT_FOUND)
    return booking


def decide(user: User, booking_id: int, to: str) -> BaseBooking:
    """The owner confirms or refuses; either side cancels. A cancelled slot is free again."""
    booking = _booking(user, booking_id)
    is_owner = booking.base.owner_id == user.organisation_id
    if to in (BookingStatus.CONFIRMED.value, BookingStatus.REFUSED.value) and not is_owner:
        raise NotFound(BOOKING_NOT_FOUND)
    if to not in booking.steps or not booking.can(to):
        raise ServiceError(_l("This booking cannot take that step now."))
    before = booking.status
    transition(booking, to)
    audit.record(
        user,
        booking,
        f"base_booking.{to}",
        before,
        to,
        organisations=[booking.base.owner_id, booking.booker_id],
    )
    return booking


def partner_choices(user: User) -> list[Organisation]:
    """Verified schools and enterprises other than the user's own, to allow on a base."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.status == OrgStatus.VERIFIED.value, Organisation.id != user.organisation_id)
            .order_by(Organisation.kind, Organisation.name)
        )
    )
