"""育训并举: training runs of a school's training offers, their trainees, the towns' community
education centres (社区教育中心) that host runs, and shared training bases (实训基地) booked by slot.

Source of the duty: 莱芜政发〔2020〕5号, items 12 (育训并举: enterprise staff and the named groups),
13 (社区教育: each town's 社区教育中心) and 14 (共建校内实训基地，实现资源共享).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.organisations.models import Organisation
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, Timestamps, UTCDateTime, step_table, utcnow
from portal.programs.school_models import TargetGroup as TraineeGroup  # the one list (plan item 12)
from portal.programs.school_models import TrainingOffer

PLAN = "莱芜政发〔2020〕5号"


class VenueKind(State):
    SCHOOL = "school", _l("At the school"), "neutral"
    ENTERPRISE = "enterprise", _l("At an enterprise's site"), "neutral"
    CENTRE = "centre", _l("At a community education centre"), "neutral"


class RunStatus(State):
    OPEN = "open", _l("Open for sign-up"), "good"
    CLOSED = "closed", _l("Sign-up closed"), "neutral"
    FINISHED = "finished", _l("Finished"), "neutral"
    CANCELLED = "cancelled", _l("Cancelled"), "bad"


class TraineeStatus(State):
    APPLIED = "applied", _l("Signed up"), "info"
    CONFIRMED = "confirmed", _l("Place confirmed"), "good"
    COMPLETED = "completed", _l("Completed"), "good"
    REFUSED = "refused", _l("Not admitted"), "bad"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "neutral"


class CertificateKind(State):
    SKILL_LEVEL = "skill_level", _l("Vocational skill level certificate"), "good"  # 职业技能等级证书
    SCHOOL = "school", _l("The school's own certificate"), "good"
    NONE = "none", _l("No certificate"), "neutral"


class BookingStatus(State):
    REQUESTED = "requested", _l("Requested"), "info"
    CONFIRMED = "confirmed", _l("Booking confirmed"), "good"
    REFUSED = "refused", _l("Refused"), "bad"
    CANCELLED = "cancelled", _l("Cancelled"), "neutral"


class SlotPeriod(State):
    """The bookable parts of a day; hours are what figures count."""

    MORNING = "morning", _l("Morning 08:00–12:00"), "neutral"
    AFTERNOON = "afternoon", _l("Afternoon 13:30–17:30"), "neutral"
    EVENING = "evening", _l("Evening 18:00–21:00"), "neutral"


SLOT_HOURS = {"morning": 4, "afternoon": 4, "evening": 3}
LIVE_BOOKING = ("requested", "confirmed")  # states that hold a slot


class CommunityCentre(Timestamps, db.Model):
    """A town's 社区教育中心 (plan item 13), kept by the district's administrators."""

    __tablename__ = "community_centre"
    audit_subject: ClassVar[object] = _l("Community education centre")
    audit_actions: ClassVar[dict[str, object]] = {
        "community_centre.save": _l("Community education centre saved"),
    }
    __table_args__ = (UniqueConstraint("name", name="uq_community_centre_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(30), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(120), default="")  # person and phone
    is_demo: Mapped[bool] = mapped_column(default=False)


class TrainingRun(Stateful, Timestamps, db.Model):
    """One scheduled run of a training offer (培训班次). `confirmed` counts the places given; it only
    moves by a conditional UPDATE (services.confirm), and the CHECK makes over-filling impossible."""

    __tablename__ = "training_run"
    states = RunStatus
    audit_subject: ClassVar[object] = _l("Training run")
    audit_actions: ClassVar[dict[str, object]] = {
        "training_run.create": _l("Training run created"),
        "training_run.closed": _l("Close sign-up"),
        "training_run.open": _l("Reopen sign-up"),
        "training_run.finished": _l("Mark finished"),
        "training_run.cancelled": _l("Cancel the run"),
        "training_run.attendance": _l("Record attendance"),
    }
    steps = step_table(
        closed=(RunStatus.OPEN,),
        open=(RunStatus.CLOSED,),
        finished=(RunStatus.OPEN, RunStatus.CLOSED),
        cancelled=(RunStatus.OPEN, RunStatus.CLOSED),
    )
    __table_args__ = (
        CheckConstraint("places > 0", name="places_positive"),
        CheckConstraint("confirmed >= 0 AND confirmed <= places", name="confirmed_within_places"),
        CheckConstraint("hours >= 0", name="hours_nonnegative"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("venue_kind <> 'centre' OR centre_id IS NOT NULL", name="centre_named"),
        CheckConstraint("venue_kind <> 'enterprise' OR enterprise_id IS NOT NULL", name="enterprise_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("training_offer.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(default=0)
    places: Mapped[int] = mapped_column(default=1)
    confirmed: Mapped[int] = mapped_column(default=0)
    venue_kind: Mapped[str] = mapped_column(String(20), default=VenueKind.SCHOOL.value)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("community_centre.id"), index=True)
    # The enterprise whose site hosts the run, or for whose staff it is run (a proposal accepted).
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    venue_note: Mapped[str] = mapped_column(String(200), default="")  # room, address
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("posting.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.OPEN.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    offer: Mapped[TrainingOffer] = relationship()
    school: Mapped[Organisation] = relationship(foreign_keys=[school_id])
    enterprise: Mapped[Organisation | None] = relationship(foreign_keys=[enterprise_id])
    centre: Mapped[CommunityCentre | None] = relationship()

    @property
    def town(self) -> str:
        """The town the run is held in."""
        if self.venue_kind == VenueKind.CENTRE.value and self.centre is not None:
            return self.centre.town
        if self.venue_kind == VenueKind.ENTERPRISE.value and self.enterprise is not None:
            return self.enterprise.town or ""
        return self.school.town or ""

    @property
    def venue(self) -> VenueKind:
        return VenueKind(self.venue_kind)

    @property
    def free(self) -> int:
        return self.places - self.confirmed


def groups_of(stored: str) -> list[TraineeGroup]:
    """The groups in a trainee's comma-separated `groups` column (also read from grouped rows)."""
    return [TraineeGroup(g) for g in stored.split(",") if g]


