"""A background job's page: its progress while it runs, its result or error after; every
role reaches the jobs it started (administrators all)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.platform import jobs
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt

routes = Routes("auth")


@routes.get("/jobs/<int:job_id>")
@login_required
def job_detail(job_id: int):
    job = jobs.get_for(current_user, job_id)
    return render_template(
        "platform/job.html",
        job=job,
        label=jobs.kind_labels.get(job.kind, job.kind),
        result_labels=jobs.RESULT_LABELS,
        action_form=ActionForm(),
    )


@routes.get("/jobs/<int:job_id>.json")
@login_required
def job_state(job_id: int):
    job = jobs.get_for(current_user, job_id)
    return jsonify(
        id=job.id, kind=job.kind, status=job.status, progress=job.progress, result=job.result, error=job.error
    )


@routes.post("/jobs/<int:job_id>/retry")
@login_required
def job_retry(job_id: int):
    if ActionForm().validate_on_submit() and attempt(lambda: jobs.retry(current_user, job_id)) is not REFUSED:
        flash(_("The job has been started again."), "success")
    return redirect(url_for("auth.job_detail", job_id=job_id))
