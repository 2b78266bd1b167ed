"""Forms of the internship feature: the student's application and the enterprise's offer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.internships import profiles
from portal.internships import services as internships
from portal.internships.services import ENTRY_MAX, STATEMENT_MAX, OfferTerms
from portal.platform import vocab
from portal.platform.forms import DayField, WholeNumberField
from portal.platform.i18n import lazy_gettext as _l
from portal.rules import internships as rules


class ApplyForm(FlaskForm):
    statement = TextAreaField(_l("Why this internship"), render_kw={"maxlength": STATEMENT_MAX})
    birth_date = DayField(
        _l("Date of birth"),
        description=_l("Needed for the rule that no student under 16 takes an internship."),
    )
    entry_year = WholeNumberField(
        _l("Year you entered your school"),
        validators=[Optional()],
        description=_l("No 岗位实习 in the first school year (Art. 16(1))."),
    )
    sex = SelectField(
        _l("Sex"),
        choices=[("", _l("— choose —")), *rules.SEXES.items()],
        description=_l("Needed for the rule on work forbidden to women (Art. 16(4))."),
    )


class ProfileForm(FlaskForm):
    entry_year = WholeNumberField(_l("Year of entry"), validators=[Optional()])
    hometown = SelectField(_l("Hometown (town / street)"), choices=[])
    statement = TextAreaField(_l("About me"), render_kw={"maxlength": profiles.STATEMENT_MAX})
    certificates = TextAreaField(
        _l("Certificates (1+X, skill levels)"), description=_l("One a line: name, level, date (YYYY-MM).")
    )
    awards = TextAreaField(
        _l("Skills competition awards"), description=_l("One a line: level, event, prize.")
    )
    cv = FileField(_l("CV (PDF, at most 2 MB)"))
    discoverable = BooleanField(_l("Enterprises may find my profile without an application"))
    consent = BooleanField(
        _l(
            "I agree that my school, and the enterprises I apply to, see this profile; "
            "every enterprise view is recorded and I can delete it at any time."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hometown.choices = [("", _l("— choose —")), *vocab.town_choices()]

    def data_input(self) -> profiles.ProfileInput:
        return profiles.ProfileInput(
            entry_year=self.entry_year.data,
            hometown=self.hometown.data or "",
            statement=self.statement.data or "",
            certificates=self.certificates.data or "",
            awards=self.awards.data or "",
            discoverable=self.discoverable.data,
            consent=self.consent.data,
        )


class EntryForm(FlaskForm):
    """A weekly log, a monthly evaluation or a visit; the score is asked only in evaluations."""

    day = DayField(_l("Day"), description=_l("Any day of the week (log) or month (evaluation) it is about."))
    text = TextAreaField(_l("What happened"), render_kw={"maxlength": ENTRY_MAX})
    score = WholeNumberField(_l("Score (1–5)"), validators=[Optional()])


class RecordedNumberField(WholeNumberField):
    """A figure shown from the enterprise's record, never taken from the request (HR changes the
    record itself: the staff count on the internships page, the post's count on the posting)."""

    def process_formdata(self, valuelist):
        self.raw_data = None  # nor echoed back: the re-rendered form shows the record


class OfferForm(FlaskForm):
    starts_on = DayField(_l("Start date"))
    ends_on = DayField(_l("End date"))
    daily_hours = WholeNumberField(_l("Hours a day"), description=_l("At most 8."))
    shift_pattern = StringField(
        _l("Shift pattern"),
        description=_l("For example: day shift, 8:00–17:00, Monday to Friday."),
        render_kw={"maxlength": internships.TERMS_TEXT_MAX},
    )
    night_shifts = BooleanField(_l("Night shifts"))
    overtime = BooleanField(_l("Overtime"))
    holiday_work = BooleanField(_l("Work on public holidays"))
    pay_monthly = WholeNumberField(_l("Pay (yuan a month)"))
    post_wage = WholeNumberField(
        _l("Wage of the same post (yuan a month)"), description=_l("The pay must be at least 80 % of it.")
    )
    weekly_hours = WholeNumberField(_l("Hours a week"), description=_l("At most 40."))
    rest_days = WholeNumberField(_l("Days of rest a week"), description=_l("At least 1."))
    insurance_policy = StringField(
        _l("Internship liability insurance policy"), render_kw={"maxlength": internships.TERMS_TEXT_MAX}
    )
    insurer = StringField(_l("Insurer"), render_kw={"maxlength": 100})
    insurance_payer = SelectField(
        _l("Insurance paid by"), choices=[("", _l("— choose —")), *rules.INSURANCE_PAYERS.items()]
    )
    cover_starts_on = DayField(_l("Cover starts"))
    cover_ends_on = DayField(_l("Cover ends"), description=_l("The cover must span the whole internship."))
    fee_charged = WholeNumberField(
        _l("Fee charged to the student (yuan)"),
        default=0,
        description=_l("Must be 0: no deposit, fee or commission."),
    )
    mentor_name = StringField(_l("Workplace mentor"), render_kw={"maxlength": 60})
    lodging_terms = TextAreaField(_l("Board and lodging"), render_kw={"maxlength": 300})
    leave_terms = TextAreaField(_l("Leave"), render_kw={"maxlength": 300})
    accident_terms = TextAreaField(
        _l("Accidents and costs beyond the insurance"), render_kw={"maxlength": 300}
    )
    assessment_terms = TextAreaField(_l("Assessment"), render_kw={"maxlength": 300})
    # The shares (10 % of the enterprise, 20 % of the post) are judged on these recorded counts.
    staff_count = RecordedNumberField(
        _l("Employees on the job (在岗职工总数)"),
        validators=[Optional()],
        description=_l("As recorded on the internships page; the share of interns is judged on it."),
        render_kw={"readonly": True},
    )
    post_staff_count = RecordedNumberField(
        _l("Employees on this post"),
        validators=[Optional()],
        description=_l("As the posting says; the share of interns on the post is judged on it."),
        render_kw={"readonly": True},
    )

    def terms(self) -> OfferTerms:
        values = {name: getattr(self, name).data for name in OfferTerms.__dataclass_fields__}
        return OfferTerms(**{k: ("" if v is None and k in _TEXTS else v) for k, v in values.items()})


_TEXTS = {name for name, spec in OfferTerms.__dataclass_fields__.items() if spec.default == ""}


class ApproveForm(FlaskForm):
    school_supervisor = StringField(_l("School supervisor"), render_kw={"maxlength": 60})


class ConsentForm(FlaskForm):
    student_consent = FileField(_l("Student's signed consent (PDF, PNG or JPEG, at most 2 MB)"))
    guardian_consent = FileField(_l("Guardian's signed consent, for a student under 18"))


class GradeForm(FlaskForm):
    grade = SelectField(_l("Grade"), choices=[("", _l("— choose —")), *rules.GRADES.items()])


class StaffForm(FlaskForm):
    staff_count = WholeNumberField(
        _l("Employees on the job (在岗职工总数)"), description=_l("Interns at most 10 % of them at any time.")
    )
