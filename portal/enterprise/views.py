"""Enterprise HR area."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import apprenticeships, exchanges, membership, named_classes, partnerships
from portal.api.site import bp as api_access_bp
from portal.forms import ActionForm
from portal.internships import bp as internships_bp
from portal.internships import enterprise_bp as enterprise_internships_bp
from portal.models import Role
from portal.security import guard_blueprint
from portal.services import inbox, organisations
from portal.web import REFUSED, attempt

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
guard_blueprint(bp, Role.ENTERPRISE_HR, open_endpoints=("enterprise.home",))
for feature in (
    internships_bp,
    enterprise_internships_bp,
    membership.bp,
    partnerships.bp,
    named_classes.bp,
    exchanges.bp,
    apprenticeships.enterprise.bp,
    api_access_bp,
):
    bp.register_blueprint(feature)


@bp.get("/")
def home():
    active = current_user.is_member_active
    return render_template(
        "enterprise/home.html",
        org=current_user.organisation,
        action_form=ActionForm(),
        pending=organisations.pending_members(current_user) if active else [],
        waiting=inbox.for_enterprise(current_user) if active else [],
    )


@bp.post("/resubmit")
def resubmit():
    if attempt(lambda: organisations.resubmit(current_user)) is REFUSED:
        return home(), 400
    flash(_("Your organisation has been submitted for verification again."), "success")
    return redirect(url_for("enterprise.home"))
