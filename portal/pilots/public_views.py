"""Public: approved pilot partnerships with their notice period (公示), and the pilot enterprises."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.extensions import limiter
from portal.pilots import services as pilots
from portal.pilots.forms import ObjectionForm
from portal.platform.checks import district_today
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt

routes = Routes("public")


@routes.get("/pilots")
def pilots_list():
    return render_template(
        "pilots/public/pilots.html",
        pilots=pilots.public_pilots(),
        enterprises=pilots.public_pilot_enterprises(),
        today=district_today(),
        notice_days=pilots.NOTICE_PERIOD_DAYS,
    )


def _objection_limit() -> str:
    return current_app.config["APPLY_LIMIT"]


@routes.get("/pilots/<int:pilot_id>")
def pilot_detail(pilot_id: int, form: ObjectionForm | None = None):
    pilot = pilots.get_public_pilot(pilot_id)
    return render_template(
        "pilots/public/pilot.html",
        pilot=pilot,
        plan_labels=pilots.PLAN_LABELS,
        today=district_today(),
        form=form or ObjectionForm(),
        objection_counts=pilots.objection_counts(pilot),
    )


@routes.post("/pilots/<int:pilot_id>/objections")
@limiter.limit(_objection_limit)
def pilot_object(pilot_id: int):
    """Anyone sends an objection (异议) during the notice period (公示); every problem shown at once."""
    form = ObjectionForm()  # CSRF is checked app-wide before this runs; the service checks every field
    objection = pilots.NewObjection(form.name.data or "", form.contact.data or "", form.body.data or "")
    if attempt(lambda: pilots.object_to_pilot(pilot_id, objection), form) is REFUSED:
        return pilot_detail(pilot_id, form), 400
    flash(
        _(
            "Your objection has been sent to the district's administration. They will answer you through "
            "the contact you gave before the pilot becomes final."
        ),
        "success",
    )
    return redirect(url_for("public.pilot_detail", pilot_id=pilot_id))
