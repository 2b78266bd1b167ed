"""Modern apprenticeship allocation (现代学徒制): programmes, places, students' choices, runs.

An `ApprenticeshipProgramme` belongs to an agreed apprenticeship `Cooperation`. Its
`ApprenticePlace`s are places at an enterprise site or with a workplace mentor (师傅).
Students rank places (`ApprenticeChoice`); the enterprise ranks the applicants of a
place (`EnterpriseRanking`) or lets the matcher rank them by profile similarity
(`ApprenticePlace.ranked_by`). School staff run the allocation: every run stores its
inputs and result as JSON (`AllocationRun`), so a published run can be repeated
exactly. Publishing one run freezes the programme (`frozen_at`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, step_table, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.organisations.models import Enterprise, School
    from portal.partnerships.cooperation_models import Cooperation


class ProgrammeStatus(State):
    DRAFT = "draft", _l("Draft"), "warn"  # staff prepare places; students do not see it
    OPEN = "open", _l("Open for applications"), "good"  # students rank places within the application window
    CLOSED = (
        "closed",
        _l("Closed"),
        "neutral",
    )  # no more choices; allocation may still be previewed until published


class RankedBy(State):
    """How a place orders its applicants."""

    # similarity of the student's profile to the place's description
    MATCHER = "matcher", _l("Ranked by the matcher")
    ENTERPRISE = "enterprise", _l("Ranked by the enterprise")  # its own order (EnterpriseRanking rows)


class RunStatus(State):
    PREVIEW = "preview", _l("Preview"), "warn"
    PUBLISHED = "published", _l("Published"), "good"


class UnplacedReason(State):
    """Why the allocation gave a student no place (the matcher's code); the label is for staff,
    the student reads `services.REASON_MESSAGES`."""

    CAPACITY = "capacity", _l("Places full with higher-ranked applicants")
    NOT_ACCEPTABLE = "not_acceptable", _l("Nothing ranked that fits")
    NO_PREFERENCES = "no_preferences", _l("No place ranked")
    ENTERPRISE_CAP = "enterprise_cap", _l("Enterprise has no room left")


class ApprenticeshipProgramme(Stateful, db.Model):
    __tablename__ = "apprenticeship_programme"
    states = ProgrammeStatus
    audit_subject: ClassVar[object] = _l("Apprenticeship programme")
    steps = step_table(
        open=(ProgrammeStatus.DRAFT,),
        close=(ProgrammeStatus.OPEN,),
        preview=(ProgrammeStatus.OPEN, ProgrammeStatus.CLOSED),
    )
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="window_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperation.id"), index=True)
    # The cooperation's partners, copied so ownership checks and the audit log need no join.
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ProgrammeStatus.DRAFT.value, index=True)
    # Set once, when a run is published: from then on nothing about the allocation changes.
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cooperation: Mapped[Cooperation] = relationship()
    school: Mapped[School] = relationship(foreign_keys=[school_id])
    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])
    places: Mapped[list[ApprenticePlace]] = relationship(
        back_populates="programme", order_by="ApprenticePlace.id", cascade="all, delete-orphan"
    )

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class ApprenticePlace(db.Model):
    """Places at one enterprise site or with one mentor (师傅)."""

    __tablename__ = "apprentice_place"
    audit_subject: ClassVar[object] = _l("Apprentice place")
    audit_states: ClassVar[tuple[type[State], ...]] = (RankedBy,)  # who ranks its applicants
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"), index=True)
    site: Mapped[str] = mapped_column(String(120), default="")  # workshop, line or site
    mentor_name: Mapped[str] = mapped_column(String(40), default="")
    mentor_title: Mapped[str] = mapped_column(String(30), default="")  # a key of postings.TECH_TITLES
    mentor_skills: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    ranked_by: Mapped[str] = mapped_column(String(20), default=RankedBy.MATCHER.value)
    added_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[ApprenticeshipProgramme] = relationship(back_populates="places")

    @property
    def label(self) -> str:
        parts = [p for p in (self.site, self.mentor_name) if p]
        return " · ".join(parts) or f"#{self.id}"


class ApprenticeChoice(db.Model):
    """One place a student wants, at a rank (1 = most wanted)."""

    __tablename__ = "apprentice_choice"
    __table_args__ = (
        UniqueConstraint("student_id", "place_id", name="uq_apprentice_choice_student_place"),
        UniqueConstraint("programme_id", "student_id", "rank", name="uq_apprentice_choice_student_rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("apprentice_place.id"), index=True)
    rank: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    student: Mapped[User] = relationship()
    place: Mapped[ApprenticePlace] = relationship()


class EnterpriseRanking(db.Model):
    """The enterprise's order of a place's applicants (used when the place is ranked by the enterprise).

    Applicants the enterprise leaves out are not acceptable to the place.
    """

    __tablename__ = "enterprise_ranking"
    __table_args__ = (
        UniqueConstraint("place_id", "student_id", name="uq_enterprise_ranking_place_student"),
        UniqueConstraint("place_id", "rank", name="uq_enterprise_ranking_place_rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("apprentice_place.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    rank: Mapped[int] = mapped_column()


class AllocationRun(Stateful, db.Model):
    """One run of the allocation, with everything needed to repeat it.

    `inputs`: {"students": [{"id", "preferences", "profile"}], "places": [{"id", "capacity",
    "preferences" (null: ranked by similarity), "description"}]}; `result`: the library's
    AllocationResult as JSON (assignments, unassigned_reasons, blocking_pairs, seed, lottery).
    """

    __tablename__ = "allocation_run"
    states = RunStatus
    audit_subject: ClassVar[object] = _l("Allocation run")

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.PREVIEW.value, index=True)
    seed: Mapped[int] = mapped_column()
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    programme: Mapped[ApprenticeshipProgramme] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED.value


class ApprenticeAgreement(db.Model):
    """The apprenticeship training agreement (学徒培养协议, 职业教育法 2022 Art. 30) of one pairing of a
    published allocation: school, enterprise and apprentice (and the guardian of a minor), with the
    stipend and the insurance. A pairing starts only once its agreement is recorded; the agreement
    keeps the version of the rules it was made under (`terms_version`), so later rules never rewrite it."""

    __tablename__ = "apprentice_agreement"
    audit_subject: ClassVar[object] = _l("Apprenticeship training agreement")
    __table_args__ = (
        UniqueConstraint("programme_id", "student_id", name="uq_apprentice_agreement_programme_student"),
        CheckConstraint("stipend_yuan > 0", name="stipend_positive"),
        CheckConstraint("insurance_until >= insurance_from", name="insurance_ordered"),
        CheckConstraint("insurance_paid_by IN ('enterprise', 'school')", name="insurance_not_by_apprentice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("apprentice_place.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The partners, copied so ownership checks and the audit log need no join.
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    signed_on: Mapped[date] = mapped_column(Date)
    stipend_yuan: Mapped[int] = mapped_column()  # a month
    insurer: Mapped[str] = mapped_column(String(120))
    insurance_policy: Mapped[str] = mapped_column(String(120))
    insurance_paid_by: Mapped[str] = mapped_column(String(20))
    insurance_from: Mapped[date] = mapped_column(Date)
    insurance_until: Mapped[date] = mapped_column(Date)
    # Under 18 on the first day: the guardian's written consent (name, relation, date).
    apprentice_minor: Mapped[bool] = mapped_column(default=False)
    guardian_name: Mapped[str | None] = mapped_column(String(60))
    guardian_relation: Mapped[str | None] = mapped_column(String(30))
    guardian_consent_on: Mapped[date | None] = mapped_column(Date)
    terms_version: Mapped[str] = mapped_column(String(30))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[ApprenticeshipProgramme] = relationship()
    place: Mapped[ApprenticePlace] = relationship()
    student: Mapped[User] = relationship(foreign_keys=[student_id])
