"""Forms of the two-way exchange steps; `portal.exchanges.services` holds the rules."""

from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.exchanges.services.common import TITLE_MAX
from portal.platform import checks
from portal.platform.forms import IntField
from portal.platform.i18n import lazy_gettext as _l


class SuggestionForm(FlaskForm):
    """Identifies a suggested pair; the service looks it up again among the current suggestions."""

    posting_id = IntegerField(validators=[InputRequired()])
    expert = IntegerField(validators=[InputRequired()])
    target_id = IntegerField(validators=[InputRequired()])
    reason = StringField(validators=[Length(max=checks.REASON_MAX)])

    @classmethod
    def posted(cls) -> SuggestionForm:
        """The form a suggestion's button sent; one that does not parse is a bad request (400)."""
        form = cls()
        if not form.validate_on_submit():
            abort(400)
        return form

    def pair(self) -> tuple[int, int, int]:
        """The suggested pair as the services name it: the posting, the expert and the target."""
        return self.posting_id.data, self.expert.data, self.target_id.data


class StaffingQuotaForm(FlaskForm):
    staffing_quota = IntField(
        _l("Staffing quota (编制员额)"),
        validators=[InputRequired(message=_l("Enter a whole number."))],
        description=_l(
            "Teaching posts the school is funded for; up to 20% of it may be used to hire part-time teachers."
        ),
    )
    part_time_funding = IntField(
        _l("Yearly funding of the part-time posts (yuan)"),
        validators=[Optional()],
        description=_l("As the finance department allocates it for the posts within the 20%; optional."),
    )
    part_time_spending = IntField(
        _l("Spent of it this year (yuan)"), validators=[Optional()], description=_l("Optional.")
    )


class PracticePostForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("This field is required."))],
        render_kw={"maxlength": TITLE_MAX},
    )
    description = TextAreaField(_l("What the teacher will do"), render_kw={"maxlength": 4000})
    skills = TextAreaField(
        _l("Skills practised"),
        description=_l("Separate with 、 or new lines."),
        render_kw={"maxlength": 1000},
    )
    hours_per_term = IntField(
        _l("Hours a term"), validators=[InputRequired(message=_l("Enter a whole number."))], default=40
    )
    places = IntField(
        _l("Places (teachers at the same time)"),
        validators=[InputRequired(message=_l("Enter a whole number."))],
        default=1,
    )

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "skills": self.skills.data or "",
            "hours_per_term": self.hours_per_term.data,
            "places": self.places.data,
        }
