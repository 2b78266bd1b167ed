"""Student area: applications to named classes (apply, see status and reasons, withdraw)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import limiter
from portal.named_classes import services as named_classes
from portal.named_classes.public_views import class_page
from portal.named_classes.student_forms import ApplicationForm
from portal.platform import checks
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt

routes = Routes("student")


def _apply_limit() -> str:
    return current_app.config["APPLY_LIMIT"]


def _student_key() -> str:
    return f"apply:{current_user.id}"


@routes.get("/applications")
def applications():
    return render_template(
        "named_classes/student/applications.html",
        applications=named_classes.applications_of_student(current_user),
        action_form=ActionForm(),
        today=checks.district_today(),
    )


@routes.post("/named-classes/<int:class_id>/apply")
@limiter.limit(_apply_limit, key_func=_student_key)
def apply(class_id: int):
    form = ApplicationForm()
    if form.validate_on_submit():
        application = attempt(
            lambda: named_classes.apply(current_user, class_id, form.statement.data or ""), form
        )
        if application is not REFUSED:
            flash(_("Your application has been submitted."), "success")
            return redirect(url_for("student.applications"))
    # The detail page again, with the statement kept and the reason shown.
    return class_page(class_id, form), 400


@routes.post("/applications/<int:application_id>/withdraw")
def withdraw(application_id: int):
    if attempt(lambda: named_classes.withdraw(current_user, application_id)) is not REFUSED:
        flash(_("Your application has been withdrawn."), "info")
    return redirect(url_for("student.applications"))
