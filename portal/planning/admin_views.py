"""Supply against demand by major (专业预警调控): the figures, the thresholds and the export.

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.planning import alignment
from portal.planning import sheets as planning_sheets
from portal.planning.forms import ThresholdForm
from portal.platform import jobs
from portal.platform.checks import district_today
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, download, form_status, one_pass

routes = Routes("admin")


@routes.route("/alignment", methods=["GET", "POST"])
def alignment_overview():
    form = ThresholdForm()
    saved = one_pass(
        form,
        lambda: alignment.set_thresholds(current_user, form.shortage_above.data, form.surplus_below.data),
    )
    if saved is not REFUSED:
        flash(_("The warning thresholds are changed; the levels below use them."), "success")
        return redirect(url_for("admin.alignment_overview"))
    figures = alignment.report()
    if not form.is_submitted():
        form.shortage_above.data = f"{figures.thresholds.shortage_above:g}"
        form.surplus_below.data = f"{figures.thresholds.surplus_below:g}"
    return render_template(
        "planning/admin/alignment.html",
        form=form,
        figures=figures,
        today=district_today(),
        kinds=alignment.DEMAND_KINDS,
        action_form=ActionForm(),
        running=jobs.unfinished("classify_all"),
    ), form_status()


@routes.post("/alignment/classify")
def alignment_classify():
    # Every posting is classified when published or edited; this redoes them all (a job, never the
    # request), e.g. after matching/data/majors.tsv learnt new job titles.
    if ActionForm().validate_on_submit():
        job = attempt(lambda: jobs.submit("classify_all", user=current_user))
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("admin.alignment_overview"))


@routes.get("/alignment.xlsx")
def alignment_xlsx():
    return download(
        planning_sheets.alignment_workbook(),
        f"alignment-{district_today().isoformat()}.xlsx",
        private=False,
    )
