"""Administrators' area: verification queue and accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import inbox
from portal.accounts import users
from portal.accounts.models import Role
from portal.api.site import bp as api_access_bp
from portal.organisations import services as organisations
from portal.organisations.models import OrgStatus
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm, ReasonForm
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)
bp.register_blueprint(api_access_bp)

STATUSES = [s.value for s in OrgStatus]


@bp.get("/")
def home():
    return render_template(
        "admin/home.html", waiting=inbox.for_admin(), users_by_role=inbox.accounts_by_role()
    )


@bp.get("/organisations")
def organisation_list():
    status = request.args.get("status", OrgStatus.PENDING.value)
    status = status if status in STATUSES else OrgStatus.PENDING.value
    kind = request.args.get("kind", "")
    kind = kind if kind in ("enterprise", "school") else ""
    return render_template(
        "admin/organisations.html",
        orgs=organisations.list_organisations(status, kind or None),
        status=status,
        kind=kind,
        statuses=list(OrgStatus),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


@bp.get("/organisations/<int:org_id>")
def organisation_detail(org_id: int):
    return render_template(
        "admin/organisation.html",
        org=organisations.get_organisation(org_id),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


@bp.post("/organisations/<int:org_id>/verify")
@needs_confirmation("verify")
def verify(org_id: int):
    org = attempt(lambda: organisations.verify(current_user, org_id, seen=request.form.get("seen")))
    if org is REFUSED:
        return organisation_detail(org_id), 400
    flash(_("%(name)s is now verified.", name=org.name), "success")
    return redirect(url_for("admin.organisation_list"))


@bp.post("/organisations/<int:org_id>/reject")
@needs_confirmation("reject_organisation")
def reject(org_id: int):
    org = attempt(
        lambda: organisations.reject(
            current_user, org_id, request.form.get("reason", ""), seen=request.form.get("seen")
        )
    )
    if org is REFUSED:
        return organisation_detail(org_id), 400
    flash(_("%(name)s has been rejected.", name=org.name), "info")
    return redirect(url_for("admin.organisation_list"))


@bp.get("/users")
def user_list():
    role = request.args.get("role", "")
    role = role if role in [r.value for r in Role] else ""
    return render_template(
        "admin/users.html",
        users=users.search_users(request.args.get("q", ""), role),
        q=request.args.get("q", ""),
        role=role,
        roles=[r.value for r in Role],
        action_form=ActionForm(),
    )


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    return _set_disabled(user_id, True)


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool):
    user = attempt(lambda: users.set_user_disabled(current_user, user_id, disabled))
    if user is REFUSED:
        return user_list(), 400
    if disabled:
        flash(_("%(email)s has been disabled and logged out everywhere.", email=user.email), "info")
    else:
        flash(_("%(email)s has been enabled.", email=user.email), "success")
    return redirect(url_for("admin.user_list"))
