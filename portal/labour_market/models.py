"""A labour-market figure: the vacancies of one occupation in one year, counted for the 专业大类
that trains for it, with where the figure comes from. Rows are never changed: entering the same
occupation and group for a year again supersedes the earlier row (the latest wins, the history
stays readable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.platform.model_base import UTCDateTime, utcnow

OCCUPATION_MAX = 80
SOURCE_MAX = 200


class LabourMarketFigure(db.Model):
    __tablename__ = "labour_market_figure"
    __table_args__ = (CheckConstraint("vacancies >= 0", name="vacancies_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    occupation: Mapped[str] = mapped_column(String(OCCUPATION_MAX))
    major_group: Mapped[str] = mapped_column(String(40))  # the catalogue's 专业大类 that trains for it
    vacancies: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_by_email: Mapped[str | None] = mapped_column(String(254))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<LabourMarketFigure {self.year} {self.occupation} {self.vacancies}>"
