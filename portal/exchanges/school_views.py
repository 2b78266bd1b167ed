"""School staff: two-way exchange (双向交流) — part-time teachers from industry and teacher practice.

Suggestions for the school's teaching needs and its teachers open to practice, the
school's exchanges by stage, its part-time teacher share against the 20% rule and its
staffing quota, and recording double-qualified status after enterprise practice.
Routes join the `school` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchanges import services as exchanges
from portal.exchanges.forms import StaffingQuotaForm, SuggestionForm
from portal.exchanges.views import page_context
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status
from portal.rules.part_time import SOURCE as PART_TIME_SOURCE

routes = Routes("school")


def _page(quota_form: StaffingQuotaForm | None = None):
    school = current_user.organisation
    form = quota_form or StaffingQuotaForm(
        staffing_quota=school.staffing_quota,
        part_time_funding=school.part_time_funding,
        part_time_spending=school.part_time_spending,
    )
    return render_template(
        "exchanges/school/exchanges.html",
        share=exchanges.part_time_share(school),
        rule_source=PART_TIME_SOURCE,
        quota_form=form,
        suggestion_form=SuggestionForm(),
        action_form=ActionForm(),
        **page_context(),
    ), form_status()


@routes.get("/exchanges")
def exchange_list():
    return _page()


@routes.post("/exchanges/quota")
def exchange_quota():
    form = StaffingQuotaForm()
    if form.validate_on_submit():
        if (
            attempt(
                lambda: exchanges.set_staffing_quota(
                    current_user,
                    form.staffing_quota.data,
                    form.part_time_funding.data,
                    form.part_time_spending.data,
                ),
                form,
            )
            is not REFUSED
        ):
            flash(_("The staffing quota has been saved."), "success")
            return redirect(url_for("school.exchange_list"))
    return _page(form)


@routes.post("/exchanges/<int:exchange_id>/double-qualified")
def exchange_double_qualified(exchange_id: int):
    teacher = attempt(lambda: exchanges.record_double_qualified(current_user, exchange_id))
    if teacher is not REFUSED:
        flash(
            _("%(name)s is now recorded as a double-qualified teacher (双师型).", name=teacher.name),
            "success",
        )
    return redirect(url_for("school.exchange_list"))
