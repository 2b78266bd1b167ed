"""School–enterprise cooperation (校企合作): the agreed relationship every workflow hangs on.

A Cooperation is created when a school and an enterprise agree on terms,
whether they met through a matcher proposal or by asking each other directly.
Named classes, apprenticeship programmes, exchanges and pilot applications
all refer to one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, step_table, utcnow

if TYPE_CHECKING:
    from portal.organisations.models import Enterprise, School
    from portal.postings.models import Posting
    from portal.programs.models import Program


class CooperationKind(State):
    ORDER_CLASS = "order_class", _l("Order class / named class")  # 订单班 / 冠名班
    APPRENTICESHIP = "apprenticeship", _l("Modern apprenticeship")  # 现代学徒制项目
    INTERNSHIP = "internship", _l("Internship")  # 岗位实习
    # 兼职教师 / 教师企业实践 (双向交流)
    TEACHER_EXCHANGE = "teacher_exchange", _l("Part-time teacher exchange")
    STAFF_TRAINING = "staff_training", _l("Staff training")  # 职工培训
    TRAINING_BASE = "training_base", _l("Shared training base")  # 共建实训基地


class AdmissionsMode(str, enum.Enum):
    """Who decides on applications to what the cooperation offers students.

    The partners choose when they agree, as real partnerships do.
    """

    SCHOOL = "school"  # the school admits alone
    ENTERPRISE_REVIEW = "enterprise_review"  # the school admits only after the enterprise has reviewed
    SHARED = "shared"  # either partner may admit or reject


class CooperationStatus(State):
    ACTIVE = "active", _l("Active"), "good"
    ENDED = "ended", _l("Ended"), "neutral"


class Cooperation(Stateful, db.Model):
    __tablename__ = "cooperation"
    states = CooperationStatus
    audit_subject: ClassVar[object] = _l("Cooperation")
    steps = step_table(become_pilot=(CooperationStatus.ACTIVE,))
    __table_args__ = (
        CheckConstraint("seats >= 0", name="seats_nonnegative"),
        CheckConstraint("duration_months > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id"), index=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("posting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(120))
    seats: Mapped[int] = mapped_column(default=0)  # seats, places or people, depending on the kind
    start_date: Mapped[date] = mapped_column(Date)
    duration_months: Mapped[int] = mapped_column(default=12)
    school_provides: Mapped[str] = mapped_column(Text, default="")
    enterprise_provides: Mapped[str] = mapped_column(Text, default="")
    admissions_mode: Mapped[str] = mapped_column(String(30), default=AdmissionsMode.SCHOOL.value)
    status: Mapped[str] = mapped_column(String(20), default=CooperationStatus.ACTIVE.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School] = relationship(foreign_keys=[school_id])
    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])
    program: Mapped[Program | None] = relationship()
    posting: Mapped[Posting | None] = relationship()

    def involves(self, organisation_id: int | None) -> bool:
        return organisation_id in (self.school_id, self.enterprise_id)
