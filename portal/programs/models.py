"""Majors (专业) offered by schools."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, Timestamps, step_table
from portal.programs import catalogue

if TYPE_CHECKING:
    from portal.organisations.models import School


class PublicationStatus(State):
    DRAFT = "draft", _l("Draft"), "warn"
    PUBLISHED = "published", _l("Published"), "good"
    CLOSED = "closed", _l("Closed"), "neutral"


# A school's major or training offer: published again after closing, closed from any other state.
REPUBLISHABLE = step_table(
    publish=(PublicationStatus.DRAFT, PublicationStatus.CLOSED),
    close=(PublicationStatus.DRAFT, PublicationStatus.PUBLISHED),
)


class Published(Stateful):
    """A record published for others to see: draft, published or closed."""

    states = PublicationStatus

    @property
    def is_draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT.value

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED.value

    @property
    def is_closed(self) -> bool:
        return self.status == PublicationStatus.CLOSED.value


class Program(Published, Timestamps, db.Model):
    __tablename__ = "program"
    audit_subject: ClassVar[object] = _l("Major")
    steps = REPUBLISHABLE
    __table_args__ = (
        UniqueConstraint("school_id", "name", name="uq_program_school_name"),
        # A school's majors; and what a proposal's (major, school) key refers to.
        Index("uq_program_school_id", "school_id", "id", unique=True),
        CheckConstraint("intake_capacity >= 0", name="intake_nonnegative"),
        CheckConstraint("enrolment >= 0", name="enrolment_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(80))
    # From the 2021 catalogue (portal.programs.catalogue): the code (K kept), level, 专业大类 and 专业类.
    # All NULL only for a major kept under an old name with no confirmed successor: flagged for
    # the school to choose (see needs_catalogue_choice).
    code: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[str | None] = mapped_column(String(4))
    category: Mapped[str | None] = mapped_column(String(40))
    major_class: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    intake_capacity: Mapped[int] = mapped_column(default=0)
    # Free text, one item per line or separated by 、/，: what the major teaches and certifies.
    skills: Mapped[str] = mapped_column(Text, default="")
    certificates: Mapped[str] = mapped_column(Text, default="")  # 1+X certificates offered
    enrolment: Mapped[int] = mapped_column(default=0)  # students currently enrolled, all years
    facilities: Mapped[str] = mapped_column(Text, default="")  # training rooms and bases
    partner_college: Mapped[str] = mapped_column(String(120), default="")  # 3+2 through-training
    status: Mapped[str] = mapped_column(String(20), default=PublicationStatus.DRAFT.value)
    is_demo: Mapped[bool] = mapped_column(default=False)

    school: Mapped[School] = relationship(back_populates="programs")

    @property
    def needs_catalogue_choice(self) -> bool:
        """Stored under a name the 2021 catalogue does not have: the school must choose its major."""
        return not self.code

    @property
    def at_other_level(self) -> bool:
        """Stored at a level its school does not teach: saved before names were read at the school's
        level first (学前教育 kept as the 专科 major 570102K by a 中职 school). The school chooses again."""
        level = catalogue.level_for_school_kind(self.school.school_kind)
        return self.level is not None and level is not None and self.level != level
