"""贯通培养 pathways (3+2 中职→高职, 3+4 中职→本科) and their yearly cohorts."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.organisations.models import School
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow
from portal.programs.models import Program


class PathwayKind(State):
    THREE_TWO = "3+2", _l("3+2 (secondary to higher vocational)"), "info"
    THREE_FOUR = "3+4", _l("3+4 (secondary vocational to bachelor)"), "info"


class Pathway(db.Model):
    """A school's major paired with a partner college's major, with the yearly quota.

    The school's major is one of its own majors (a 中职 major of the 2021 catalogue). For 3+2 the
    college's major is a 专科 major of the same catalogue (code checked); the catalogue file holds
    no 本科 majors, so a 3+4 college major is kept as the school typed it, marked unchecked.
    """

    __tablename__ = "pathway"
    audit_subject: ClassVar[object] = _l("Pathway (贯通培养)")
    audit_states: ClassVar[tuple[type[State], ...]] = (PathwayKind,)
    __table_args__ = (
        UniqueConstraint("program_id", "college", "higher_name", "kind", name="uq_pathway_pair"),
        CheckConstraint("yearly_quota >= 0", name="pathway_quota_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    college: Mapped[str] = mapped_column(String(120))  # the partner college or university
    higher_code: Mapped[str | None] = mapped_column(String(12))  # None: not in the catalogue file
    higher_name: Mapped[str] = mapped_column(String(80))
    yearly_quota: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[School] = relationship()
    program: Mapped[Program] = relationship()
    cohorts: Mapped[list[PathwayCohort]] = relationship(
        back_populates="pathway", order_by="PathwayCohort.entry_year.desc()", cascade="all, delete-orphan"
    )

    @property
    def kind_state(self) -> PathwayKind:
        return PathwayKind(self.kind)

    @property
    def higher_checked(self) -> bool:
        """The college's major was found in the 2021 catalogue."""
        return self.higher_code is not None


class PathwayCohort(db.Model):
    """The students who entered a pathway in one year, and the outcome of their 转段 assessment
    (None until it has taken place)."""

    __tablename__ = "pathway_cohort"
    audit_subject: ClassVar[object] = _l("Pathway cohort")
    audit_actions: ClassVar[dict[str, object]] = {"record": _l("Recorded")}
    __table_args__ = (
        UniqueConstraint("pathway_id", "entry_year", name="uq_pathway_cohort_year"),
        CheckConstraint("enrolled >= 0", name="cohort_enrolled_nonnegative"),
        CheckConstraint("transferred IS NULL OR transferred >= 0", name="cohort_transferred_nonnegative"),
        CheckConstraint(
            "not_transferred IS NULL OR not_transferred >= 0", name="cohort_not_transferred_nonnegative"
        ),
        CheckConstraint(
            "coalesce(transferred, 0) + coalesce(not_transferred, 0) <= enrolled", name="cohort_outcome_fits"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"), index=True)
    entry_year: Mapped[int]
    enrolled: Mapped[int]
    transferred: Mapped[int | None]
    not_transferred: Mapped[int | None]
    assessed_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    pathway: Mapped[Pathway] = relationship(back_populates="cohorts")

    @property
    def assessed(self) -> bool:
        return self.transferred is not None

    @property
    def transfer_rate(self) -> float | None:
        if self.transferred is None:
            return None
        judged = self.transferred + (self.not_transferred or 0)
        return None if not judged else round(100.0 * self.transferred / judged, 1)
