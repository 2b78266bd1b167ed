"""Member approval: one blueprint nested in the enterprise and school areas.

Both kinds of organisation approve the staff who ask to join them; schools also
confirm their students. The rules live in `services.organisations`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.organisations import services as organisations
from portal.platform.forms import ActionForm, ReasonForm
from portal.platform.web import REFUSED, area, attempt

bp = Blueprint("membership", __name__)


@bp.get("/members")
def members():
    return render_template(
        "organisations/members.html",
        pending=organisations.pending_members(current_user),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
        area=area(),
    )


@bp.post("/members/<int:member_id>/approve")
def approve_member(member_id: int):
    member = attempt(lambda: organisations.approve_member(current_user, member_id))
    if member is REFUSED:
        return members(), 400
    flash(_("%(name)s has been approved.", name=member.name), "success")
    return redirect(url_for(".members"))


@bp.post("/members/<int:member_id>/reject")
def reject_member(member_id: int):
    member = attempt(
        lambda: organisations.reject_member(current_user, member_id, request.form.get("reason", ""))
    )
    if member is REFUSED:
        return members(), 400
    flash(_("%(name)s has been declined.", name=member.name), "info")
    return redirect(url_for(".members"))


# --- the enterprise's and the school's home (the areas' own routes call these) -----------------


def area_home(template: str, waiting: Callable[[Any], list], **more: Any):
    """An organisation's home: the organisation and, for a confirmed member, the join requests
    and what waits for them (`waiting(user)`); `more` is the area's own."""
    waiting_now = waiting(current_user) if current_user.is_member_active else []
    # The counts already say whether anyone asks to join: the list is read only when someone does.
    asking = any(w.count for w in waiting_now if w.join_requests)
    return render_template(
        template,
        org=current_user.organisation,
        action_form=ActionForm(),
        pending=organisations.pending_members(current_user) if asking else [],
        waiting=waiting_now,
        **more,
    )


def resubmitted(home: Callable[[], Any]):
    """The organisation submitted again after a rejection: back to the area's home, or `home()`
    with the refusal."""
    if attempt(lambda: organisations.resubmit(current_user)) is REFUSED:
        return home(), 400
    flash(_("Your organisation has been submitted for verification again."), "success")
    return redirect(url_for(".home"))
