"""Enterprise HR area."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.forms import ActionForm
from portal.internships import bp as internships_bp
from portal.internships import enterprise_bp as enterprise_internships_bp
from portal.membership_views import add_member_routes
from portal.models import Role
from portal.security import guard_blueprint
from portal.services import inbox, organisations
from portal.web import REFUSED, attempt

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
guard_blueprint(bp, Role.ENTERPRISE_HR, open_endpoints=("enterprise.home",))
bp.register_blueprint(internships_bp)
bp.register_blueprint(enterprise_internships_bp)
add_member_routes(bp)


@bp.get("/")
def home():
    active = current_user.is_member_active
    return render_template(
        "enterprise/home.html", org=current_user.organisation, action_form=ActionForm(),
        pending=organisations.pending_members(current_user) if active else [],
        waiting=inbox.for_enterprise(current_user) if active else [],
    )


@bp.post("/resubmit")
def resubmit():
    if attempt(lambda: organisations.resubmit(current_user)) is REFUSED:
        return home(), 400
    flash(_("Your organisation has been submitted for verification again."), "success")
    return redirect(url_for("enterprise.home"))


from portal.enterprise import apprenticeships as _apprenticeships  # noqa: E402,F401  (registers the apprenticeship routes)
from portal.enterprise import cooperation as _cooperation  # noqa: E402,F401  (registers the proposal and cooperation routes)
from portal.enterprise import exchanges as _exchanges  # noqa: E402,F401  (registers the teacher exchange routes)
from portal.enterprise import named_classes as _named_classes  # noqa: E402,F401  (registers the named-class routes)
from portal.enterprise import pilots as _pilots  # noqa: E402,F401  (registers the pilot enterprise routes)
from portal.enterprise import postings as _postings  # noqa: E402,F401  (registers the posting routes)
from portal.enterprise import sheets as _sheets  # noqa: E402,F401  (registers the spreadsheet routes)
