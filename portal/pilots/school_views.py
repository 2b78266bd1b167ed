"""School staff: submit one of the school's cooperations as a pilot partnership (校企一体化合作办学试点).

Draft the plan, submit it, and after a return for changes edit and submit it again.
Routes join the `school` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.pilots import services as pilots
from portal.pilots.forms import PilotPlanForm
from portal.pilots.models import PilotPartnership
from portal.platform.checks import district_today
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status

routes = Routes("school")


@routes.get("/pilots")
def pilot_list():
    cooperations = pilots.cooperations_of_school(current_user)
    return render_template(
        "pilots/school/pilots.html",
        cooperations=cooperations,
        open_pilots={c.id: pilots.open_pilot_of(c.id) for c in cooperations},
        pilots=pilots.pilots_of_school(current_user),
        today=district_today(),
    )


def _save(form: PilotPlanForm, save, then_submit: bool):
    """Save the plan, and submit it too when the 'submit' button was pressed: one unit of work."""

    def action() -> PilotPartnership:
        pilot = save()
        return pilots.submit_pilot(current_user, pilot.id) if then_submit else pilot

    return attempt(action, form)


def _plan_page(form: PilotPlanForm, save, saved_message: str, *, cooperation, pilot):
    """The plan's form, new or to edit: saved (as a draft), or submitted by the submit button."""
    if form.validate_on_submit():
        submit = "submit" in request.form
        saved = _save(form, save, submit)
        if saved is not REFUSED:
            flash(_("The pilot application has been submitted.") if submit else saved_message, "success")
            return redirect(url_for("school.pilot_detail", pilot_id=saved.id))
    return render_template(
        "pilots/school/pilot_form.html", form=form, cooperation=cooperation, pilot=pilot
    ), form_status()


@routes.route("/pilots/new/<int:cooperation_id>", methods=["GET", "POST"])
def pilot_new(cooperation_id: int):
    cooperation = pilots.get_own_cooperation(current_user, cooperation_id)
    form = PilotPlanForm()
    return _plan_page(
        form,
        lambda: pilots.create_pilot(current_user, cooperation_id, form.plan()),
        _("The pilot plan has been saved as a draft."),
        cooperation=cooperation,
        pilot=None,
    )


@routes.route("/pilots/<int:pilot_id>/edit", methods=["GET", "POST"])
def pilot_edit(pilot_id: int):
    pilot = pilots.get_own_pilot(current_user, pilot_id)
    form = PilotPlanForm(obj=pilot)
    return _plan_page(
        form,
        lambda: pilots.update_plan(current_user, pilot_id, form.plan()),
        _("The pilot plan has been saved."),
        cooperation=pilot.cooperation,
        pilot=pilot,
    )


@routes.get("/pilots/<int:pilot_id>")
def pilot_detail(pilot_id: int):
    return render_template(
        "pilots/school/pilot.html",
        pilot=pilots.get_own_pilot(current_user, pilot_id),
        plan_labels=pilots.PLAN_LABELS,
        today=district_today(),
        action_form=ActionForm(),
    )


@routes.post("/pilots/<int:pilot_id>/submit")
def pilot_submit(pilot_id: int):
    pilot = attempt(lambda: pilots.submit_pilot(current_user, pilot_id))
    if pilot is REFUSED:
        return pilot_detail(pilot_id), 400
    flash(_("The pilot application has been submitted."), "success")
    return redirect(url_for("school.pilot_detail", pilot_id=pilot_id))
