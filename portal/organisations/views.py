"""Member approval: one blueprint nested in the enterprise and school areas.

Both kinds of organisation approve the staff who ask to join them; schools also
confirm their students. The rules live in `services.organisations`.
"""

from __future__ import annotations

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
