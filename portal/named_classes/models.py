"""Named classes (冠名班/订单班) and the students' applications to them.

A named class is published by the school of an agreed order-class cooperation.
Its `taken` counter is the number of admitted applications; the database itself
refuses a class with more admissions than seats (CHECK), and admission only
ever moves `taken` through a conditional UPDATE (see
`portal.named_classes.services.admit`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, step_table, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.partnerships.cooperation_models import Cooperation


class NamedClassStatus(State):
    DRAFT = "draft", _l("Draft"), "warn"
    OPEN = "open", _l("Open"), "good"
    CLOSED = "closed", _l("Closed"), "neutral"


class ApplicationStatus(State):
    SUBMITTED = "submitted", _l("Submitted"), "warn"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "neutral"
    ENTERPRISE_APPROVED = (
        "enterprise_approved",
        _l("Approved by the enterprise"),
        "info",
    )  # the enterprise's review said yes; the school admits
    ADMITTED = "admitted", _l("Admitted"), "good"
    REJECTED = "rejected", _l("Not admitted"), "bad"


# Applications still waiting for a decision: a student has at most one per class.
ACTIVE_APPLICATION_STATES = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.ENTERPRISE_APPROVED.value)

BENEFITS: dict[str, object] = {
    "scholarship": _l("Scholarship"),
    "guaranteed_job": _l("Guaranteed job after graduation"),
    "equipment": _l("Training equipment"),
    "mentors": _l("Workplace mentors"),
}


class ClassFigures:
    """What a class's page and card show of its seats and benefits, derived from its `seats`,
    `taken` and benefit flags: the same for a record and for a list's card (services.ClassCard)."""

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.taken, 0)

    @property
    def benefit_codes(self) -> list[str]:
        return [code for code in BENEFITS if getattr(self, code)]


class NamedClass(ClassFigures, Stateful, db.Model):
    __tablename__ = "named_class"
    states = NamedClassStatus
    audit_subject: ClassVar[object] = _l("Named class")
    steps = step_table(publish=(NamedClassStatus.DRAFT,), close=(NamedClassStatus.OPEN,))
    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("taken >= 0", name="taken_nonnegative"),
        CheckConstraint("taken <= seats", name="taken_within_seats"),
        CheckConstraint("closes_on >= opens_on", name="window_ordered"),
        CheckConstraint("decide_by >= closes_on", name="decisions_after_window"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status_known"),
        Index("ix_named_class_status_closes_on", "status", "closes_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperation.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    seats: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    # The application window, in district dates, both days included.
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # Admissions continue after the window closes, until this date.
    decide_by: Mapped[date] = mapped_column(Date)
    scholarship: Mapped[bool] = mapped_column(default=False)
    guaranteed_job: Mapped[bool] = mapped_column(default=False)
    equipment: Mapped[bool] = mapped_column(default=False)
    mentors: Mapped[bool] = mapped_column(default=False)
    benefits_detail: Mapped[str] = mapped_column(Text, default="")
    # Students stay free to choose an employer at the end (the district's rule, setting
    # `order_class_free_choice`): the clause as recorded when the class was made. NULL: made before the
    # rule, listed for the school to review.
    free_choice: Mapped[bool | None] = mapped_column()
    free_choice_clause: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text, default="")  # selection criteria
    status: Mapped[str] = mapped_column(String(20), default=NamedClassStatus.DRAFT.value)
    # Lower-cased name, partners, major, criteria: one LIKE finds Chinese substrings on both databases.
    search_text: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    cooperation: Mapped[Cooperation] = relationship()
    applications: Mapped[list[ClassApplication]] = relationship(
        back_populates="named_class", order_by="ClassApplication.id"
    )

    # The partners, read through the cooperation (the audit log files entries under both).
    @property
    def school_id(self) -> int:
        return self.cooperation.school_id

    @property
    def enterprise_id(self) -> int:
        return self.cooperation.enterprise_id

    @property
    def school(self):
        return self.cooperation.school

    @property
    def enterprise(self):
        return self.cooperation.enterprise

    @property
    def program(self):
        return self.cooperation.program

    @property
    def is_full(self) -> bool:
        return self.taken >= self.seats

    @property
    def is_draft(self) -> bool:
        return self.status == NamedClassStatus.DRAFT.value

    @property
    def is_open(self) -> bool:
        return self.status == NamedClassStatus.OPEN.value

    @property
    def is_closed(self) -> bool:
        return self.status == NamedClassStatus.CLOSED.value

    def __repr__(self) -> str:
        return f"<NamedClass {self.id} {self.status} {self.taken}/{self.seats} {self.name!r}>"


class ClassApplication(Stateful, db.Model):
    """One student's application to one class.

    UNIQUE(class, student): a student who withdrew and applies again reuses the
    row (the audit log keeps the earlier round), so there is never more than one
    active application per class and student, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "class_application"
    states = ApplicationStatus
    audit_subject: ClassVar[object] = _l("Application to a named class")
    steps = step_table(
        withdraw=(ApplicationStatus.SUBMITTED, ApplicationStatus.ENTERPRISE_APPROVED),
        review=(ApplicationStatus.SUBMITTED,),
        admit=(ApplicationStatus.SUBMITTED, ApplicationStatus.ENTERPRISE_APPROVED),
        # where the enterprise reviews first, the school admits only what it approved
        admit_reviewed=(ApplicationStatus.ENTERPRISE_APPROVED,),
    )
    __table_args__ = (
        UniqueConstraint("named_class_id", "student_id", name="uq_class_application_class_student"),
        CheckConstraint(
            "status IN ('submitted', 'withdrawn', 'enterprise_approved', 'admitted', 'rejected')",
            name="status_known",
        ),
        Index("ix_class_application_class_status", "named_class_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    named_class_id: Mapped[int] = mapped_column(ForeignKey("named_class.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED.value)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the enterprise's reviewer
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    named_class: Mapped[NamedClass] = relationship(back_populates="applications")
    student: Mapped[User] = relationship(foreign_keys=[student_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_APPLICATION_STATES

    def __repr__(self) -> str:
        who = f"class={self.named_class_id} student={self.student_id}"
        return f"<ClassApplication {self.id} {who} {self.status}>"
