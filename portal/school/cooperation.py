"""School staff: proposals for their majors, cooperations, and recomputing their proposals."""
from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user

from portal.forms import ActionForm
from portal.models.proposals import Side
from portal.partnership_views import add_partnership_routes
from portal.school.views import bp
from portal.services import jobs
from portal.web import REFUSED, attempt

add_partnership_routes(bp, Side.SCHOOL)


@bp.post("/proposals/recompute")
def proposal_recompute():
    if ActionForm().validate_on_submit():
        job = attempt(lambda: jobs.submit("rank_school", user=current_user,
                                          args={"school_id": current_user.organisation_id}))
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("school.proposal_list"))