class Trainee(Stateful, db.Model):
    """A person signed up for a run (学员): the minimum the records need, kept with consent.

    Erasing on request (services.erase_trainee) blanks the name, phone and employer and keeps the
    town, groups, status and hours, which alone say nothing about a person: figures stay counts.
    """

    __tablename__ = "trainee"
    states = TraineeStatus
    audit_subject: ClassVar[object] = _l("Trainee")
    audit_actions: ClassVar[dict[str, object]] = {
        "trainee.confirm": _l("Confirm place"),
        "trainee.refuse": _l("The sign-up has been refused."),
        "trainee.withdraw": _l("Withdraw"),
        "trainee.complete": _l("Record completion"),
        "trainee.erase": _l("Delete personal data"),
    }
    steps = step_table(
        confirmed=(TraineeStatus.APPLIED,),
        refused=(TraineeStatus.APPLIED,),
        completed=(TraineeStatus.CONFIRMED,),
        withdrawn=(TraineeStatus.APPLIED, TraineeStatus.CONFIRMED),
    )
    __table_args__ = (UniqueConstraint("run_id", "phone", name="uq_trainee_run_phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_run.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    town: Mapped[str] = mapped_column(String(30), index=True)
    groups: Mapped[str] = mapped_column(String(200), default="")  # comma-separated TraineeGroup values
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=TraineeStatus.APPLIED.value, index=True)
    certificate_kind: Mapped[str | None] = mapped_column(String(20))
    certificate_name: Mapped[str] = mapped_column(String(120), default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    run: Mapped[TrainingRun] = relationship()
    employer: Mapped[Organisation | None] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="trainee", cascade="all, delete-orphan", order_by="Attendance.session_on"
    )

    @property
    def group_list(self) -> list[TraineeGroup]:
        return groups_of(self.groups)

    @property
    def hours_attended(self) -> int:
        return sum(a.hours for a in self.attendance)


class Attendance(db.Model):
    """One session a trainee attended, with its hours."""

    __tablename__ = "training_attendance"
    __table_args__ = (
        UniqueConstraint("trainee_id", "session_on", name="uq_attendance_session"),
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id", ondelete="CASCADE"), index=True)
    session_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    trainee: Mapped[Trainee] = relationship(back_populates="attendance")


class TrainingBase(db.Model):
    """A shared training base (实训基地, plan item 14) a school or enterprise lists for others to book."""

    __tablename__ = "training_base"
    audit_subject: ClassVar[object] = _l("Training base")
    audit_actions: ClassVar[dict[str, object]] = {"training_base.create": _l("List a training base")}
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    rooms: Mapped[str] = mapped_column(Text, default="")  # rooms or stations
    equipment: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=1)  # people at once
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    open_to_all: Mapped[bool] = mapped_column(default=False)  # every verified school and enterprise
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner: Mapped[Organisation] = relationship()
    allowed: Mapped[list[Organisation]] = relationship(secondary="training_base_access")


class TrainingBaseAccess(db.Model):
    """An organisation the owner allows to book its base."""

    __tablename__ = "training_base_access"

    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)


class BaseBooking(Stateful, db.Model):
    """A slot of a base booked by an organisation. No slot is ever held twice: the partial unique
    index over (base, day, period) of live bookings refuses the second, whatever the timing;
    a cancelled or refused booking no longer holds its slot."""

    __tablename__ = "base_booking"
    states = BookingStatus
    audit_subject: ClassVar[object] = _l("Training base booking")
    audit_actions: ClassVar[dict[str, object]] = {
        "base_booking.request": _l("Request the slot"),
        "base_booking.confirmed": _l("Booking confirmed"),
        "base_booking.refused": _l("Booking refused"),
        "base_booking.cancelled": _l("Cancel booking"),
    }
    steps = step_table(
        confirmed=(BookingStatus.REQUESTED,),
        refused=(BookingStatus.REQUESTED,),
        cancelled=(BookingStatus.REQUESTED, BookingStatus.CONFIRMED),
    )
    __table_args__ = (
        Index(
            "uq_base_booking_live_slot",
            "base_id",
            "day",
            "period",
            unique=True,
            sqlite_where=text("status IN ('requested', 'confirmed')"),
            postgresql_where=text("status IN ('requested', 'confirmed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(20))
    booker_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.REQUESTED.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    base: Mapped[TrainingBase] = relationship()
    booker: Mapped[Organisation] = relationship()

    @property
    def hours(self) -> int:
        return SLOT_HOURS.get(self.period, 0)
