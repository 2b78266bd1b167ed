from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.messaging.models import Channel
from portal.messaging.services import PERSON_CHANNELS, TOPICS
from portal.platform.forms import REQUIRED
from portal.platform.i18n import lazy_gettext as _l


class PhoneForm(FlaskForm):
    phone = StringField(
        _l("Mobile number"),
        description=_l("A mainland mobile number, e.g. 138 0000 0000."),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=30, message=_l("At most %(max)d characters.", max=30)),
        ],
        render_kw={"maxlength": 30, "inputmode": "tel", "autocomplete": "tel"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the SMS"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=6, message=_l("At most %(max)d characters.", max=6)),
        ],
        render_kw={"maxlength": 6, "inputmode": "numeric", "autocomplete": "one-time-code"},
    )


def _channel_choices():
    return [(c.value, c.label) for c in PERSON_CHANNELS]


class ChannelsForm(FlaskForm):
    offers = SelectField(TOPICS["offers"], choices=_channel_choices(), validate_choice=False)
    logs = SelectField(TOPICS["logs"], choices=_channel_choices(), validate_choice=False)
    other = SelectField(TOPICS["other"], choices=_channel_choices(), validate_choice=False)


class RobotForm(FlaskForm):
    url = StringField(
        _l("Webhook address of the group robot"),
        description=_l("In the WeChat Work group: add a group robot, then copy its webhook address."),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=300, message=_l("At most %(max)d characters.", max=300)),
        ],
        render_kw={"maxlength": 300},
    )


__all__ = ["Channel", "ChannelsForm", "CodeForm", "PhoneForm", "RobotForm"]


class ResetForm(CodeForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters; a passphrase is best. Common passwords are refused."),
        validators=[DataRequired(message=REQUIRED), Length(max=1024)],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
    )
