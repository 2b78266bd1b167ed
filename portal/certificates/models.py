"""职业技能等级证书 (1+X): the catalogue administrators keep, the schools' pilot and exam-site
roles, exam sessions and each student's result."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.organisations.models import School
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow


class CertificateLevel(State):
    JUNIOR = "junior", _l("Junior (初级)"), "neutral"
    INTERMEDIATE = "intermediate", _l("Intermediate (中级)"), "info"
    SENIOR = "senior", _l("Senior (高级)"), "good"


class SiteRole(State):
    PILOT = "pilot", _l("Pilot school (试点院校)"), "info"
    EXAM_SITE = "exam_site", _l("Exam site (考核站点)"), "good"


class SkillCertificate(db.Model):
    """One certificate at one level, as the administrators' catalogue records it (never typed in
    by a school). `majors`: the 2021 catalogue codes it fits, comma-separated."""

    __tablename__ = "skill_certificate"
    audit_subject: ClassVar[object] = _l("Skill-level certificate")
    audit_states: ClassVar[tuple[type[State], ...]] = (CertificateLevel,)
    __table_args__ = (UniqueConstraint("name", "level", name="uq_skill_certificate_name_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16))
    issuer: Mapped[str] = mapped_column(String(120))  # 评价组织 (the assessment body)
    majors: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def level_state(self) -> CertificateLevel:
        return CertificateLevel(self.level)

    @property
    def major_codes(self) -> list[str]:
        return [c for c in self.majors.split(",") if c]

    @property
    def label(self) -> str:
        return f"{self.name}（{self.level_state.label}）"


class ExamSite(db.Model):
    """A school's role for a certificate: pilot school, exam site, or both (two rows)."""

    __tablename__ = "exam_site"
    audit_subject: ClassVar[object] = _l("Pilot school or exam site")
    audit_states: ClassVar[tuple[type[State], ...]] = (SiteRole,)
    __table_args__ = (UniqueConstraint("school_id", "certificate_id", "role", name="uq_exam_site_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("skill_certificate.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    certificate: Mapped[SkillCertificate] = relationship()

    @property
    def role_state(self) -> SiteRole:
        return SiteRole(self.role)


class ExamSession(db.Model):
    """One sitting of a certificate's assessment that a school's students took."""

    __tablename__ = "exam_session"
    audit_subject: ClassVar[object] = _l("Exam session")
    audit_actions: ClassVar[dict[str, object]] = {"results": _l("Results recorded")}

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("skill_certificate.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School] = relationship()
    certificate: Mapped[SkillCertificate] = relationship()
    results: Mapped[list[ExamResult]] = relationship(back_populates="session", order_by="ExamResult.id")


class ExamResult(db.Model):
    """A student's result in a session, recorded (and so verified) by their school."""

    __tablename__ = "exam_result"
    __table_args__ = (UniqueConstraint("session_id", "student_id", name="uq_exam_result_student"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The student's major when the result was recorded: pass rates per major read it.
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id"), index=True)
    passed: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[ExamSession] = relationship(back_populates="results")
    student: Mapped[User] = relationship(foreign_keys=[student_id])
