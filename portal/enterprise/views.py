"""Enterprise HR area."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import inbox
from portal.accounts.models import Role
from portal.api.site import bp as api_access_bp
from portal.apprenticeships import enterprise as apprenticeships_enterprise
from portal.exchanges import views as exchanges
from portal.internships.enterprise_views import enterprise_bp as enterprise_internships_bp
from portal.internships.views import bp as internships_bp
from portal.named_classes import views as named_classes
from portal.organisations import services as organisations
from portal.organisations import views as membership
from portal.partnerships import views as partnerships
from portal.platform.forms import ActionForm
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
guard_blueprint(bp, Role.ENTERPRISE_HR, open_endpoints=("enterprise.home",))
for feature in (
    internships_bp,
    enterprise_internships_bp,
    membership.bp,
    partnerships.bp,
    named_classes.bp,
    exchanges.bp,
    apprenticeships_enterprise.bp,
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
