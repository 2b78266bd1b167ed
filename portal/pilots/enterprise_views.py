"""Enterprise HR: apply to become an industry–education pilot enterprise (产教融合型试点企业), see the status.

Routes join the `enterprise` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.pilots import evidence
from portal.pilots import services as pilots
from portal.pilots.forms import PilotApplicationForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status

routes = Routes("enterprise")


@routes.route("/pilot", methods=["GET", "POST"])
def pilot_status():
    form = PilotApplicationForm()
    if form.validate_on_submit():
        application = attempt(
            lambda: pilots.apply_as_pilot_enterprise(current_user, form.statement.data or ""), form
        )
        if application is not REFUSED:
            flash(_("Your application has been submitted to the administrators."), "success")
            return redirect(url_for("enterprise.pilot_status"))
    return render_template(
        "pilots/enterprise/pilot.html",
        form=form,
        applications=pilots.applications_of_enterprise(current_user),
        open_application=pilots.open_application_of(current_user.organisation_id),
        figures=evidence.enterprise_evidence(current_user.organisation_id),
        figure_labels=evidence.EVIDENCE_LABELS,
    ), form_status()
