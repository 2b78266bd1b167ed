"""The audit log for administrators: filter by subject, actor, action and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import get_timezone

from portal.audit import services as audit
from portal.platform import checks
from portal.platform.routing import Routes

routes = Routes("admin")


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    # Dates are the district's calendar days, not UTC ones.
    return get_timezone().localize(datetime.combine(day, time.min))  # pytz: localize, never tzinfo=


@dataclass(frozen=True)
class AuditQuery:
    subject_type: str = ""
    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> AuditQuery:
        subject_type = args.get("subject_type", "")
        action = args.get("action", "")
        page = args.get("page", "1")
        return cls(
            subject_type=subject_type if subject_type in audit.subject_labels() else "",
            actor=args.get("actor", "").strip()[:254],
            action=action if action in audit.action_labels() else "",
            date_from=_date(args.get("from")),
            date_to=_date(args.get("to")),
            page=checks.page_number(page),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query parameters for a link to this search (empty ones left out), e.g. the next page."""
        values = {
            "subject_type": self.subject_type,
            "actor": self.actor,
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "page": self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return {key: value for key, value in values.items() if value}


@routes.get("/audit")
def audit_log():
    query = AuditQuery.from_args(request.args)
    results = audit.search(
        subject_type=query.subject_type or None,
        actor=query.actor or None,
        action=query.action or None,
        since=_start_of(query.date_from) if query.date_from else None,
        # The end date is inclusive: everything before the next day's start.
        until=_start_of(query.date_to + timedelta(days=1)) if query.date_to else None,
        page=query.page,
    )
    return render_template(
        "audit/admin/audit.html",
        results=results,
        query=query,
        subject_labels=audit.subject_labels(),
        action_labels=audit.action_labels(),
    )
