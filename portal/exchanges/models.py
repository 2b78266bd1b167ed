"""Two-way exchange (双向交流): enterprise practice posts and the exchanges themselves.

Two flows share one `Exchange` table:

- expert_to_school (企业兼职教师): an expert listed in an enterprise's published
  part-time-teacher posting (`Posting.details["experts"]`) teaches a school's
  `TeachingNeed`. Experts have no table of their own, so the exchange keeps the
  posting and a snapshot of the expert's name and title.
- teacher_to_enterprise (教师企业实践): a school `Teacher` open to practice works
  in one of an enterprise's `PracticePost`s.

The workflow (portal.exchanges.services) is proposed → accepted by one side →
agreed (both accepted) → completed, or cancelled with a reason at any step
before completion.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, Timestamps, UTCDateTime

if TYPE_CHECKING:
    from portal.organisations.models import Enterprise, School
    from portal.partnerships.cooperation_models import Cooperation
    from portal.postings.models import Posting
    from portal.programs.school_models import Teacher, TeachingNeed


class PracticePostStatus(State):
    OPEN = "open", _l("Open"), "good"
    CLOSED = "closed", _l("Closed"), "neutral"


class PracticePost(Stateful, Timestamps, db.Model):
    """A post where school teachers can do enterprise practice (教师企业实践岗位)."""

    __tablename__ = "practice_post"
    states = PracticePostStatus
    __table_args__ = (
        CheckConstraint("hours_per_term > 0", name="hours_positive"),
        CheckConstraint("places > 0", name="places_positive"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(Text, default="")  # normalised list joined with "、"
    hours_per_term: Mapped[int] = mapped_column(default=40)
    places: Mapped[int] = mapped_column(default=1)  # teachers at the same time
    status: Mapped[str] = mapped_column(String(20), default=PracticePostStatus.OPEN.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])

    @property
    def is_open(self) -> bool:
        return self.status == PracticePostStatus.OPEN.value

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split("、") if s]


class ExchangeDirection(str, enum.Enum):
    EXPERT_TO_SCHOOL = "expert_to_school"  # 企业兼职教师
    TEACHER_TO_ENTERPRISE = "teacher_to_enterprise"  # 教师企业实践


DIRECTION_LABELS: dict[str, Any] = {
    ExchangeDirection.EXPERT_TO_SCHOOL.value: _l("Part-time teacher from industry"),
    ExchangeDirection.TEACHER_TO_ENTERPRISE.value: _l("Teacher enterprise practice"),
}


class ExchangeStatus(State):
    PROPOSED = "proposed", _l("Proposed"), "warn"
    ACCEPTED_BY_SCHOOL = "accepted_by_school", _l("Accepted by the school"), "warn"
    ACCEPTED_BY_ENTERPRISE = "accepted_by_enterprise", _l("Accepted by the enterprise"), "warn"
    AGREED = "agreed", _l("Agreed"), "good"
    COMPLETED = "completed", _l("Completed"), "good"
    CANCELLED = "cancelled", _l("Cancelled"), "neutral"


# Statuses that hold the expert's hours, the need's hours or the post's place.
ACTIVE_STATUSES = (
    ExchangeStatus.PROPOSED.value,
    ExchangeStatus.ACCEPTED_BY_SCHOOL.value,
    ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value,
    ExchangeStatus.AGREED.value,
)


class Exchange(Stateful, Timestamps, db.Model):
    __tablename__ = "exchange"
    states = ExchangeStatus
    audit_subject: ClassVar[object] = _l("Teacher exchange")
    # Warnings the last service call gives about this exchange, for the page (not stored).
    warnings = ()
    __table_args__ = (
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("direction IN ('expert_to_school', 'teacher_to_enterprise')", name="direction_known"),
        CheckConstraint(
            "status IN ('proposed', 'accepted_by_school', 'accepted_by_enterprise', 'agreed', 'completed', "
            "'cancelled')",
            name="status_known",
        ),
        CheckConstraint(
            "(direction = 'expert_to_school' AND posting_id IS NOT NULL AND need_id IS NOT NULL) OR "
            "(direction = 'teacher_to_enterprise' AND practice_post_id IS NOT NULL)",
            name="direction_shape",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(30), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # expert_to_school: the posting that offers the expert, the expert as listed there, the need.
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), index=True)
    expert_name: Mapped[str | None] = mapped_column(String(60))
    expert_title: Mapped[str | None] = mapped_column(String(30))  # a postings.TECH_TITLES code
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("teaching_need.id", ondelete="CASCADE"), index=True
    )
    # teacher_to_enterprise: the teacher (name kept if the teacher record is removed) and the post.
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teacher.id", ondelete="SET NULL"), index=True)
    teacher_name: Mapped[str | None] = mapped_column(String(60))
    practice_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_post.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(String(40))  # e.g. 2026年秋季学期
    hours: Mapped[int] = mapped_column()
    # The matcher's score in [0, 1] and its structured reasons, when it suggested the pair.
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(30), default=ExchangeStatus.PROPOSED.value, index=True)
    school_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enterprise_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # "school" or "enterprise"
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    double_qualified_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cooperation_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperation.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)

    school: Mapped[School] = relationship(foreign_keys=[school_id])
    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])
    posting: Mapped[Posting | None] = relationship()
    need: Mapped[TeachingNeed | None] = relationship()
    teacher: Mapped[Teacher | None] = relationship()
    practice_post: Mapped[PracticePost | None] = relationship()
    cooperation: Mapped[Cooperation | None] = relationship()

    @property
    def is_expert_to_school(self) -> bool:
        return self.direction == ExchangeDirection.EXPERT_TO_SCHOOL.value

    @property
    def person(self) -> str:
        """Who moves: the expert or the teacher."""
        return (self.expert_name if self.is_expert_to_school else self.teacher_name) or ""

    @property
    def placement(self) -> str:
        """Where they go: the course or the practice post."""
        if self.is_expert_to_school:
            return self.need.course if self.need is not None else ""
        return self.practice_post.title if self.practice_post is not None else ""

    @property
    def score_percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    def __repr__(self) -> str:
        return f"<Exchange {self.id} {self.direction} {self.status}>"
