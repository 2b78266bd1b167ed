"""Administrators: pilot partnerships (校企一体化合作办学试点) and pilot enterprises (产教融合型试点企业).

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import services as audit
from portal.pilots import evidence
from portal.pilots import services as pilots
from portal.pilots.forms import DecisionForm, RecommendForm
from portal.pilots.models import PilotEnterpriseStatus, PilotStatus
from portal.platform.checks import district_today
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm, ReasonForm
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt
from portal.rules import services as rule_settings
from portal.rules.pilots import CONFIRMING_AUTHORITY
from portal.rules.pilots import CRITERIA as PILOT_CRITERIA
from portal.rules.pilots import CRITERIA_SOURCE as PILOT_CRITERIA_SOURCE
from portal.rules.settings import PILOT_ENTERPRISE_NOTICE_DAYS

routes = Routes("admin")

PILOT_TABS = [s.value for s in PilotStatus if s is not PilotStatus.DRAFT] + ["all"]
APPLICATION_TABS = [s.value for s in PilotEnterpriseStatus] + ["all"]


def _tabs(values: list[str], states: type[State]) -> list[tuple[str, object]]:
    """(value, label) of each tab: the states' own labels, and "all"."""
    return [(value, _l("All") if value == "all" else states(value).label) for value in values]


def _tab(allowed: list[str]) -> str:
    status = request.args.get("status", allowed[0])
    return status if status in allowed else allowed[0]


@routes.get("/pilots")
def pilot_list():
    status = _tab(PILOT_TABS)
    return render_template(
        "pilots/admin/pilots.html",
        pilots=pilots.pilots_for_review(current_user, status),
        status=status,
        tabs=_tabs(PILOT_TABS, PilotStatus),
        today=district_today(),
    )


