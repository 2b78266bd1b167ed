"""Administrators: recompute every partnership proposal, one chunk of postings per request.

Synchronous but chunked: each POST ranks the next `matching.CHUNK` postings
against every live major, commits, and shows how far it got; the page then
submits itself for the next chunk (static/js/app.js), or the administrator
presses "Continue" without JavaScript.
"""
from __future__ import annotations

import time

from flask import render_template, request
from sqlalchemy import func, select

from portal.admin.views import bp
from portal.extensions import db
from portal.forms import ActionForm
from portal.models import Proposal
from portal.services import checks, matching
from portal.web import REFUSED, attempt


def _counts() -> dict[str, int]:
    return dict(db.session.execute(select(Proposal.status, func.count()).group_by(Proposal.status)).all())


@bp.get("/proposals")
def proposal_overview():
    return render_template(
        "admin/proposals.html", counts=_counts(), total=matching.posting_count(), step=None,
        action_form=ActionForm(),
    )


@bp.post("/proposals/recompute")
def proposal_recompute():
    form = ActionForm()
    offset = request.form.get("offset", "0")
    offset = checks.whole_number(offset) or 0
    step = None
    if form.validate_on_submit():
        started = time.perf_counter()
        result = attempt(lambda: matching.recompute_step(offset))
        if result is not REFUSED:
            tally, next_offset, total = result
            step = {
                "tally": tally, "done": next_offset, "total": total,
                "seconds": time.perf_counter() - started,
                "scored_so_far": _int(request.form.get("scored")) + tally.scored,
                "finished": next_offset >= total,
            }
    return render_template(
        "admin/proposals.html", counts=_counts(), total=matching.posting_count(), step=step, action_form=form,
    )


def _int(raw: str | None) -> int:
    return checks.whole_number(raw) or 0
