"""Forms shared by several role areas."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class ActionForm(FlaskForm):
    """A bare POST button: carries only the CSRF token."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Length(max=500, message=_l("At most %(max)d characters.", max=500))]
    )
