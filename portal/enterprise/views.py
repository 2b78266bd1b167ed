"""Enterprise HR area."""

from __future__ import annotations

from flask import Blueprint

from portal import inbox
from portal.accounts.models import Role
from portal.api.site import bp as api_access_bp
from portal.apprenticeships import enterprise as apprenticeships_enterprise
from portal.exchanges import views as exchanges
from portal.internships.enterprise_views import enterprise_bp as enterprise_internships_bp
from portal.internships.views import bp as internships_bp
from portal.named_classes import views as named_classes
from portal.organisations import views as membership
from portal.partnerships import views as partnerships
from portal.platform.security import guard_blueprint

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
    return membership.area_home("enterprise/home.html", inbox.for_enterprise)


@bp.post("/resubmit")
def resubmit():
    return membership.resubmitted(home)
