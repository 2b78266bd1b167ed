"""A student's side of 岗位实习: applying and their own profile; nested in the student area."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.internships import profiles
from portal.internships import services as internships
from portal.internships.forms import ApplyForm, ProfileForm
from portal.platform import uploads
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm
from portal.platform.web import REFUSED, attempt, form_status
from portal.postings import services as postings

student_bp = Blueprint("student_internships", __name__, url_prefix="/internships")


@student_bp.route("/profile/", methods=["GET", "POST"])
def profile():
    existing = profiles.own(current_user)
    # The stored profile fills the form only when it is shown: a POST that leaves a field out must not
    # fall back to the stored value (certificates are stored as a list, the field holds text).
    form = ProfileForm(obj=existing if request.method == "GET" else None)
    if request.method == "GET" and existing is not None:
        form.certificates.data = "\n".join(
            f"{c['name']}, {c['level']}, {c['date']}" for c in existing.certificates
        )
        form.awards.data = "\n".join(f"{a['level']}, {a['event']}, {a['prize']}" for a in existing.awards)
        form.consent.data = True
    if form.validate_on_submit():
        # The file name is never used: the bytes say whether it is a PDF. Without a new file
        # the stored CV stays as it is.
        cv = uploads.read(form.cv.data, profiles.CV_MAX_BYTES)
        if attempt(lambda: profiles.save(current_user, form.data_input(), cv), form) is not REFUSED:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    return render_template(
        "internships/profile_form.html", form=form, profile=existing, action_form=ActionForm()
    ), form_status()


@student_bp.post("/profile/delete")
@needs_confirmation("delete_profile")
def profile_delete():
    if attempt(lambda: profiles.delete(current_user)) is not REFUSED:
        flash(_("Your profile and CV are deleted."), "success")
    return redirect(url_for(".profile"))


@student_bp.route("/apply/<int:posting_id>", methods=["GET", "POST"])
def apply(posting_id: int):
    posting = postings.get_public_posting(posting_id)
    form = ApplyForm()
    if request.method == "GET":
        form.birth_date.data = current_user.birth_date
        form.entry_year.data = current_user.entry_year or getattr(
            profiles.own(current_user), "entry_year", None
        )
        form.sex.data = current_user.sex or ""
    if form.validate_on_submit():
        placement = attempt(
            lambda: internships.apply(
                current_user,
                posting_id,
                form.statement.data,
                form.birth_date.data,
                entry_year=form.entry_year.data,
                sex=form.sex.data or None,
            ),
            form,
        )
        if placement is not REFUSED:
            flash(
                _("Your application has been sent to %(enterprise)s.", enterprise=posting.enterprise.name),
                "success",
            )
            return redirect(url_for("student.internships.placement", placement_id=placement.id))
    return render_template("internships/apply.html", form=form, posting=posting), form_status()
