"""Pilots the administration designates, following section 7 of the district's plan.

- `PilotPartnership` (校企一体化合作办学试点): a school submits one of its agreed
  cooperations, with a plan, for pilot status. Administrators approve it, reject
  it with a reason or return it for changes; an approved pilot is published for
  a notice period (公示) and becomes final when that period ends, unless an
  administrator withdraws the approval because of an objection.
- `PilotEnterpriseApplication` (产教融合型企业): an enterprise applies with
  evidence; the figures are computed from the records when it applies and
  stored. The district recommends it after a public notice, with the
  criteria of 发改社会〔2019〕590号 as its records show them, and records the
  province's decision when it comes (the province confirms, Art. 4).

The state machines live in `portal.pilots.services`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, Timestamps, UTCDateTime, step_table, utcnow

if TYPE_CHECKING:
    from portal.organisations.models import Enterprise, School
    from portal.partnerships.cooperation_models import Cooperation


class PilotStatus(State):
    DRAFT = "draft", _l("Draft"), "warn"
    SUBMITTED = "submitted", _l("Submitted"), "warn"
    RETURNED = (
        "returned",
        _l("Returned for changes"),
        "warn",
    )  # sent back for changes; the school edits and submits again
    REJECTED = "rejected", _l("Rejected"), "bad"
    APPROVED = (
        "approved",
        _l("In notice period"),
        "info",
    )  # published; in its notice period until notice_ends_on
    FINAL = (
        "final",
        _l("Confirmed"),
        "good",
    )  # notice period over without objection (stored by `flask finalise-pilots`)
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "bad"  # approval withdrawn during the notice period


# A cooperation has at most one pilot in these states; after a rejection or a
# withdrawal the school may try again with a new plan.
OPEN_PILOT_STATES = ("draft", "submitted", "returned", "approved", "final")


class PilotPartnership(Stateful, Timestamps, db.Model):
    __tablename__ = "pilot_partnership"
    states = PilotStatus
    audit_subject: ClassVar[object] = _l("Pilot partnership")
    # The school edits and submits its plan until the administrators decide; returned, it may again.
    steps = step_table(
        edit=(PilotStatus.DRAFT, PilotStatus.RETURNED),
        submit=(PilotStatus.DRAFT, PilotStatus.RETURNED),
        decide=(PilotStatus.SUBMITTED,),
    )
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'rejected', 'approved', 'final', 'withdrawn')",
            name="status_known",
        ),
        CheckConstraint(
            "notice_ends_on IS NULL OR notice_starts_on IS NULL OR notice_ends_on >= notice_starts_on",
            name="notice_ordered",
        ),
        # One open pilot per cooperation, also when two staff submit at the same moment.
        Index(
            "uq_pilot_partnership_open",
            "cooperation_id",
            unique=True,
            sqlite_where=text("status IN ('draft', 'submitted', 'returned', 'approved', 'final')"),
            postgresql_where=text("status IN ('draft', 'submitted', 'returned', 'approved', 'final')"),
        ),
        Index("ix_pilot_partnership_status_notice", "status", "notice_ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperation.id"), index=True)
    # Copied from the cooperation: who may act, and which organisations the audit log concerns.
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PilotStatus.DRAFT.value, index=True)
    # The plan (试点方案).
    goals: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    timeline: Mapped[str] = mapped_column(Text, default="")
    # The last decision's reason (rejection, withdrawal) or note (returned for changes).
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The notice period (公示期), district calendar days, both inclusive.
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Objections (异议) received during the notice period and not yet answered: while there
    # are any, the pilot stays in its notice period and cannot become final.
    open_objections: Mapped[int] = mapped_column(default=0, server_default="0")
    is_demo: Mapped[bool] = mapped_column(default=False)

    cooperation: Mapped[Cooperation] = relationship()
    school: Mapped[School] = relationship(foreign_keys=[school_id])
    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])

    def public_state(self, today: date) -> str | None:
        """'notice' (公示中), 'final' (已确认) or None (not public), from the dates.

        An approved pilot whose notice period is over is final even before
        `flask finalise-pilots` has stored it.
        """
        if self.status == PilotStatus.FINAL.value:
            return "final"
        if self.status != PilotStatus.APPROVED.value or self.notice_ends_on is None:
            return None
        return "notice" if today <= self.notice_ends_on or self.open_objections else "final"

    def state_on(self, today: date) -> PilotStatus:
        """The state people read on `today`: final once the notice period is over, even before
        `flask finalise-pilots` has stored it."""
        return PilotStatus.FINAL if self.public_state(today) == "final" else PilotStatus(self.status)

    def accepts_objections(self, today: date) -> bool:
        """Anyone may object from the first to the last day of the notice period."""
        return (
            self.status == PilotStatus.APPROVED.value
            and self.notice_starts_on is not None
            and self.notice_ends_on is not None
            and self.notice_starts_on <= today <= self.notice_ends_on
        )

    def __repr__(self) -> str:
        return f"<PilotPartnership {self.id} cooperation={self.cooperation_id} {self.status}>"


class PilotObjection(db.Model):
    """An objection (异议) to a pilot in its notice period, from anyone, with a way to reach them.

    The contact is seen by administrators only; the public page shows how many
    objections arrived and how many are answered, never who sent them.
    """

    __tablename__ = "pilot_objection"
    __table_args__ = (CheckConstraint("answered_at IS NULL OR answer IS NOT NULL", name="answer_with_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot_partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    contact: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pilot: Mapped[PilotPartnership] = relationship()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def __repr__(self) -> str:
        return (
            f"<PilotObjection {self.id} pilot={self.pilot_id} {'answered' if self.is_answered else 'open'}>"
        )


class PilotEnterpriseStatus(State):
    SUBMITTED = "submitted", _l("Submitted"), "warn"
    # The district recommends it to the province (发改社会〔2019〕590号 Art. 4: the province confirms),
    # after a public notice; the label says what it is until the province's decision is recorded.
    RECOMMENDED = "recommended", _l("Recommended to the province"), "info"
    CONFIRMED = "confirmed", _l("Confirmed by the province"), "good"
    NOT_CONFIRMED = "not_confirmed", _l("Not confirmed by the province"), "bad"
    REJECTED = "rejected", _l("Not recommended"), "bad"  # the district declined to recommend it
    WITHDRAWN = "withdrawn", _l("Recommendation withdrawn"), "bad"  # during the public notice
    REVOKED = "revoked", _l("Revoked"), "bad"  # confirmation revoked by the province, recorded


OPEN_APPLICATION_STATES = ("submitted", "recommended", "confirmed")
_OPEN_SQL = "status IN ('submitted', 'recommended', 'confirmed')"


class PilotEnterpriseApplication(Stateful, db.Model):
    __tablename__ = "pilot_enterprise_application"
    states = PilotEnterpriseStatus
    audit_subject: ClassVar[object] = _l("Pilot enterprise application")
    steps = step_table(
        recommend=(PilotEnterpriseStatus.SUBMITTED,),
        decline=(PilotEnterpriseStatus.SUBMITTED,),
        withdraw=(PilotEnterpriseStatus.RECOMMENDED,),
        record_decision=(PilotEnterpriseStatus.RECOMMENDED,),
        revoke=(PilotEnterpriseStatus.CONFIRMED,),
    )
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'recommended', 'confirmed', 'not_confirmed', 'rejected', 'withdrawn', "
            "'revoked')",
            name="status_known",
        ),
        CheckConstraint(
            "notice_ends_on IS NULL OR notice_starts_on IS NULL OR notice_ends_on >= notice_starts_on",
            name="notice_ordered",
        ),
        # One open application (waiting, recommended or confirmed) per enterprise.
        Index(
            "uq_pilot_enterprise_open",
            "enterprise_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PilotEnterpriseStatus.SUBMITTED.value, index=True)
    statement: Mapped[str] = mapped_column(
        Text, default=""
    )  # the enterprise's own account of its cooperation
    # Figures computed from the records at submission (see services.statistics.enterprise_evidence).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The 590 criteria as the records showed them when the district recommended (portal.rules.pilots):
    # [{"key", "met", "evidence", "missing"}], kept so the recommendation rests on what was seen.
    criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decision_reason: Mapped[str | None] = mapped_column(Text)  # why not recommended, withdrawn or revoked
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The district's recommendation (推荐意见) and its public notice (公示), district dates, inclusive;
    # the notice's length and its reason are copied from the setting in force when it started.
    recommendation: Mapped[str | None] = mapped_column(Text)
    recommended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    notice_days: Mapped[int | None] = mapped_column()
    notice_note: Mapped[str | None] = mapped_column(Text)
    # The province's decision, recorded when it comes: its document number (文号) and date.
    decision_document: Mapped[str | None] = mapped_column(String(120))
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decision_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATES

    def in_notice(self, today: date) -> bool:
        """Recommended and inside its public notice, first and last day included."""
        return (
            self.status == PilotEnterpriseStatus.RECOMMENDED.value
            and self.notice_starts_on is not None
            and self.notice_ends_on is not None
            and self.notice_starts_on <= today <= self.notice_ends_on
        )

    def awaits_decision(self, today: date) -> bool:
        """Recommended, notice over: the province's decision can be recorded."""
        return (
            self.status == PilotEnterpriseStatus.RECOMMENDED.value
            and self.notice_ends_on is not None
            and today > self.notice_ends_on
        )

    def __repr__(self) -> str:
        return f"<PilotEnterpriseApplication {self.id} enterprise={self.enterprise_id} {self.status}>"
