"""Enterprise demand postings (需求发布): five kinds, one table.

Common columns hold what every posting has and what the public search filters
and sorts on. What only one kind needs lives in `details`, a JSON object whose
keys and types are declared below in `DETAIL_FIELDS` and checked by
`portal.postings.services` before anything is stored. The same declaration
builds the HR form and the detail page, so a kind's fields are defined once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, step_table, utcnow
from portal.programs.models import PublicationStatus, Published
from portal.rules import internships as internship_rules

if TYPE_CHECKING:
    from portal.organisations.models import Enterprise


class PostingKind(State):
    # 订单班 / 冠名班 (a named class is an order class with a class name)
    ORDER_CLASS = "order_class", _l("Order class / named class")
    APPRENTICESHIP = "apprenticeship", _l("Modern apprenticeship")  # 现代学徒制
    INTERNSHIP = "internship", _l("Internship")  # 岗位实习
    PART_TIME_TEACHER = "part_time_teacher", _l("Part-time teacher offer")  # 企业兼职教师
    STAFF_TRAINING = "staff_training", _l("Staff training request")  # 职工培训


# The Chinese names people type into the search box, whatever the UI language.
KIND_KEYWORDS: dict[str, str] = {
    PostingKind.ORDER_CLASS.value: "订单班 冠名班 order class named class",
    PostingKind.APPRENTICESHIP.value: "现代学徒制 学徒 apprenticeship",
    PostingKind.INTERNSHIP.value: "岗位实习 实习 internship",
    PostingKind.PART_TIME_TEACHER.value: "企业兼职教师 兼职教师 part-time teacher",
    PostingKind.STAFF_TRAINING.value: "职工培训 培训 staff training",
}

# The common headcount means something different for each kind.
HEADCOUNT_LABELS: dict[str, object] = {
    PostingKind.ORDER_CLASS.value: _l("Seats in the class"),
    PostingKind.APPRENTICESHIP.value: _l("Apprentice places"),
    PostingKind.INTERNSHIP.value: _l("Interns wanted"),
    PostingKind.PART_TIME_TEACHER.value: _l("Experts available"),
    PostingKind.STAFF_TRAINING.value: _l("Trainees"),
}

BENEFITS: dict[str, object] = {
    "scholarship": _l("Scholarship"),
    "guaranteed_job": _l("Guaranteed job after graduation"),
    "equipment": _l("Training equipment"),
    "mentors": _l("Workplace mentors"),
}

TARGET_GROUPS: dict[str, object] = {
    "employees": _l("Our employees"),
    "veterans": _l("Veterans"),
    "migrant_workers": _l("Migrant workers"),
    "laid_off": _l("Laid-off workers"),
    "disabled": _l("People with disabilities"),
}

# Vocational qualification titles of workplace mentors and experts.
TECH_TITLES: dict[str, object] = {
    "senior_worker": _l("Senior worker (高级工)"),
    "technician": _l("Technician (技师)"),
    "senior_technician": _l("Senior technician (高级技师)"),
    "chief_technician": _l("Chief technician (首席技师)"),
    "engineer": _l("Engineer (工程师)"),
    "senior_engineer": _l("Senior engineer (高级工程师)"),
    "other": _l("Other"),
}


@dataclass(frozen=True)
class DetailField:
    """One kind-specific field: its key in `details`, its label, type and limits.

    Types: "int", "text" (one line), "longtext", "bool", "choice" (one of
    `choices`), "choices" (any of `choices`), "people" (rows of `person`).
    """

    key: str
    label: object
    type: str
    required: bool = False
    min: int = 0
    max: int = 0
    max_len: int = 200
    unit: object = ""
    choices: dict[str, object] = field(default_factory=dict)
    person: tuple[DetailField, ...] = ()
    max_rows: int = 10


_PERSON_NAME = DetailField("name", _l("Name"), "text", required=True, max_len=40)
_PERSON_TITLE = DetailField("title", _l("Title"), "choice", required=True, choices=TECH_TITLES)

# What every kind of posting has; a kind's own fields are its DETAIL_FIELDS.
COMMON_FIELDS = (
    *("title", "description", "skills", "certificates", "headcount"),
    *("town", "start_date", "end_date", "deadline"),
)

DETAIL_FIELDS: dict[str, tuple[DetailField, ...]] = {
    PostingKind.ORDER_CLASS.value: (
        DetailField("major", _l("Major wanted"), "text", required=True, max_len=80),
        DetailField("class_name", _l("Class name (for a named class)"), "text", max_len=80),
        DetailField("years", _l("Years of training"), "int", required=True, min=1, max=6, unit=_l("years")),
        DetailField("benefits", _l("What the enterprise gives"), "choices", choices=BENEFITS),
        DetailField("expectations", _l("What the enterprise expects"), "longtext", max_len=2000),
    ),
    PostingKind.APPRENTICESHIP.value: (
        DetailField("major", _l("Major wanted"), "text", max_len=80),
        DetailField("stipend", _l("Monthly stipend"), "int", min=0, max=20000, unit=_l("yuan a month")),
        DetailField(
            "rotation", _l("Rotation of school and work periods"), "text", required=True, max_len=200
        ),
        DetailField(
            "mentors",
            _l("Workplace mentors (师傅)"),
            "people",
            required=True,
            person=(
                _PERSON_NAME,
                DetailField("skills", _l("Skills"), "text", required=True, max_len=200),
                _PERSON_TITLE,
            ),
        ),
    ),
    PostingKind.INTERNSHIP.value: (
        DetailField("positions", _l("Positions"), "text", required=True, max_len=300),
        DetailField("months", _l("Period"), "int", required=True, min=1, max=12, unit=_l("months")),
        DetailField("pay", _l("Monthly pay"), "int", min=0, max=30000, unit=_l("yuan a month")),
        # Art. 18 judges the pay against it: asked here too, so that an advertised pay below 80 % is
        # said when the posting is saved, not first when an offer is refused (the offer starts from it).
        DetailField(
            "post_wage", _l("Wage of the same post"), "int", min=0, max=100000, unit=_l("yuan a month")
        ),
        DetailField("lodging", _l("Lodging provided"), "bool"),
        # What HR declares about the post, judged by the 2021 internship rules (portal.rules.internships):
        # optional in a draft, every answer required to publish.
        DetailField("post_staff_count", _l("Employees on this post"), "int", min=1, max=1_000_000),
        DetailField("venue", _l("Where the intern works"), "choice", choices=internship_rules.VENUES),
        DetailField("channel", _l("How the intern is taken on"), "choice", choices=internship_rules.CHANNELS),
        DetailField(
            "intensity",
            _l("Physical labour intensity (GB 3869)"),
            "choice",
            choices=internship_rules.INTENSITIES,
        ),
        DetailField("hazards", _l("High-risk work in the post"), "choices", choices=internship_rules.HAZARDS),
        DetailField(
            "minors_forbidden",
            _l("Work forbidden to minors?"),
            "choice",
            choices=internship_rules.YES_NO,
        ),
        DetailField(
            "women_forbidden",
            _l("Work forbidden to women?"),
            "choice",
            choices=internship_rules.YES_NO,
        ),
    ),
    PostingKind.PART_TIME_TEACHER.value: (
        DetailField(
            "experts",
            _l("Experts who can teach"),
            "people",
            required=True,
            person=(
                _PERSON_NAME,
                DetailField("expertise", _l("Expertise"), "text", required=True, max_len=200),
                _PERSON_TITLE,
                DetailField("hours", _l("Hours a term"), "int", required=True, min=1, max=600),
            ),
        ),
    ),
    PostingKind.STAFF_TRAINING.value: (
        DetailField("courses", _l("Courses wanted"), "text", required=True, max_len=300),
        DetailField("target_groups", _l("Target groups"), "choices", choices=TARGET_GROUPS),
        DetailField("schedule", _l("Schedule"), "text", required=True, max_len=200),
    ),
}


class Posting(Published, db.Model):
    __tablename__ = "posting"
    audit_subject: ClassVar[object] = _l("Posting")
    # A posting is published once, before its deadline; closing is for good (HR or a take-down).
    steps = step_table(
        publish=(PublicationStatus.DRAFT,),
        edit=(PublicationStatus.DRAFT, PublicationStatus.PUBLISHED),
        close=(PublicationStatus.DRAFT, PublicationStatus.PUBLISHED),
    )
    __table_args__ = (
        CheckConstraint("headcount >= 0", name="headcount_nonnegative"),
        CheckConstraint(
            "kind IN ('order_class', 'apprenticeship', 'internship', 'part_time_teacher', 'staff_training')",
            name="kind_known",
        ),
        CheckConstraint("status IN ('draft', 'published', 'closed')", name="status_known"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates_ordered"
        ),
        # The public list filters on status and sorts by one of these columns, then the id. On
        # PostgreSQL each also carries what the list's other conditions read (the deadline, the
        # enterprise), so that walking the first 1,001 matches for the capped count reads the index
        # alone, not each posting's row (issue 31: `/postings` with the page cache off).
        Index(
            "ix_posting_status_published_at",
            "status",
            "published_at",
            "id",
            postgresql_include=["deadline", "enterprise_id"],
        ),
        Index("ix_posting_status_deadline", "status", "deadline", "id", postgresql_include=["enterprise_id"]),
        Index(
            "ix_posting_status_headcount",
            "status",
            "headcount",
            "id",
            postgresql_include=["deadline", "enterprise_id"],
        ),
        # The dashboard's published postings by enterprise (industry, town) from the index alone:
        # a sequential scan of the wide rows took 180 ms at 5× the district (issue 31).
        Index("ix_posting_status_enterprise_id", "status", "enterprise_id"),
        # An enterprise's postings; and what a proposal's (posting, enterprise) key refers to.
        Index("uq_posting_enterprise_id", "enterprise_id", "id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PublicationStatus.DRAFT.value)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Normalised lists joined with "、" (the form accepts commas, 、 and new lines).
    skills: Mapped[str] = mapped_column(Text, default="")
    certificates: Mapped[str] = mapped_column(Text, default="")  # 1+X certificates wanted
    headcount: Mapped[int] = mapped_column(default=0)
    town: Mapped[str] = mapped_column(String(40), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)  # application deadline
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when an administrator takes the posting down (it is then closed); the owner sees the reason.
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    takedown_reason: Mapped[str | None] = mapped_column(Text)

    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id])
    # Written with the posting on every save (portal.postings.services._index).
    search: Mapped[PostingSearch | None] = relationship(
        back_populates="posting", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_taken_down(self) -> bool:
        return self.taken_down_at is not None

    def common_values(self) -> dict[str, Any]:
        """The fields every kind has (its own are in `details`), as a form or a sheet shows them."""
        return {name: getattr(self, name) for name in COMMON_FIELDS}

    @property
    def is_named_class(self) -> bool:
        return self.kind == PostingKind.ORDER_CLASS.value and bool(self.details.get("class_name"))

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split("、") if s]

    @property
    def certificate_list(self) -> list[str]:
        return [s for s in self.certificates.split("、") if s]

    def __repr__(self) -> str:
        return f"<Posting {self.id} {self.kind} {self.status} {self.title!r}>"


class PostingSearch(db.Model):
    """What a posting is searched by, in a table beside it: about 1 KB of a posting's 1.5 KB, which
    every scan of the postings (the dashboard's and the alignment report's figures, the list with no
    search) read for nothing while it sat in the posting's row (issue 31: the dashboard at 5×)."""

    __tablename__ = "posting_search"
    __table_args__ = (
        # `?q=` on PostgreSQL: the search terms (portal.postings.services.search_terms), GIN-indexed.
        Index("ix_posting_search_vector", "search_vector", postgresql_using="gin"),
    )

    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True)
    # Lower-cased title, description, lists, details and enterprise name: one LIKE
    # '%term%' finds Chinese substrings on SQLite (and PostgreSQL).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The same text as search terms (CJK bigrams, words, town and industry names) written by the
    # app; a `tsvector` on PostgreSQL, searched through its GIN index (issue 31).
    search_vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    posting: Mapped[Posting] = relationship(back_populates="search")
