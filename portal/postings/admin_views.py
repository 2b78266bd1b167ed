"""Administrators: the postings queue. Postings of verified enterprises publish at once;
an administrator can take any of them down, with a reason the owner sees."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.platform import checks
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ReasonForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt
from portal.postings import enterprises
from portal.postings import services as postings
from portal.postings.models import PostingKind

routes = Routes("admin")


def _filters(args) -> dict:
    status = args.get("status", "published")
    kind = args.get("kind", "")
    enterprise = (args.get("enterprise") or "").strip()
    page = (args.get("page") or "1").strip()
    return {
        "status": status if status in postings.MODERATION_STATUSES else "published",
        "kind": kind if kind in PostingKind.labels() else "",
        "enterprise_id": checks.whole_number(enterprise),
        "page": checks.page_number(page),
    }


@routes.get("/postings")
def posting_queue():
    filters = _filters(request.args)
    return render_template(
        "postings/admin/postings.html",
        results=postings.postings_for_review(**filters),
        filters=filters,
        statuses=postings.MODERATION_STATUSES,
        kinds=PostingKind.labels(),
        enterprises=enterprises.all_by_name(),
        reason_form=ReasonForm(),
    )


@routes.post("/postings/<int:posting_id>/take-down")
@needs_confirmation("take_down")
def posting_take_down(posting_id: int):
    posting = attempt(lambda: postings.take_down(current_user, posting_id, request.form.get("reason", "")))
    if posting is REFUSED:
        return posting_queue(), 400
    flash(
        _("“%(title)s” has been taken down; its enterprise has been told why.", title=posting.title),
        "success",
    )
    return redirect(url_for("admin.posting_queue"))
