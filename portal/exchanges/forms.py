"""Forms of the two-way exchange steps; `portal.exchanges.services` holds the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length

from portal.platform import checks


class SuggestionForm(FlaskForm):
    """Identifies a suggested pair; the service looks it up again among the current suggestions."""

    posting_id = IntegerField(validators=[InputRequired()])
    expert = IntegerField(validators=[InputRequired()])
    target_id = IntegerField(validators=[InputRequired()])
    reason = StringField(validators=[Length(max=checks.REASON_MAX)])
