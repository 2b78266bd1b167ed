"""Enterprise HR: demand postings (list, new per kind, edit, publish, close).

Routes join the `enterprise` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.platform import checks
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status
from portal.postings import services as postings
from portal.postings.forms import posting_form
from portal.postings.models import DETAIL_FIELDS, Posting, PostingKind
from portal.rules import internships as internship_rules

routes = Routes("enterprise")


@routes.get("/postings")
def posting_list():
    return render_template(
        "postings/enterprise/postings.html",
        results=postings.own_postings_page(current_user, checks.page_number(request.args.get("page"))),
        kinds=PostingKind.labels(),
        action_form=ActionForm(),
    )


def _warn(posting) -> None:
    """Warnings on an internship, not refusals (the declared answers and each offer decide): text
    that mentions a forbidden kind of post (KTV, 高空…), and more interns than the shares allow at
    once (portal.rules.internships)."""
    if posting.kind != PostingKind.INTERNSHIP.value:
        return
    words = internship_rules.keyword_warnings(posting.title, posting.description)
    if words:
        flash(
            _(
                "The posting mentions %(words)s: check that the post is none of those the rules forbid.",
                words="、".join(words),
            ),
            "info",
        )
    for warning in internship_rules.headcount_warnings(
        posting.headcount, posting.enterprise.staff_count, posting.details.get("post_staff_count")
    ):
        flash(str(warning), "info")


def _form_page(form, kind: str, posting: Posting | None):
    """The new or edit form of a posting of `kind`, answered with the form's status."""
    page = render_template(
        "postings/enterprise/posting_form.html",
        form=form,
        kind=kind,
        posting=posting,
        kinds=PostingKind.labels(),
        # A published posting is saved as it stands; a pending enterprise saves drafts only.
        can_publish=current_user.organisation.is_verified and (posting is None or posting.can("publish")),
    )
    return page, form_status()


def _save(form, save, saved: str):
    """The submitted form saved by `save(values, to_publish)`; with the form's publish button, judged
    for publishing with the rest and published in the same unit of work, so that a refused
    publication leaves the posting as it was. None if refused."""
    if not form.validate_on_submit():
        return None
    publishing = "publish" in request.form
    posting = attempt(
        (lambda: postings.publish(save(form.to_input(), True)))
        if publishing
        else (lambda: save(form.to_input(), False)),
        form,
    )
    if posting is REFUSED:
        return None
    flash(_("The posting has been published.") if publishing else saved, "success")
    _warn(posting)
    return redirect(url_for("enterprise.posting_list"))


@routes.route("/postings/new/<kind>", methods=["GET", "POST"])
def posting_new(kind: str):
    if kind not in DETAIL_FIELDS:
        abort(404)
    form = posting_form(kind, default_town=current_user.organisation.town)
    done = _save(
        form,
        lambda values, to_publish: postings.create_posting(
            current_user.organisation, kind, values, to_publish=to_publish
        ),
        _("The posting has been saved as a draft."),
    )
    return done or _form_page(form, kind, None)


@routes.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
def posting_edit(posting_id: int):
    posting = postings.get_own_posting(current_user, posting_id)
    form = posting_form(posting.kind, posting)
    done = _save(
        form,
        lambda values, to_publish: postings.update_posting(
            current_user, posting_id, values, to_publish=to_publish
        ),
        _("The posting has been saved."),
    )
    return done or _form_page(form, posting.kind, posting)


@routes.post("/postings/<int:posting_id>/publish")
def posting_publish(posting_id: int):
    """Publish from the list. A refusal about the posting's own fields (an internship's answers the
    rules need) opens its form with each problem beside its field, instead of bare messages."""
    posting = postings.get_own_posting(current_user, posting_id)
    form = posting_form(posting.kind, posting, stored=True)
    if attempt(lambda: postings.publish_posting(current_user, posting_id), form) is not REFUSED:
        flash(_("The posting has been published."), "success")
        _warn(posting)
        return redirect(url_for("enterprise.posting_list"))
    if form.errors:
        flash(_("Complete the fields marked below, then save and publish."), "error")
        return _form_page(form, posting.kind, postings.get_own_posting(current_user, posting_id))
    return posting_list(), 400


@routes.post("/postings/<int:posting_id>/close")
def posting_close(posting_id: int):
    if attempt(lambda: postings.close_posting(current_user, posting_id)) is REFUSED:
        return posting_list(), 400
    flash(_("The posting has been closed."), "success")
    return redirect(url_for("enterprise.posting_list"))
