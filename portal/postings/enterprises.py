"""The public directory of verified enterprises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from portal.organisations.models import Enterprise
from portal.platform import checks, vocab
from portal.platform.checks import district_today
from portal.platform.errors import NotFound
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.search import MAX_PAGE, Page, like_escape
from portal.postings.models import Posting
from portal.programs.models import PublicationStatus

PER_PAGE = 20


@dataclass(frozen=True)
class EnterpriseQuery:
    q: str = ""
    industry: str = ""
    town: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> EnterpriseQuery:
        industry = (args.get("industry") or "").strip()
        town = (args.get("town") or "").strip()
        raw_page = (args.get("page") or "").strip()
        page = checks.page_number(raw_page)
        return cls(
            q=checks.search_text(args.get("q")),
            industry=industry if industry in vocab.INDUSTRIES else "",
            town=town if town in vocab.TOWNS else "",
            page=min(max(page, 1), MAX_PAGE),
        )

    def args(self, **changes) -> dict[str, Any]:
        values: dict[str, Any] = {
            "q": self.q,
            "industry": self.industry,
            "town": self.town,
            "page": self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return {k: v for k, v in values.items() if v not in ("", None)}


def search_enterprises(
    query: EnterpriseQuery, *, per_page: int = PER_PAGE, today: date | None = None
) -> Page:
    """Verified enterprises, each with its number of open postings: items are (enterprise, count)."""
    conditions = [Enterprise.is_verified]
    for term in query.q.lower().split():
        conditions.append(func.lower(Enterprise.name).like(f"%{like_escape(term)}%", escape="\\"))
    if query.industry:
        conditions.append(Enterprise.industry == query.industry)
    if query.town:
        conditions.append(Enterprise.town == query.town)
    total = db.session.scalar(select(func.count()).select_from(Enterprise).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(query.page, pages)
    open_count = (
        select(func.count(Posting.id))
        .where(
            Posting.enterprise_id == Enterprise.id,
            Posting.status == PublicationStatus.PUBLISHED.value,
            Posting.deadline >= (today or district_today()),
        )
        .correlate(Enterprise)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Enterprise, open_count)
        .where(*conditions)
        .order_by(Enterprise.name)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page([(org, count) for org, count in rows], total, page, per_page)


def get_public_enterprise(enterprise_id: int) -> Enterprise:
    org = db.session.get(Enterprise, enterprise_id)
    if not isinstance(org, Enterprise) or not org.is_verified:
        raise NotFound(_l("Enterprise not found."))
    return org


def all_by_name() -> list[Enterprise]:
    """Every enterprise, whatever its status, for administrators' filters."""
    return list(db.session.scalars(select(Enterprise).order_by(Enterprise.name)))
