"""An enterprise's side of 岗位实习: its staff count and the students open to offers; nested in the
enterprise area."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.internships import profiles
from portal.internships import services as internships
from portal.internships.forms import StaffForm
from portal.internships.views import index
from portal.platform.web import REFUSED, attempt

enterprise_bp = Blueprint("enterprise_internships", __name__, url_prefix="/internships")


@enterprise_bp.post("/staff")
def record_staff():
    """The enterprise's employees on the job, entered once and dated (the 10 % rule reads it)."""
    form = StaffForm()
    if form.validate_on_submit():
        if (
            attempt(lambda: internships.record_staff(current_user, form.staff_count.data), form)
            is not REFUSED
        ):
            flash(_("The number of employees is recorded."), "success")
            return redirect(url_for("enterprise.internships.index"))
    return index(form), 400


@enterprise_bp.get("/students/")
def discoverable():
    return render_template(
        "internships/students.html",
        profiles=profiles.discoverable(current_user),
        verified=current_user.organisation is not None and current_user.organisation.is_verified,
    )