@routes.get("/pilots/<int:pilot_id>")
def pilot_detail(pilot_id: int):
    pilot = pilots.get_pilot(current_user, pilot_id)
    return render_template(
        "pilots/admin/pilot.html",
        pilot=pilot,
        today=district_today(),
        plan_labels=pilots.PLAN_LABELS,
        entries=audit.history(pilot),
        objections=pilots.objections_of(current_user, pilot.id),
        action_labels=audit.action_labels(),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


def _pilot_step(pilot_id: int, step, done: object):
    result = attempt(step)
    if result is REFUSED:
        return pilot_detail(pilot_id), 400
    flash(str(done), "success")
    return redirect(url_for("admin.pilot_detail", pilot_id=pilot_id))


@routes.post("/pilots/<int:pilot_id>/approve")
@needs_confirmation("approve_pilot")
def pilot_approve(pilot_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.approve_pilot(current_user, pilot_id),
        _("The pilot has been approved; its notice period has started."),
    )


@routes.get("/pilot-enterprises")
def pilot_enterprise_list():
    status = _tab(APPLICATION_TABS)
    return render_template(
        "pilots/admin/pilot_enterprises.html",
        applications=pilots.applications_for_review(current_user, status),
        status=status,
        tabs=_tabs(APPLICATION_TABS, PilotEnterpriseStatus),
    )


def _enterprise_page(application_id: int, recommend_form=None, decision_form=None):
    application = pilots.get_application(current_user, application_id)
    today = district_today()
    return render_template(
        "pilots/admin/pilot_enterprise.html",
        application=application,
        today=today,
        figure_labels=evidence.EVIDENCE_LABELS,
        current_figures=evidence.enterprise_evidence(application.enterprise_id),
        criteria=application.criteria or pilots.enterprise_criteria(application.enterprise_id, today),
        criteria_labels=dict(PILOT_CRITERIA),
        criteria_source=PILOT_CRITERIA_SOURCE,
        confirming_authority=CONFIRMING_AUTHORITY,
        notice=rule_settings.current(PILOT_ENTERPRISE_NOTICE_DAYS),
        entries=audit.history(application),
        action_labels=audit.action_labels(),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
        recommend_form=recommend_form or RecommendForm(),
        decision_form=decision_form or DecisionForm(),
    )


@routes.get("/pilot-enterprises/<int:application_id>")
def pilot_enterprise_detail(application_id: int):
    return _enterprise_page(application_id)


def _application_step(application_id: int, step, done: object):
    result = attempt(step)
    if result is REFUSED:
        return _enterprise_page(application_id), 400
    flash(str(done), "success")
    return redirect(url_for("admin.pilot_enterprise_detail", application_id=application_id))


# The steps an administrator takes with a reason, on a pilot and on a pilot enterprise's
# application: (endpoint, URL, the service, what the page then says).
REASONED_PILOT_STEPS = (
    (
        "pilot_reject",
        "/pilots/<int:pilot_id>/reject",
        pilots.reject_pilot,
        _l("The pilot has been rejected."),
    ),
    (
        "pilot_return",
        "/pilots/<int:pilot_id>/return",
        pilots.return_pilot,
        _l("The pilot has been returned to the school for changes."),
    ),
    (
        "pilot_withdraw",
        "/pilots/<int:pilot_id>/withdraw",
        pilots.withdraw_approval,
        _l("The approval has been withdrawn."),
    ),
)
REASONED_APPLICATION_STEPS = (
    (
        "pilot_enterprise_reject",
        "/pilot-enterprises/<int:application_id>/reject",
        pilots.reject_enterprise,
        _l("The enterprise is not recommended."),
    ),
    (
        "pilot_enterprise_withdraw",
        "/pilot-enterprises/<int:application_id>/withdraw",
        pilots.withdraw_recommendation,
        _l("The recommendation has been withdrawn."),
    ),
    (
        "pilot_enterprise_revoke",
        "/pilot-enterprises/<int:application_id>/revoke",
        pilots.revoke_enterprise,
        _l("The revocation is recorded."),
    ),
)


def _reasoned(page_step, service, done):
    def view(**ids: int):
        (record_id,) = ids.values()
        reason = request.form.get("reason", "")
        return page_step(record_id, lambda: service(current_user, record_id, reason), done)

    return view


for _endpoint, _rule, _service, _done in REASONED_PILOT_STEPS:
    routes.post(_rule, endpoint=_endpoint)(_reasoned(_pilot_step, _service, _done))
for _endpoint, _rule, _service, _done in REASONED_APPLICATION_STEPS:
    routes.post(_rule, endpoint=_endpoint)(_reasoned(_application_step, _service, _done))


@routes.post("/pilot-enterprises/<int:application_id>/recommend")
def pilot_enterprise_recommend(application_id: int):
    form = RecommendForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: pilots.recommend_enterprise(current_user, application_id, form.recommendation.data), form
        )
        if done is not REFUSED:
            flash(
                _(
                    "The enterprise is recommended; its public notice runs until %(date)s.",
                    date=done.notice_ends_on.isoformat(),
                ),
                "success",
            )
            return redirect(url_for("admin.pilot_enterprise_detail", application_id=application_id))
    return _enterprise_page(application_id, recommend_form=form), 400


@routes.post("/pilot-enterprises/<int:application_id>/decision")
def pilot_enterprise_decision(application_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        choice = {"yes": True, "no": False}.get(form.confirmed.data or "")
        decision = pilots.ProvincialDecision(
            choice, form.document.data or "", form.decided_on.data, form.note.data or ""
        )
        done = attempt(
            lambda: pilots.record_provincial_decision(current_user, application_id, decision), form
        )
        if done is not REFUSED:
            flash(_("The province's decision is recorded."), "success")
            return redirect(url_for("admin.pilot_enterprise_detail", application_id=application_id))
    return _enterprise_page(application_id, decision_form=form), 400


@routes.post("/pilots/<int:pilot_id>/objections/<int:objection_id>/answer")
def pilot_objection_answer(pilot_id: int, objection_id: int):
    return _pilot_step(
        pilot_id,
        lambda: pilots.answer_objection(current_user, pilot_id, objection_id, request.form.get("answer", "")),
        _("The answer has been recorded. Reach the sender through the contact they gave."),
    )
