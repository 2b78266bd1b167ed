"""Administrators: pilot partnerships (校企一体化合作办学试点) and pilot enterprises (产教融合型试点企业).

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.views import bp
from portal.confirm import needs_confirmation
from portal.forms import ActionForm, ReasonForm
from portal.i18n import lazy_gettext as _l
from portal.models import PilotEnterpriseStatus, PilotStatus
from portal.models.base import State
from portal.services import audit, pilots, statistics
from portal.services.checks import district_today
from portal.web import REFUSED, attempt

PILOT_TABS = [s.value for s in PilotStatus if s is not PilotStatus.DRAFT] + ["all"]
APPLICATION_TABS = [s.value for s in PilotEnterpriseStatus] + ["all"]


def _tabs(values: list[str], states: type[State]) -> list[tuple[str, object]]:
    """(value, label) of each tab: the states' own labels, and "all"."""
    return [(value, _l("All") if value == "all" else states(value).label) for value in values]


def _tab(allowed: list[str]) -> str:
    status = request.args.get("status", allowed[0])
    return status if status in allowed else allowed[0]


@bp.get("/pilots")
def pilot_list():
    status = _tab(PILOT_TABS)
    return render_template(
        "admin/pilots.html",
        pilots=pilots.pilots_for_review(current_user, status),
        status=status,
        tabs=_tabs(PILOT_TABS, PilotStatus),
        today=district_today(),
    )


@bp.get("/pilots/<int:pilot_id>")
def pilot_detail(pilot_id: int):
    pilot = pilots.get_pilot(current_user, pilot_id)
    return render_template(
        "admin/pilot.html",
        pilot=pilot,
        today=district_today(),
        plan_labels=pilots.PLAN_LABELS,
        entries=audit.history(pilot),
        objections=pilots.objections_of(current_user, pilot.id),
        action_labels=audit.ACTION_LABELS,
        state_labels=audit.STATE_LABELS,
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


def _pilot_step(pilot_id: int, step, done: str):
    result = attempt(step)
    if result is REFUSED:
        return pilot_detail(pilot_id), 400
    flash(done, "success")
    return redirect(url_for("admin.pilot_detail", pilot_id=pilot_id))


@bp.post("/pilots/<int:pilot_id>/approve")
@needs_confirmation("approve_pilot")
def pilot_approve(pilot_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.approve_pilot(current_user, pilot_id),
        _("The pilot has been approved; its notice period has started."),
    )


@bp.post("/pilots/<int:pilot_id>/reject")
def pilot_reject(pilot_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.reject_pilot(current_user, pilot_id, request.form.get("reason", "")),
        _("The pilot has been rejected."),
    )


@bp.post("/pilots/<int:pilot_id>/return")
def pilot_return(pilot_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.return_pilot(current_user, pilot_id, request.form.get("reason", "")),
        _("The pilot has been returned to the school for changes."),
    )


@bp.post("/pilots/<int:pilot_id>/withdraw")
def pilot_withdraw(pilot_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.withdraw_approval(current_user, pilot_id, request.form.get("reason", "")),
        _("The approval has been withdrawn."),
    )


@bp.get("/pilot-enterprises")
def pilot_enterprise_list():
    status = _tab(APPLICATION_TABS)
    return render_template(
        "admin/pilot_enterprises.html",
        applications=pilots.applications_for_review(current_user, status),
        status=status,
        tabs=_tabs(APPLICATION_TABS, PilotEnterpriseStatus),
    )


@bp.get("/pilot-enterprises/<int:application_id>")
def pilot_enterprise_detail(application_id: int):
    application = pilots.get_application(current_user, application_id)
    return render_template(
        "admin/pilot_enterprise.html",
        application=application,
        figure_labels=statistics.EVIDENCE_LABELS,
        current_figures=statistics.enterprise_evidence(application.enterprise_id),
        entries=audit.history(application),
        action_labels=audit.ACTION_LABELS,
        state_labels=audit.STATE_LABELS,
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


def _application_step(application_id: int, step, done: str):
    result = attempt(step)
    if result is REFUSED:
        return pilot_enterprise_detail(application_id), 400
    flash(done, "success")
    return redirect(url_for("admin.pilot_enterprise_detail", application_id=application_id))


@bp.post("/pilot-enterprises/<int:application_id>/approve")
def pilot_enterprise_approve(application_id: int):
    return _application_step(
        application_id,
        lambda: pilots.approve_enterprise(current_user, application_id),
        _("The enterprise is now a pilot enterprise."),
    )


@bp.post("/pilot-enterprises/<int:application_id>/reject")
def pilot_enterprise_reject(application_id: int):
    return _application_step(
        application_id,
        lambda: pilots.reject_enterprise(current_user, application_id, request.form.get("reason", "")),
        _("The application has been rejected."),
    )


@bp.post("/pilot-enterprises/<int:application_id>/revoke")
def pilot_enterprise_revoke(application_id: int):
    return _application_step(
        application_id,
        lambda: pilots.revoke_enterprise(current_user, application_id, request.form.get("reason", "")),
        _("The pilot enterprise status has been revoked."),
    )


@bp.post("/pilots/<int:pilot_id>/objections/<int:objection_id>/answer")
def pilot_objection_answer(pilot_id: int, objection_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.answer_objection(current_user, pilot_id, objection_id, request.form.get("answer", "")),
        _("The answer has been recorded. Reach the sender through the contact they gave."),
    )
