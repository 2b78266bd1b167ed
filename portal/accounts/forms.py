from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from portal.platform import vocab
from portal.platform.forms import REQUIRED
from portal.platform.i18n import lazy_gettext as _l


def _required():
    return DataRequired(message=REQUIRED)


def _max(n: int):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required(), _max(254)])
    password = PasswordField(_l("Password"), validators=[_required(), _max(1024)])


class AccountForm(FlaskForm):
    """Fields every new account has; the password policy itself lives in the service."""

    name = StringField(_l("Your name"), validators=[_required(), _max(60)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            _required(),
            _max(254),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters; a passphrase is best. Common passwords are refused."),
        validators=[_required(), _max(1024)],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[_required(), EqualTo("password", message=_l("The two passwords differ."))],
    )


def _choices(vocabulary: dict) -> list:
    return [("", _l("Please choose"))] + list(vocabulary.items())


def _town_choices() -> list:
    return [("", _l("Please choose"))] + vocab.town_choices()


class EnterpriseRegistrationForm(AccountForm):
    org_name = StringField(_l("Enterprise name"), validators=[_required(), _max(120)])
    credit_code = StringField(
        _l("Unified social credit code"),
        description=_l("18 characters, as printed on the business licence."),
        validators=[_required(), Length(min=18, max=18, message=_l("The code has exactly 18 characters."))],
    )
    industry = SelectField(_l("Industry"), choices=_choices(vocab.INDUSTRIES), validators=[_required()])
    town = SelectField(_l("Town / street"), choices=_town_choices(), validators=[_required()])
    address = StringField(_l("Address"), validators=[_required(), _max(200)])
    contact_person = StringField(_l("Contact person"), validators=[_required(), _max(60)])
    phone = StringField(
        _l("Phone"),
        validators=[
            _required(),
            Regexp(r"^[0-9+\-() ]{7,20}$", message=_l("Enter a phone number (digits, 7–20 characters).")),
        ],
        render_kw={"maxlength": 20},
    )
    size = SelectField(_l("Size"), choices=_choices(vocab.ENTERPRISE_SIZES), validators=[_required()])


class SchoolRegistrationForm(AccountForm):
    org_name = StringField(_l("School name"), validators=[_required(), _max(120)])
    school_kind = SelectField(
        _l("Kind of school"), choices=_choices(vocab.SCHOOL_KINDS), validators=[_required()]
    )
    town = SelectField(_l("Town / street"), choices=_town_choices(), validators=[_required()])
    address = StringField(_l("Address"), validators=[_required(), _max(200)])


def _id(value) -> int | None:
    """A chosen id, or None for the "— choose —" line (then "required" speaks)."""
    return None if value in ("", None) else int(value)


CHOOSE = ("", _l("— choose —"))  # the first line of a choice nobody may be given silently


class JoinForm(AccountForm):
    organisation = SelectField(_l("Organisation to join"), coerce=_id, validators=[_required()])


class StudentRegistrationForm(AccountForm):
    school = SelectField(_l("School"), coerce=_id, validators=[_required()])
    program = SelectField(_l("Major"), coerce=_id, validators=[_required()])
    # messaging (issue 30): optional; a code sent to it is asked for right after registering.
    phone = StringField(
        _l("Mobile number"),
        description=_l(
            "Optional: to log in by SMS code and get reminders by SMS. We send a code to verify it."
        ),
        validators=[_max(30)],
        render_kw={"maxlength": 30, "inputmode": "tel", "autocomplete": "tel"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[_required(), _max(1024)])
    password = PasswordField(_l("New password"), validators=[_required(), _max(1024)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[_required(), EqualTo("password", message=_l("The two passwords differ."))],
    )
