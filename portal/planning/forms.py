"""Forms of planning: they convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from portal.platform.i18n import lazy_gettext as _l


class ThresholdForm(FlaskForm):
    # Text, not a number field: the service reads "1,2" too and words every problem itself.
    shortage_above = StringField(
        _l("Shortage above (demand / intake)"),
        description=_l("A group whose demand is more than this many times its planned intake is a shortage."),
        validators=[InputRequired(message=_l("Enter a ratio such as 1.2."))],
    )
    surplus_below = StringField(
        _l("Surplus below (demand / intake)"),
        description=_l("A group whose demand is less than this many times its planned intake is a surplus."),
        validators=[InputRequired(message=_l("Enter a ratio such as 0.8."))],
    )
