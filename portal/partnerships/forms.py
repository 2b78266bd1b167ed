"""Forms of the proposal workflow, shared by the school and enterprise areas.

They convert input; `portal.partnerships.services` holds the rules.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from portal.partnerships import services as proposals
from portal.partnerships.cooperation_models import AdmissionsMode, CooperationKind
from portal.partnerships.services import Terms
from portal.platform.forms import REQUIRED, IntField
from portal.platform.i18n import lazy_gettext as _l

ADMISSIONS_LABELS: dict[str, object] = {
    AdmissionsMode.SCHOOL.value: _l("The school admits students alone"),
    AdmissionsMode.ENTERPRISE_REVIEW.value: _l("The school admits only after the enterprise's review"),
    AdmissionsMode.SHARED.value: _l("Either partner may admit or reject (shared)"),
}


class TermsForm(FlaskForm):
    kind = SelectField(_l("Kind of cooperation"), choices=list(CooperationKind.labels().items()))
    title = StringField(
        _l("Title of the cooperation"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"maxlength": proposals.TITLE_MAX},
    )
    seats = IntField(
        _l("Seats, places or people"),
        validators=[InputRequired(message=REQUIRED)],
        description=_l(
            "Class seats, apprentice places, interns, teachers or trainees, depending on the kind."
        ),
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired(message=_l("Enter a date."))])
    duration_months = IntField(_l("Duration in months"), validators=[InputRequired(message=REQUIRED)])
    school_provides = TextAreaField(_l("What the school provides"), render_kw={"maxlength": 1000})
    enterprise_provides = TextAreaField(_l("What the enterprise provides"), render_kw={"maxlength": 1000})
    admissions_mode = SelectField(
        _l("Admissions"),
        choices=list(ADMISSIONS_LABELS.items()),
        description=_l("Order and named classes only: who admits the class's students."),
    )

    def fill(self, terms: Terms) -> None:
        for name in (
            "kind",
            "title",
            "seats",
            "start_date",
            "duration_months",
            "school_provides",
            "enterprise_provides",
            "admissions_mode",
        ):
            getattr(self, name).data = getattr(terms, name)

    def to_terms(self) -> Terms:
        return Terms(
            kind=self.kind.data or "",
            title=self.title.data or "",
            seats=self.seats.data,  # type: ignore[arg-type]
            start_date=self.start_date.data,  # type: ignore[arg-type]
            duration_months=self.duration_months.data,  # type: ignore[arg-type]
            school_provides=self.school_provides.data or "",
            enterprise_provides=self.enterprise_provides.data or "",
            admissions_mode=self.admissions_mode.data or "",
        )


# Reasons most declines give, each one button beside the form (typing one on a phone for each of
# dozens of weak proposals was the cost of keeping the list clean); any other is written out.
DECLINE_REASONS = (
    _l("The major does not fit the post"),
    _l("No places or intake for it this year"),
    _l("Too far away"),
)


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(message=_l("Please give a reason for declining."))]
    )


class AskForm(FlaskForm):
    """Ask the other side directly: the own record is fixed, the other one chosen."""

    posting_id = SelectField(_l("Posting"), coerce=int, validate_choice=False)
    program_id = SelectField(_l("Major"), coerce=int, validate_choice=False)
