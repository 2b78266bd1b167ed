"""District statistics: inputs the records cannot know, and stored snapshots of the figures.

- `DistrictInput`: a yearly figure administrators enter with its source (e.g. the
  district's total upper-secondary intake, or how many vocational education groups
  the province recognises). Rows are never changed: a correction is a new row,
  and the latest entered row for (key, year) wins, so the history stays readable.
- `StatisticSnapshot`: the value of one dashboard figure in one period
  ("2026-11"), so that next year's figures can be compared with this year's.
  Snapshots are taken from the records of the day; history is never invented.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import UTCDateTime, utcnow


class DistrictInput(db.Model):
    __tablename__ = "district_input"
    audit_subject: ClassVar[object] = _l("District figure")
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_nonnegative"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_plausible"),
        Index("ix_district_input_key_year", "key", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(200))  # e.g. 区教体局2026年招生计划（莱教字〔2026〕12号）
    # The person is kept by e-mail too, so the history still says who entered it after an account is removed.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_by_email: Mapped[str | None] = mapped_column(String(254))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<DistrictInput {self.key} {self.year}={self.value}>"


class StatisticSnapshot(db.Model):
    __tablename__ = "statistic_snapshot"
    audit_subject: ClassVar[object] = _l("Statistics snapshot")
    __table_args__ = (UniqueConstraint("period", "key", name="uq_statistic_snapshot_period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)  # None: not computable then (e.g. no total intake)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<StatisticSnapshot {self.period} {self.key}={self.value}>"
