"""Student forms. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.named_classes.services import STATEMENT_MAX
from portal.platform.i18n import lazy_gettext as _l


class ApplicationForm(FlaskForm):
    statement = TextAreaField(
        _l("Why do you want to join this class?"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(max=STATEMENT_MAX, message=_l("At most %(max)d characters.", max=STATEMENT_MAX)),
        ],
        description=_l("A few sentences: your interest, your skills, your plans after graduation."),
        render_kw={"maxlength": STATEMENT_MAX, "rows": 5},
    )
