"""Supply against demand by major (专业预警调控): the figures, the thresholds and the export.

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from portal.admin.views import bp
from portal.forms import ActionForm
from portal.i18n import lazy_gettext as _l
from portal.services import alignment, jobs, statistics_report
from portal.services.checks import district_today
from portal.web import REFUSED, attempt, download, form_status, one_pass


class ThresholdForm(FlaskForm):
    # Text, not a number field: the service reads "1,2" too and words every problem itself.
    shortage_above = StringField(
        _l("Shortage above (demand / intake)"),
        description=_l("A group whose demand is more than this many times its planned intake is a shortage."),
        validators=[InputRequired(message=_l("Enter a ratio such as 1.2."))],
    )
    surplus_below = StringField(
        _l("Surplus below (demand / intake)"),
        description=_l("A group whose demand is less than this many times its planned intake is a surplus."),
        validators=[InputRequired(message=_l("Enter a ratio such as 0.8."))],
    )


@bp.route("/alignment", methods=["GET", "POST"])
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
        "admin/alignment.html",
        form=form,
        figures=figures,
        today=district_today(),
        kinds=alignment.DEMAND_KINDS,
        action_form=ActionForm(),
        running=jobs.unfinished("classify_all"),
    ), form_status()


@bp.post("/alignment/classify")
def alignment_classify():
    # Every posting is classified when published or edited; this redoes them all (a job, never the
    # request), e.g. after matching/data/majors.tsv learnt new job titles.
    if ActionForm().validate_on_submit():
        job = attempt(lambda: jobs.submit("classify_all", user=current_user))
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("admin.alignment_overview"))


@bp.get("/alignment.xlsx")
def alignment_xlsx():
    return download(
        statistics_report.alignment_workbook(),
        f"alignment-{district_today().isoformat()}.xlsx",
        private=False,
    )
