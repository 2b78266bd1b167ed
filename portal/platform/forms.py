"""Forms and fields shared by every domain: generic fields parse; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectMultipleField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.platform.checks import REASON_MAX
from portal.platform.i18n import lazy_gettext as _l

# The messages of the checks many forms make.
REQUIRED = _l("This field is required.")
DATE_REQUIRED = _l("Enter a date.")
NOT_A_NUMBER = _l("Enter a whole number.")
NOT_A_DATE = _l("Enter a date (YYYY-MM-DD).")


class ActionForm(FlaskForm):
    """A bare POST button: carries only the CSRF token."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX))],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet file (.xlsx or .csv)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class _OwnParseMessage:
    """A field whose text does not parse says `parse_message` (ours, translated, one wording on every
    form) instead of WTForms' own."""

    parse_message: object

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(self.parse_message)) from exc


class IntField(_OwnParseMessage, IntegerField):
    """An IntegerField that refuses absurdly long numbers instead of crashing.

    WTForms' NumberRange calls math.isnan(), which raises OverflowError on
    integers too large for a float; nine digits are more than any count here.
    """

    parse_message = NOT_A_NUMBER

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip().lstrip("+-")) > 9:
            self.data = None
            raise ValueError(str(_l("The number is too large.")))
        super().process_formdata(valuelist)


class WholeNumberField(_OwnParseMessage, IntegerField):
    parse_message = NOT_A_NUMBER


class DayField(_OwnParseMessage, DateField):
    parse_message = NOT_A_DATE


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
