"""Enterprise HR: two-way exchange (双向交流) — practice posts for teachers, and the exchanges.

Practice posts (教师企业实践岗位) are created, edited, opened and closed here; the page
shows suggestions for the enterprise's experts (from its part-time-teacher postings)
and its posts, and its exchanges by stage. Routes join the `enterprise` blueprint,
so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchanges import services as exchanges
from portal.exchanges.forms import PracticePostForm, SuggestionForm
from portal.exchanges.views import page_context
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status

routes = Routes("enterprise")


@routes.get("/exchanges")
def exchange_list():
    return render_template(
        "exchanges/enterprise/exchanges.html",
        posts=exchanges.posts_of_enterprise(current_user.organisation_id),
        suggestion_form=SuggestionForm(),
        action_form=ActionForm(),
        **page_context(),
    )


def _post_form(post, save, done: str):
    """A practice post's form, new (`post` None) or to edit: `save(values)` it, back to the list."""
    form = PracticePostForm(obj=post)
    if form.validate_on_submit() and attempt(lambda: save(form.values()), form) is not REFUSED:
        flash(done, "success")
        return redirect(url_for("enterprise.exchange_list"))
    return render_template(
        "exchanges/enterprise/practice_post_form.html", form=form, post=post
    ), form_status()


@routes.route("/exchanges/posts/new", methods=["GET", "POST"])
def practice_post_new():
    return _post_form(
        None,
        lambda values: exchanges.create_post(current_user.organisation, **values),
        _("The practice post has been saved; it is open to teachers."),
    )


@routes.route("/exchanges/posts/<int:post_id>/edit", methods=["GET", "POST"])
def practice_post_edit(post_id: int):
    post = exchanges.get_own_post(current_user, post_id)
    return _post_form(
        post,
        lambda values: exchanges.update_post(current_user, post_id, **values),
        _("The practice post has been saved."),
    )


@routes.post("/exchanges/posts/<int:post_id>/<any(open, closed):status>")
def practice_post_status(post_id: int, status: str):
    if attempt(lambda: exchanges.set_post_status(current_user, post_id, status)) is not REFUSED:
        flash(
            _("The practice post has been reopened.")
            if status == "open"
            else _("The practice post has been closed."),
            "success",
        )
    return redirect(url_for("enterprise.exchange_list"))
