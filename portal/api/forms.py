"""Forms of api: they convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from portal.api import tokens, webhooks
from portal.models.api import TokenScope
from portal.platform.events import Event
from portal.platform.forms import MultiCheckboxField
from portal.platform.i18n import lazy_gettext as _l


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("What uses it, e.g. “HR system”."),
        validators=[Length(max=tokens.NAME_MAX)],
        render_kw={"maxlength": tokens.NAME_MAX},
    )
    scope = SelectField(_l("Scope"), choices=[(s.value, s.label) for s in TokenScope])
    days = SelectField(
        _l("Expires after"),
        choices=[(str(d), _l("%(n)d days", n=d)) for d in tokens.LIFETIMES],
        default=str(tokens.LIFETIMES[1]),
    )


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Address (URL)"),
        description=_l("https://… Deliveries are signed with the secret shown once below."),
        validators=[Length(max=webhooks.URL_MAX)],
        render_kw={"maxlength": webhooks.URL_MAX},
    )
    events = MultiCheckboxField(_l("Events"), choices=list(Event.labels().items()))
