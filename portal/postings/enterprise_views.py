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


def _warn_of_words(posting) -> None:
    """An internship whose text mentions a forbidden kind of post (KTV, 高空…): a warning only, the
    declared answers decide (portal.rules.internships)."""
    if posting.kind == PostingKind.INTERNSHIP.value:
        words = internship_rules.keyword_warnings(posting.title, posting.description)
        if words:
            flash(
                _(
                    "The posting mentions %(words)s: check that the post is none of those the rules forbid.",
                    words="、".join(words),
                ),
                "info",
            )


def _form_page(form, kind: str, posting: Posting | None):
    """The new or edit form of a posting of `kind`, answered with the form's status."""
    page = render_template(
        "postings/enterprise/posting_form.html",
        form=form,
        kind=kind,
        posting=posting,
        kinds=PostingKind.labels(),
    )
    return page, form_status()


@routes.route("/postings/new/<kind>", methods=["GET", "POST"])
def posting_new(kind: str):
    if kind not in DETAIL_FIELDS:
        abort(404)
    form = posting_form(kind, default_town=current_user.organisation.town)
    if form.validate_on_submit():
        posting = attempt(
            lambda: postings.create_posting(current_user.organisation, kind, form.to_input()), form
        )
        if posting is not REFUSED:
            flash(_("The posting has been saved as a draft."), "success")
            _warn_of_words(posting)
            return redirect(url_for("enterprise.posting_list"))
    return _form_page(form, kind, None)


@routes.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
def posting_edit(posting_id: int):
    posting = postings.get_own_posting(current_user, posting_id)
    form = posting_form(posting.kind, posting)
    if form.validate_on_submit():
        saved = attempt(lambda: postings.update_posting(current_user, posting_id, form.to_input()), form)
        if saved is not REFUSED:
            flash(_("The posting has been saved."), "success")
            _warn_of_words(saved)
            return redirect(url_for("enterprise.posting_list"))
    return _form_page(form, posting.kind, posting)


def _step(action, done: str):
    """A step from the list's buttons: back to the list, or the list again with the refusal."""
    if attempt(action) is REFUSED:
        return posting_list(), 400
    flash(done, "success")
    return redirect(url_for("enterprise.posting_list"))


@routes.post("/postings/<int:posting_id>/publish")
def posting_publish(posting_id: int):
    return _step(
        lambda: postings.publish_posting(current_user, posting_id), _("The posting has been published.")
    )


@routes.post("/postings/<int:posting_id>/close")
def posting_close(posting_id: int):
    return _step(lambda: postings.close_posting(current_user, posting_id), _("The posting has been closed."))
