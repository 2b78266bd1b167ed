from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.forms import IntField


class ProgramForm(FlaskForm):
    name = StringField(
        _l("Major name"),
        validators=[DataRequired(message=_l("This field is required.")), Length(max=80, message=_l("At most %(max)d characters.", max=80))],
    )
    code = StringField(
        _l("Catalogue code"),
        validators=[Optional(), Length(max=12, message=_l("At most %(max)d characters.", max=12))],
    )
    intake_capacity = IntField(
        _l("Annual intake"),
        validators=[
            DataRequired(message=_l("Enter a whole number.")),
            NumberRange(min=1, max=2000, message=_l("Between %(min)d and %(max)d.", min=1, max=2000)),
        ],
    )
    description = TextAreaField(
        _l("Description"), validators=[Length(max=4000, message=_l("At most %(max)d characters.", max=4000))]
    )
