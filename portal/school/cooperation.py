"""School staff: proposals for their majors, cooperations, and recomputing their proposals."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import ngettext
from flask_login import current_user

from portal.forms import ActionForm
from portal.models.proposals import Side
from portal.partnership_views import add_partnership_routes
from portal.school.views import bp
from portal.services import matching
from portal.web import REFUSED, attempt

add_partnership_routes(bp, Side.SCHOOL)


@bp.post("/proposals/recompute")
def proposal_recompute():
    if ActionForm().validate_on_submit():
        tally = attempt(lambda: matching.recompute_for_school(current_user.organisation_id))
        if tally is not REFUSED:
            flash(
                ngettext("%(num)d proposal scored for your majors.", "%(num)d proposals scored for your majors.",
                         tally.scored),
                "success",
            )
    return redirect(url_for("school.proposal_list"))
