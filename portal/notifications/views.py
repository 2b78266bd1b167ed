"""The notification centre: every logged-in user, whatever their role or standing."""

from __future__ import annotations

import logging

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from portal.notifications import services as notifications
from portal.platform import checks
from portal.platform.routing import Routes
from portal.platform.security import is_safe_next
from portal.platform.web import REFUSED, attempt

routes = Routes("auth")

log = logging.getLogger(__name__)


@routes.get("/notifications")
@login_required
def notification_list():
    page = request.args.get("page", "1")
    results = notifications.list_for(current_user, checks.page_number(page))
    return render_template(
        "notifications/notifications.html",
        results=results,
        days=notifications.by_day(results.items),
        groups=notifications.unread_groups(current_user),
        render=notifications.render,
    )


@routes.post("/notifications/<int:notification_id>/read")
@login_required
def notification_read(notification_id: int):
    """Mark one read; with `open`, go on to what it is about."""
    note = attempt(lambda: notifications.mark_read(current_user, notification_id))
    if note is not REFUSED and request.form.get("open") and note.link and is_safe_next(note.link):
        return redirect(note.link)
    return redirect(url_for("auth.notification_list"))


@routes.post("/notifications/read-all")
@login_required
def notification_read_all():
    attempt(lambda: notifications.mark_all_read(current_user))
    return redirect(url_for("auth.notification_list"))


@routes.post("/notifications/read-group")
@login_required
def notification_read_group():
    """Mark one group (kind and subject) of one's own unread notices read."""
    kind = request.form.get("kind", "")[:40]
    subject = request.form.get("subject", "")[:300]
    attempt(lambda: notifications.mark_group_read(current_user, kind, subject))
    return redirect(url_for("auth.notification_list"))


def unread_notifications() -> int:
    """The nav's unread count, read with the session's user (`User.unread_notifications`)."""
    if not current_user.is_authenticated:
        return 0
    try:
        return current_user.unread_notifications or 0
    except SQLAlchemyError:  # an error page must still render when the database is down
        log.warning("unread notification count unavailable", exc_info=True)
        return 0
