"""Forms of rules: they convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired

from portal.platform.forms import IntField
from portal.platform.i18n import lazy_gettext as _l
from portal.rules import services as rule_settings


class RuleSettingForm(FlaskForm):
    value = IntField(_l("Value"), validators=[InputRequired(message=_l("Enter a whole number."))])
    # Required, but judged by the service with the value, so both problems show at once.
    note = TextAreaField(
        _l("Why (source, or the district's decision)"), render_kw={"maxlength": rule_settings.NOTE_MAX}
    )
