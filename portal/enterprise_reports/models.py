"""企业参与职业教育年度报告: an enterprise's yearly report. The figures of how it took part are
computed from the records whenever the report is read (never stored, so they cannot drift from
their sources); what only the enterprise knows is stored here: its texts and what it invested,
each investment with its evidence."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.organisations.models import Enterprise
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}  # of an evidence file


class ReportStatus(State):
    DRAFT = "draft", _l("Draft"), "warn"
    PUBLISHED = "published", _l("Published"), "good"


class InvestmentKind(State):
    FUNDS = "funds", _l("Funds"), "neutral"
    EQUIPMENT = "equipment", _l("Equipment and materials"), "neutral"
    VENUES = "venues", _l("Venues and bases"), "neutral"
    STAFF = "staff", _l("Staff time"), "neutral"
    OTHER = "other", _l("Other"), "neutral"


class EnterpriseReport(db.Model):
    __tablename__ = "enterprise_report"
    audit_subject: ClassVar[object] = _l("Enterprise's yearly report")
    audit_actions: ClassVar[dict[str, object]] = {
        "edit": _l("Edited"),
        "investment": _l("Investment entered"),
        "investment_removed": _l("Investment removed"),
    }
    audit_states: ClassVar[tuple[type[State], ...]] = (ReportStatus,)
    __table_args__ = (UniqueConstraint("enterprise_id", "year", name="uq_enterprise_report_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    overview: Mapped[str] = mapped_column(Text, default="")  # the enterprise, in its own words
    outcomes: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    plans: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_by_email: Mapped[str | None] = mapped_column(String(254))
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    investments: Mapped[list[ReportInvestment]] = relationship(
        back_populates="report", order_by="ReportInvestment.id", cascade="all, delete-orphan"
    )

    @property
    def state(self) -> ReportStatus:
        return ReportStatus(self.status)

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED.value


class ReportInvestment(db.Model):
    """What the enterprise put in that year, as it declares it, with the evidence (a PDF or image)."""

    __tablename__ = "report_investment"
    __table_args__ = (CheckConstraint("amount_yuan >= 0", name="investment_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_yuan: Mapped[int]
    description: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    evidence_type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[EnterpriseReport] = relationship(back_populates="investments")

    @property
    def kind_state(self) -> InvestmentKind:
        return InvestmentKind(self.kind)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.evidence_type]
