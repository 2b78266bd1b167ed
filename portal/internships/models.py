"""岗位实习 placements: a student's application to an internship posting, the enterprise's
offer with its terms, the student's answer, the school's approval, and what came of it.

One row per student and posting (UNIQUE). The offer's terms are columns, not JSON, because the
rules of the 2021 internship regulation are checked against them (services/internships.py) and
the three-party agreement is written from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.organisations.models import Organisation
    from portal.postings.models import Posting


class PlacementStatus(State):
    """applied → shortlisted → offered → accepted → approved → in_progress → completed → hired;
    declined (student), rejected (enterprise or school) end it."""

    APPLIED = "applied", _l("Applied"), "info"
    SHORTLISTED = "shortlisted", _l("Shortlisted"), "info"
    OFFERED = "offered", _l("Offered"), "warn"
    ACCEPTED = "accepted", _l("Offer accepted"), "warn"
    DECLINED = "declined", _l("Offer declined"), "neutral"
    REJECTED = "rejected", _l("Not taken"), "bad"
    APPROVED = "approved", _l("Approved by the school"), "good"
    IN_PROGRESS = "in_progress", _l("In progress"), "good"
    COMPLETED = "completed", _l("Completed"), "good"
    HIRED = "hired", _l("Hired"), "good"


class Destination(State):
    """Where the student went after the internship (recorded by the school)."""

    HOST = "host", _l("Hired by the host enterprise")
    LAIWU = "laiwu", _l("Another enterprise in Laiwu")
    OUTSIDE = "outside", _l("Work outside Laiwu")
    STUDY = "study", _l("Further study")
    OTHER = "other", _l("Other")

    @property
    def stays_in_laiwu(self) -> bool:
        return self in (Destination.HOST, Destination.LAIWU)


# The pipeline an enterprise watches, in order (declined and rejected leave it).
PIPELINE = (
    PlacementStatus.APPLIED,
    PlacementStatus.SHORTLISTED,
    PlacementStatus.OFFERED,
    PlacementStatus.ACCEPTED,
    PlacementStatus.APPROVED,
    PlacementStatus.IN_PROGRESS,
    PlacementStatus.COMPLETED,
    PlacementStatus.HIRED,
)
# States in which the student counts as the enterprise's intern for the 10 % / 20 % rules: the
# placements the school approved (accepted offers still compete; the school's approval decides).
HOLDING = (PlacementStatus.APPROVED, PlacementStatus.IN_PROGRESS)

_STATES = ", ".join(f"'{s.value}'" for s in PlacementStatus)


class Placement(Stateful, db.Model):
    __tablename__ = "internship_placement"
    states = PlacementStatus
    audit_subject: ClassVar[object] = _l("Internship")
    audit_states: ClassVar[tuple[type[State], ...]] = (Destination,)  # where the student went
    __table_args__ = (
        UniqueConstraint("posting_id", "student_id", name="uq_internship_placement_posting_student"),
        CheckConstraint(f"status IN ({_STATES})", name="status_known"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("fee_charged IS NULL OR fee_charged = 0", name="no_fee"),
        CheckConstraint(
            "insurance_payer IS NULL OR insurance_payer <> 'student'", name="insurance_not_student"
        ),
        CheckConstraint(
            "destination IS NULL OR destination IN ('host', 'laiwu', 'outside', 'study', 'other')",
            name="destination_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PlacementStatus.APPLIED.value)
    statement: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str | None] = mapped_column(Text)  # why it was declined or not taken

    # The offer's terms.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    daily_hours: Mapped[int | None] = mapped_column()
    shift_pattern: Mapped[str | None] = mapped_column(String(200))
    night_shifts: Mapped[bool | None] = mapped_column()
    overtime: Mapped[bool | None] = mapped_column()
    holiday_work: Mapped[bool | None] = mapped_column()
    pay_monthly: Mapped[int | None] = mapped_column()  # yuan a month
    post_wage: Mapped[int | None] = mapped_column()  # the same post's wage standard, yuan a month
    insurance_policy: Mapped[str | None] = mapped_column(String(200))
    fee_charged: Mapped[int | None] = mapped_column()  # always 0: the CHECK above and the rules
    mentor_name: Mapped[str | None] = mapped_column(String(60))
    # Snapshots at the offer of the enterprise's record (在岗职工总数) and the posting's count of
    # employees on the same post (同类岗位在岗职工): the 10 %/20 % shares, never retyped by HR.
    staff_count: Mapped[int | None] = mapped_column()
    post_staff_count: Mapped[int | None] = mapped_column()
    # Added with the 2021 model agreement (rule version 2021-4/2026.1); NULL on older offers.
    weekly_hours: Mapped[int | None] = mapped_column()
    rest_days: Mapped[int | None] = mapped_column()  # days of rest a week
    insurance_payer: Mapped[str | None] = mapped_column(String(20))  # school | enterprise | both
    insurer: Mapped[str | None] = mapped_column(String(100))
    cover_starts_on: Mapped[date | None] = mapped_column(Date)
    cover_ends_on: Mapped[date | None] = mapped_column(Date)
    lodging_terms: Mapped[str | None] = mapped_column(String(300))  # board and lodging
    leave_terms: Mapped[str | None] = mapped_column(String(300))  # asking for leave
    accident_terms: Mapped[str | None] = mapped_column(String(300))  # accidents, costs beyond insurance
    assessment_terms: Mapped[str | None] = mapped_column(String(300))  # how the internship is assessed
    school_supervisor: Mapped[str | None] = mapped_column(String(60))  # named when the school approves
    # The rules and agreement clauses the offer was made under (portal.rules.internships.RULE_VERSION);
    # NULL: before versions were kept (the first clause set).
    rule_version: Mapped[str | None] = mapped_column(String(30))
    # Written consent (知情同意书) of the student and, under 18, of the guardian: PDF/PNG/JPEG by content.
    student_consent: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    student_consent_type: Mapped[str | None] = mapped_column(String(20))
    guardian_consent: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    guardian_consent_type: Mapped[str | None] = mapped_column(String(20))
    # The graded assessment at the end, by each supervisor (excellent | good | pass | fail).
    enterprise_grade: Mapped[str | None] = mapped_column(String(20))
    school_grade: Mapped[str | None] = mapped_column(String(20))

    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The three-party agreement (学校—企业—学生三方协议): when each party confirmed it.
    school_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enterprise_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    student_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last week (Monday) and month (1st) a late log or evaluation was reminded of: the
    # reminder command may run any number of times and tells once per period.
    log_reminded_for: Mapped[date | None] = mapped_column(Date)
    evaluation_reminded_for: Mapped[date | None] = mapped_column(Date)
    destination: Mapped[str | None] = mapped_column(String(20))
    destination_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)

    posting: Mapped[Posting] = relationship()
    student: Mapped[User] = relationship(foreign_keys=[student_id])
    enterprise: Mapped[Organisation] = relationship(foreign_keys=[enterprise_id])
    school: Mapped[Organisation] = relationship(foreign_keys=[school_id])

    @property
    def is_signed(self) -> bool:
        return None not in (self.school_signed_at, self.enterprise_signed_at, self.student_signed_at)

    @property
    def where_to(self) -> Destination | None:
        return Destination(self.destination) if self.destination else None

    def __repr__(self) -> str:
        return f"<Placement {self.id} {self.status}>"


class EntryKind(State):
    """What the three parties write during the internship, each by one of them."""

    LOG = "log", _l("Weekly log")  # the student's weekly log (实习日志), one a week
    EVALUATION = "evaluation", _l("Monthly evaluation")  # the enterprise mentor's, one a month
    VISIT = "visit", _l("Supervisor's visit")  # the school supervisor's visit (巡查), one a day

    @property
    def party(self) -> str:
        return {"log": "student", "evaluation": "enterprise", "visit": "school"}[self.value]


class TimelineEntry(db.Model):
    """One log, evaluation or visit of a placement; the enterprise and the school read the same timeline."""

    __tablename__ = "internship_entry"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind", "period", name="uq_internship_entry_placement_kind_period"),
        CheckConstraint("kind IN ('log', 'evaluation', 'visit')", name="kind_known"),
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("internship_placement.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The week's Monday (log), the month's first day (evaluation) or the day (visit).
    period: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column()  # evaluations: 1 (poor) to 5 (excellent)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    author: Mapped[User | None] = relationship()

    @property
    def entry_kind(self) -> EntryKind:
        return EntryKind(self.kind)
