"""Forms of statistics: they convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired

from portal.platform.forms import IntField
from portal.platform.i18n import lazy_gettext as _l
from portal.statistics.inputs import SOURCE_MAX


class InputForm(FlaskForm):
    key = SelectField(_l("Figure"), choices=[], validate_choice=False)
    year = IntField(_l("Year"), validators=[InputRequired(message=_l("Enter the year the figure is for."))])
    value = IntField(
        _l("Value"), validators=[InputRequired(message=_l("Enter the figure as a whole number."))]
    )
    source = StringField(
        _l("Source"),
        render_kw={"maxlength": SOURCE_MAX},
        description=_l(
            "The document, office or publication the figure comes from, e.g. 区教体局2026年招生计划."
        ),
        validators=[
            InputRequired(
                message=_l(
                    "Say where the figure comes from (document, office or publication) so others can check "
                    "it."
                )
            )
        ],
    )
