"""School staff: teachers, teaching needs, training offers."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status
from portal.programs import records as school_records
from portal.programs.forms import TeacherForm, TeachingNeedForm, TrainingOfferForm
from portal.programs.sheets import DEGREE_LABELS, EMPLOYMENT_LABELS, TARGET_GROUP_LABELS
from portal.rules import double_qualified as dq_rule

routes = Routes("school")

LABELS = {"degrees": DEGREE_LABELS, "employments": EMPLOYMENT_LABELS, "target_groups": TARGET_GROUP_LABELS}


def _record_form(kind: str, form, save, done: str, **shown):
    """A record's form (`kind`: teacher, need, offer), new or to edit: `save(values)` it and go back
    to the list, or show the form again with what was refused beside its fields."""
    if form.validate_on_submit() and attempt(lambda: save(form.values()), form) is not REFUSED:
        flash(done, "success")
        return redirect(url_for(f"school.{kind}_list"))
    return render_template(f"programs/school/{kind}_form.html", form=form, **shown), form_status()


# --- teachers -------------------------------------------------------------------


@routes.get("/teachers")
def teacher_list():
    return render_template(
        "programs/school/teachers.html",
        teachers=school_records.teachers_of_school(current_user.organisation_id),
        dq_levels=dq_rule.LEVELS,
        action_form=ActionForm(),
        **LABELS,
    )


@routes.route("/teachers/new", methods=["GET", "POST"])
def teacher_new():
    form = TeacherForm()
    return _record_form(
        "teacher",
        form,
        lambda values: school_records.create_teacher(current_user.organisation, **values),
        _("The teacher has been added."),
    )


@routes.route("/teachers/<int:teacher_id>/edit", methods=["GET", "POST"])
def teacher_edit(teacher_id: int):
    teacher = school_records.get_own_teacher(current_user, teacher_id)
    form = TeacherForm(obj=teacher)
    return _record_form(
        "teacher",
        form,
        lambda values: school_records.update_teacher(current_user, teacher_id, **values),
        _("The teacher has been saved."),
        teacher=teacher,
    )


@routes.post("/teachers/<int:teacher_id>/remove")
def teacher_remove(teacher_id: int):
    if attempt(lambda: school_records.remove_teacher(current_user, teacher_id)) is REFUSED:
        return teacher_list(), 400
    flash(_("The teacher has been removed."), "success")
    return redirect(url_for("school.teacher_list"))


# --- teaching needs -------------------------------------------------------------


@routes.get("/needs")
def need_list():
    return render_template(
        "programs/school/needs.html",
        needs=school_records.needs_of_school(current_user.organisation_id),
        action_form=ActionForm(),
    )


@routes.route("/needs/new", methods=["GET", "POST"])
def need_new():
    form = TeachingNeedForm()
    return _record_form(
        "need",
        form,
        lambda values: school_records.create_need(current_user.organisation, **values),
        _("The teaching need has been saved."),
    )


@routes.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
def need_edit(need_id: int):
    need = school_records.get_own_need(current_user, need_id)
    form = TeachingNeedForm(obj=need)
    return _record_form(
        "need",
        form,
        lambda values: school_records.update_need(current_user, need_id, **values),
        _("The teaching need has been saved."),
        need=need,
    )


@routes.post("/needs/<int:need_id>/<any(open, filled, closed):status>")
def need_status(need_id: int, status: str):
    if attempt(lambda: school_records.set_need_status(current_user, need_id, status)) is not REFUSED:
        flash(_("The teaching need has been updated."), "success")
    return redirect(url_for("school.need_list"))


# --- training offers ------------------------------------------------------------


@routes.get("/offers")
def offer_list():
    return render_template(
        "programs/school/offers.html",
        offers=school_records.offers_of_school(current_user.organisation_id),
        action_form=ActionForm(),
        **LABELS,
    )


@routes.route("/offers/new", methods=["GET", "POST"])
def offer_new():
    form = TrainingOfferForm()
    return _record_form(
        "offer",
        form,
        lambda values: school_records.create_offer(current_user.organisation, **values),
        _("The training offer has been saved as a draft."),
    )


@routes.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
def offer_edit(offer_id: int):
    offer = school_records.get_own_offer(current_user, offer_id)
    form = TrainingOfferForm(obj=offer)
    if not form.is_submitted():
        form.target_groups.data = offer.target_group_list
    return _record_form(
        "offer",
        form,
        lambda values: school_records.update_offer(current_user, offer_id, **values),
        _("The training offer has been saved."),
        offer=offer,
    )


@routes.post("/offers/<int:offer_id>/publish")
def offer_publish(offer_id: int):
    if attempt(lambda: school_records.publish_offer(current_user, offer_id)) is not REFUSED:
        flash(_("The training offer has been published."), "success")
    return redirect(url_for("school.offer_list"))


@routes.post("/offers/<int:offer_id>/close")
def offer_close(offer_id: int):
    if attempt(lambda: school_records.close_offer(current_user, offer_id)) is not REFUSED:
        flash(_("The training offer has been closed."), "success")
    return redirect(url_for("school.offer_list"))
