"""The site's page for API access: tokens (and, for enterprises and schools, webhooks).

One blueprint nested in the enterprise, school and admin areas, so each area's role guard runs
first; the rules live in `portal.api.tokens` and `portal.api.webhooks`. A new token or webhook
secret is shown once, in the page that answers the POST (never in a URL or a flash cookie).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.api import tokens, webhooks
from portal.api.forms import TokenForm, WebhookForm
from portal.platform.events import Event
from portal.platform.forms import ActionForm
from portal.platform.web import REFUSED, area, attempt, form_status

bp = Blueprint("api_access", __name__)


def _has_webhooks() -> bool:
    return current_user.role in (Role.ENTERPRISE_HR.value, Role.SCHOOL_STAFF.value)


def _page(token_form=None, hook_form=None, *, new_token=None, new_secret=None, status=200):
    hooks = webhooks.hooks_of(current_user) if _has_webhooks() else []
    return (
        render_template(
            "api/access.html",
            tokens=tokens.tokens_of(current_user),
            token_form=token_form or TokenForm(),
            hook_form=hook_form or WebhookForm(formdata=None),
            hooks=hooks,
            deliveries=webhooks.deliveries_of(current_user) if _has_webhooks() else [],
            has_webhooks=_has_webhooks(),
            event_labels=Event.labels(),
            new_token=new_token,
            new_secret=new_secret,
            action_form=ActionForm(),
            area=area(),
        ),
        status,
    )


@bp.get("/api-access")
def access():
    return _page()


@bp.post("/api-access/tokens")
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        made = attempt(
            lambda: tokens.create(
                current_user, name=form.name.data or "", scope=form.scope.data, days=form.days.data
            ),
            form,
        )
        if made is not REFUSED:
            _token, raw = made
            return _page(new_token=raw)
    return _page(token_form=form, status=form_status())


@bp.post("/api-access/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    token = attempt(lambda: tokens.revoke(current_user, token_id))
    if token is REFUSED:
        return _page(status=400)
    flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for(".access"))


@bp.post("/api-access/webhooks")
def create_webhook():
    form = WebhookForm()
    if _has_webhooks() and form.validate_on_submit():
        hook = attempt(
            lambda: webhooks.register(
                current_user, url=form.url.data or "", events_wanted=form.events.data or []
            ),
            form,
        )
        if hook is not REFUSED:
            return _page(new_secret=hook.secret)
    return _page(hook_form=form, status=form_status())


@bp.post("/api-access/webhooks/<int:hook_id>/delete")
def delete_webhook(hook_id: int):
    if attempt(lambda: webhooks.remove(current_user, hook_id)) is REFUSED:
        return _page(status=400)
    flash(_("The webhook is deleted."), "success")
    return redirect(url_for(".access"))
