"""Supply against demand by major (专业预警调控): what each posting is classified as, and the
warning thresholds administrators set.

- `PostingMajor`: the catalogue majors a posting prepares for, written by
  `portal.planning.alignment` when the posting is published, edited or closed (and by the
  backfill command), so that the figures are SQL GROUP BYs and no page runs the matcher.
  Rank 1 is the major its headcount counts for; the others are kept as evidence.
- `AlignmentThreshold`: the ratios (demand / planned intake) above which a major group is a
  shortage and below which it is a surplus. Rows are never changed: the latest wins, so the
  history of who set what stays readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow


class PostingMajor(db.Model):
    __tablename__ = "posting_major"
    __table_args__ = (
        UniqueConstraint("posting_id", "rank", name="uq_posting_major_posting_rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        Index("ix_posting_major_rank_group", "rank", "major_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column()
    major_name: Mapped[str] = mapped_column(String(80))  # catalogue name, as in matching/data/majors.tsv
    major_group: Mapped[str] = mapped_column(String(40))  # 专业大类, e.g. 装备制造大类
    # The year the demand is for: the district year the posting was published.
    year: Mapped[int] = mapped_column()
    points: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[kind, term], ...]

    def __repr__(self) -> str:
        return f"<PostingMajor {self.posting_id}#{self.rank} {self.major_name}>"


class AlignmentThreshold(db.Model):
    __tablename__ = "alignment_threshold"
    __table_args__ = (
        CheckConstraint("surplus_below > 0 AND shortage_above > surplus_below", name="ratios_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shortage_above: Mapped[float] = mapped_column(Float)
    surplus_below: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_by_email: Mapped[str | None] = mapped_column(String(254))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AlignmentThreshold >{self.shortage_above} <{self.surplus_below}>"


class WarningLevel(State):
    """How a major group's demand compares with its planned intake (专业预警)."""

    SHORTAGE = "shortage", _l("Shortage"), "bad"
    BALANCED = "balanced", _l("Balanced"), "good"
    SURPLUS = "surplus", _l("Surplus"), "warn"


class SupplySnapshot(db.Model):
    """A year's planned intake and enrolment per catalogue major and town, stored with the monthly
    figure snapshots: majors keep only today's intake, so past years' supply lives here."""

    __tablename__ = "supply_snapshot"
    __table_args__ = (
        UniqueConstraint("year", "major_name", "town", name="uq_supply_snapshot_year_major_town"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    major_name: Mapped[str] = mapped_column(String(80))
    major_group: Mapped[str] = mapped_column(String(40), default="")
    # The town of schools that recruit in it; "" for those recruiting across the district (the pool).
    town: Mapped[str] = mapped_column(String(40), default="")
    intake: Mapped[int] = mapped_column(default=0)
    enrolment: Mapped[int] = mapped_column(default=0)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
