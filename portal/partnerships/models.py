"""Partnership proposals (合作建议): one enterprise demand (a posting) and one major.

The matcher proposes pairs; either side may also ask the other directly. Each
proposal walks the state machine in `portal.partnerships.services` until the two
sides agree on terms (a `Cooperation` is created) or one side declines.
Reasons are stored as the matcher gives them (structured, no sentences) and
phrased in the reader's language when shown.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.organisations.models import Enterprise, School
    from portal.partnerships.cooperation_models import Cooperation
    from portal.postings.models import Posting
    from portal.programs.models import Program


class ProposalStatus(State):
    PROPOSED = "proposed", _l("Proposed"), "info"  # the matcher proposed it; nobody has acted yet
    INTERESTED = (
        "interested",
        _l("Interest expressed"),
        "info",
    )  # one or both sides are interested, or one side asked the other directly
    NEGOTIATING = (
        "negotiating",
        _l("Terms proposed"),
        "warn",
    )  # terms are on the table, waiting for the other side
    AGREED = "agreed", _l("Agreed"), "good"  # the other side accepted the terms: a Cooperation exists
    DECLINED = "declined", _l("Declined"), "bad"  # one side declined, with a reason


OPEN_STATUSES = (
    ProposalStatus.PROPOSED.value,
    ProposalStatus.INTERESTED.value,
    ProposalStatus.NEGOTIATING.value,
)


class Side(str, enum.Enum):
    SCHOOL = "school"
    ENTERPRISE = "enterprise"

    @property
    def other(self) -> Side:
        return Side.ENTERPRISE if self is Side.SCHOOL else Side.SCHOOL


class Origin(str, enum.Enum):
    MATCHER = "matcher"
    SCHOOL = "school"  # a school asked the enterprise directly
    ENTERPRISE = "enterprise"  # HR asked the school directly


class Proposal(Stateful, db.Model):
    __tablename__ = "proposal"
    states = ProposalStatus
    audit_subject: ClassVar[object] = _l("Partnership proposal")
    __table_args__ = (
        # One proposal a pair. On PostgreSQL it carries the origin and score: a major's job counts
        # the matcher's proposals of each of its 22,000 candidate postings and their weakest score
        # from the index alone (issue 31: 376 → 137 ms at 5×, the rows hold their reasons).
        Index(
            "uq_proposal_posting_program",
            "posting_id",
            "program_id",
            unique=True,
            postgresql_include=["origin", "score"],
        ),
        # The owners' copies are held to their records by one key each: a proposal's enterprise is
        # its posting's, its school its major's. Two checks a row, not four (posting, major, school,
        # enterprise): a district's recompute writes 340,000 rows at 5× and PostgreSQL checks every
        # row's keys before the write returns (issue 31).
        ForeignKeyConstraint(
            ["posting_id", "enterprise_id"],
            ["posting.id", "posting.enterprise_id"],
            name="fk_proposal_posting_enterprise",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["program_id", "school_id"],
            ["program.id", "program.school_id"],
            name="fk_proposal_program_school",
            ondelete="CASCADE",
        ),
        CheckConstraint("score >= 0 AND score <= 1", name="score_in_range"),
        CheckConstraint(
            "status IN ('proposed', 'interested', 'negotiating', 'agreed', 'declined')", name="status_known"
        ),
        # A school's proposals by major, in the list's order, from the index alone: the rows (with
        # their reasons) lie scattered, and reading 18,000 of them for one school's list and its
        # per-major counts took 220 ms at 5× the district (issue 31). Also the school's own lookups.
        Index("ix_proposal_school_program_status_score", "school_id", "program_id", "status", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deleting a posting or a major (e.g. `flask remove-demo`) takes its proposals with it. The
    # posting's proposals are found by `uq_proposal_posting_program`, which leads with it.
    posting_id: Mapped[int]
    program_id: Mapped[int] = mapped_column(index=True)
    # Copies of the owners, so that lists and the audit log filter by organisation directly.
    school_id: Mapped[int]
    enterprise_id: Mapped[int] = mapped_column(index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # sha256 of the matcher inputs of both records: a declined proposal returns only when it changes.
    inputs_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.PROPOSED.value, index=True)
    origin: Mapped[str] = mapped_column(String(20), default=Origin.MATCHER.value)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    school_interested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enterprise_interested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Terms on the table (see portal.partnerships.services.Terms.to_json) and which side proposed them.
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    terms_by: Mapped[str | None] = mapped_column(String(20))
    terms_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_by: Mapped[str | None] = mapped_column(String(20))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # One cooperation per proposal: a second "accept terms" can never link a second one.
    cooperation_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperation.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    posting: Mapped[Posting] = relationship()
    program: Mapped[Program] = relationship()
    # Read only: the ids are written with the posting and the major (the keys above).
    school: Mapped[School] = relationship(
        primaryjoin="foreign(Proposal.school_id) == School.id", viewonly=True
    )
    enterprise: Mapped[Enterprise] = relationship(
        primaryjoin="foreign(Proposal.enterprise_id) == Enterprise.id", viewonly=True
    )
    cooperation: Mapped[Cooperation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def interested(self, side: Side | str) -> bool:
        return getattr(self, f"{Side(side).value}_interested_at") is not None

    def __repr__(self) -> str:
        return f"<Proposal {self.id} posting={self.posting_id} program={self.program_id} {self.status}>"


class TextModelState(db.Model):
    """The matcher's text model (its n-grams and idf weights) as last fitted on the live majors
    (issue 31): a major published or edited is ranked with it, without reading every major to fit
    one again. `version` is the library's `model_version()` when it was fitted; a row of another
    version is stale. The district's recompute fits and saves a new one; only the newest is kept."""

    __tablename__ = "text_model_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    majors: Mapped[int] = mapped_column(Integer)  # how many live majors it was fitted on
    state: Mapped[bytes] = mapped_column(LargeBinary)  # numpy.savez of TextModel.state(), no pickle
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostingFeatures(db.Model):
    """A live posting as the matcher reads it (its roles, skills, terms, industry, size, town and
    its text vector in the kept model, `matching.ranking.DemandFeatures`), kept with that model:
    a major's ranking reads these rows instead of the postings' texts (issue 31). Valid while the
    posting's `updated_at` and its enterprise's industry are those it was computed from; written
    by the district's recompute, a posting's own ranking, and a major's ranking for those missing."""

    __tablename__ = "posting_features"

    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("text_model_state.id", ondelete="CASCADE"), index=True)
    stamp: Mapped[datetime] = mapped_column(UTCDateTime())  # the posting's updated_at it was read at
    industry: Mapped[str] = mapped_column(String(40), default="")  # its enterprise's industry then
    digest: Mapped[str] = mapped_column(String(64))  # portal.partnerships.matching.digest of the demand
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
