"""Two-way exchange steps both partners take: suggestions, accept, cancel, complete.

`bp` is nested in the school and enterprise areas (their role guards run first); each
area keeps its own exchange page (`school.exchange_list`, `enterprise.exchange_list`),
which `page_context` fills. The rules live in `portal.exchanges.services`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchanges import services as exchanges
from portal.exchanges.forms import SuggestionForm
from portal.exchanges.models import DIRECTION_LABELS, ExchangeStatus
from portal.platform.checks import district_today
from portal.platform.forms import ReasonForm
from portal.platform.web import REFUSED, area, attempt

bp = Blueprint("exchanges", __name__)
DIRECTIONS = "any(expert_to_school, teacher_to_enterprise)"


def page_context() -> dict:
    """What both areas' exchange pages show: suggestions, exchanges by stage, labels."""
    own = exchanges.exchanges_of(current_user)
    waiting = (
        ExchangeStatus.PROPOSED.value,
        ExchangeStatus.ACCEPTED_BY_SCHOOL.value,
        ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value,
    )
    return {
        "suggestions": exchanges.suggestions_for(current_user),
        "pending": [e for e in own if e.status in waiting],
        "agreed": [e for e in own if e.status == ExchangeStatus.AGREED.value],
        "completed": [e for e in own if e.status == ExchangeStatus.COMPLETED.value],
        "cancelled": [e for e in own if e.status == ExchangeStatus.CANCELLED.value],
        "side": exchanges.side_of(current_user),
        "steps": lambda exchange: exchanges.steps(exchange, exchanges.side_of(current_user)),
        "direction_labels": DIRECTION_LABELS,
        "reason_form": ReasonForm(),
        "term": exchanges.current_term(),
    }


def back():
    return url_for(f"{area()}.exchange_list")


def _accepted(done):
    """Back to the list, saying whether the acceptance agreed the exchange (and its warnings)."""
    if done is not REFUSED:
        flash(
            _("Exchange agreed by both sides.")
            if done.status == ExchangeStatus.AGREED.value
            else _("You have accepted; the other side has been asked to accept too."),
            "success",
        )
        for warning in done.warnings:
            flash(str(warning), "warning")
    return redirect(back())


@bp.post(f"/exchanges/suggestions/<{DIRECTIONS}:direction>/accept")
def exchange_suggestion_accept(direction: str):
    pair = SuggestionForm.posted().pair()
    return _accepted(attempt(lambda: exchanges.accept_suggestion(current_user, direction, *pair)))


@bp.post(f"/exchanges/suggestions/<{DIRECTIONS}:direction>/decline")
def exchange_suggestion_decline(direction: str):
    form = SuggestionForm.posted()
    done = attempt(
        lambda: exchanges.decline_suggestion(current_user, direction, *form.pair(), form.reason.data or "")
    )
    if done is not REFUSED:
        flash(_("The suggestion has been declined; it will not be suggested again."), "info")
    return redirect(back())


@bp.post("/exchanges/<int:exchange_id>/accept")
def exchange_accept(exchange_id: int):
    done = attempt(lambda: exchanges.accept(current_user, exchange_id))
    return _accepted(done)


@bp.post("/exchanges/<int:exchange_id>/cancel")
def exchange_cancel(exchange_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(lambda: exchanges.cancel(current_user, exchange_id, form.reason.data or "")) is not REFUSED:
        flash(_("The exchange has been cancelled."), "info")
    return redirect(back())


@bp.post("/exchanges/<int:exchange_id>/complete")
def exchange_complete(exchange_id: int):
    if attempt(lambda: exchanges.complete(current_user, exchange_id)) is not REFUSED:
        flash(_("The exchange has been recorded as completed."), "success")
    return redirect(back())


@bp.get("/exchanges/<int:exchange_id>/teaching-certificate")
def teaching_certificate(exchange_id: int):
    """A printable certificate of an expert's teaching service (hours, terms, courses)."""

    return render_template(
        "exchanges/teaching_certificate.html",
        service=exchanges.teaching_service(current_user, exchange_id),
        issued_by=current_user.organisation,
        today=district_today(),
    )
