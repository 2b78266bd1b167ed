"""Administrators: the district's proposals at a glance, and recomputing them all as a job."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from portal.partnerships import matching
from portal.partnerships import services as proposals
from portal.platform import jobs
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt

routes = Routes("admin")


@routes.get("/proposals")
def proposal_overview():
    return render_template(
        "partnerships/admin/proposals.html",
        counts=proposals.status_counts(),
        total=matching.posting_count(),
        running=jobs.unfinished("rank_all"),
        action_form=ActionForm(),
    )


@routes.post("/proposals/recompute")
def proposal_recompute():
    if ActionForm().validate_on_submit():
        job = attempt(lambda: jobs.submit("rank_all", user=current_user))
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("admin.proposal_overview"))
