"""职业教育集团 (vocational education groups): a lead school, its members (schools, enterprises,
colleges, agencies), its charter and what members share."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.organisations.models import School
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow


class MemberKind(State):
    SCHOOL = "school", _l("School"), "neutral"
    ENTERPRISE = "enterprise", _l("Enterprise"), "neutral"
    COLLEGE = "college", _l("College or university"), "neutral"
    AGENCY = "agency", _l("Agency or association"), "neutral"


class ShareKind(State):
    BASE = "base", _l("Training base"), "neutral"
    TEACHERS = "teachers", _l("Teachers"), "neutral"
    COURSE = "course", _l("Course"), "neutral"


class EducationGroup(db.Model):
    __tablename__ = "education_group"
    audit_subject: ClassVar[object] = _l("Vocational education group")
    audit_actions: ClassVar[dict[str, object]] = {
        "member": _l("Member added"),
        "share": _l("Shared resource added"),
    }
    audit_states: ClassVar[tuple[type[State], ...]] = (MemberKind, ShareKind)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    lead_school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    founded_on: Mapped[date] = mapped_column(Date)
    charter: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # PDF or image, checked by content
    charter_type: Mapped[str] = mapped_column(String(20))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lead_school: Mapped[School] = relationship()

    @property
    def charter_extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[self.charter_type]

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", order_by="GroupMember.id", cascade="all, delete-orphan"
    )
    shares: Mapped[list[GroupShare]] = relationship(
        back_populates="group", order_by="GroupShare.id", cascade="all, delete-orphan"
    )


class GroupMember(db.Model):
    """A member: an organisation of the platform (organisation_id) or one named as typed."""

    __tablename__ = "education_group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("education_group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(120))

    group: Mapped[EducationGroup] = relationship(back_populates="members")

    @property
    def kind_state(self) -> MemberKind:
        return MemberKind(self.kind)


class GroupShare(db.Model):
    """Something members share: a base, teachers, a course, and who offers it."""

    __tablename__ = "education_group_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("education_group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    offered_by: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(200))

    group: Mapped[EducationGroup] = relationship(back_populates="shares")

    @property
    def kind_state(self) -> ShareKind:
        return ShareKind(self.kind)
