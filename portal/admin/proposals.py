"""Administrators: the district's proposals at a glance, and recomputing them all as a job."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.admin.views import bp
from portal.extensions import db
from portal.forms import ActionForm
from portal.models import Job, JobStatus, Proposal
from portal.services import jobs, matching
from portal.web import REFUSED, attempt


def _counts() -> dict[str, int]:
    return dict(db.session.execute(select(Proposal.status, func.count()).group_by(Proposal.status)).all())


@bp.get("/proposals")
def proposal_overview():
    running = db.session.scalar(
        select(Job).where(Job.kind == "rank_all", Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
        .order_by(Job.id.desc()).limit(1)
    )
    return render_template(
        "admin/proposals.html", counts=_counts(), total=matching.posting_count(), running=running,
        action_form=ActionForm(),
    )


@bp.post("/proposals/recompute")
def proposal_recompute():
    if ActionForm().validate_on_submit():
        job = attempt(lambda: jobs.submit("rank_all", user=current_user))
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("admin.proposal_overview"))
