"""School staff forms. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.platform.forms import REQUIRED
from portal.platform.i18n import lazy_gettext as _l
from portal.programs import records as school_records
from portal.programs import services as programs
from portal.programs.records import Certification
from portal.programs.sheets import DEGREE_LABELS, EMPLOYMENT_LABELS, TARGET_GROUP_LABELS
from portal.rules import double_qualified as dq_rule

WHOLE_NUMBER = _l("Enter a whole number.")
DATE_FORMAT = _l("Enter a date.")


class ProgramForm(FlaskForm):
    name = StringField(
        _l("Major name"),
        validators=[Optional()],
        description=_l(
            "Type a name, a code, part of a name or an old name, or choose below; "
            "you may add a direction in brackets."
        ),
        render_kw={"maxlength": programs.NAME_MAX},
    )
    # Rendered as a select grouped by 专业大类 and 专业类 (school/major_form.html); the service checks it.
    code = StringField(
        _l("Catalogue major"),
        validators=[Optional()],
        description=_l("Choose by major group and class; the name is then filled in for you."),
        render_kw={"maxlength": programs.CODE_MAX},
    )
    intake_capacity = IntegerField(_l("Annual intake"), validators=[InputRequired(message=WHOLE_NUMBER)])
    enrolment = IntegerField(_l("Current enrolment"), validators=[Optional()], default=0)
    skills = TextAreaField(
        _l("Skills taught"), description=_l("Separate with 、 or new lines."), render_kw={"maxlength": 1000}
    )
    certificates = TextAreaField(
        _l("1+X certificates offered"),
        description=_l("Separate with 、 or new lines."),
        render_kw={"maxlength": 1000},
    )
    facilities = TextAreaField(_l("Training facilities"), render_kw={"maxlength": 4000})
    partner_college = StringField(_l("3+2 partner college"), render_kw={"maxlength": programs.PARTNER_MAX})
    description = TextAreaField(_l("Description"), render_kw={"maxlength": 4000})

    def values(self) -> dict:
        return {
            "name": self.name.data or "",
            "code": self.code.data or "",
            "intake_capacity": self.intake_capacity.data,
            "enrolment": self.enrolment.data or 0,
            "skills": self.skills.data or "",
            "certificates": self.certificates.data or "",
            "facilities": self.facilities.data or "",
            "partner_college": self.partner_college.data or "",
            "description": self.description.data or "",
        }


COURSE_KINDS = {
    "subject": _l("Subject courses or practice instruction (专业课/实习指导)"),
    "public": _l("Public basic courses (公共基础课)"),
}


class TeacherForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"maxlength": school_records.NAME_MAX},
    )
    subjects = StringField(
        _l("Subjects"),
        description=_l("Separate with 、"),
        render_kw={"maxlength": school_records.SUBJECTS_MAX},
    )
    degree = SelectField(_l("Highest degree"), choices=list(DEGREE_LABELS.items()), default="bachelor")
    employment = SelectField(_l("Employment"), choices=list(EMPLOYMENT_LABELS.items()), default="full_time")
    course_kind = SelectField(
        _l("Teaches"),
        choices=list(COURSE_KINDS.items()),
        default="subject",
        description=_l("教师〔2016〕3号 Art. 4 and the national 双师型 share count subject teachers."),
    )
    dq_level = SelectField(
        _l("Double-qualified (双师型) level"),
        choices=[("", _l("Not certified")), *dq_rule.LEVELS.items()],
        default="",
        description=dq_rule.STANDARD_SOURCE,
    )
    dq_certified_on = DateField(_l("Certified on"), validators=[Optional()], format="%Y-%m-%d")
    dq_certified_by = SelectField(
        _l("Certified by"), choices=[("", "—"), *dq_rule.BODIES.items()], default=""
    )
    dq_note = StringField(_l("Note on the certification"), render_kw={"maxlength": 300})
    open_to_practice = BooleanField(_l("Open to enterprise practice"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        teacher = kwargs.get("obj")
        if teacher is not None and not self.is_submitted():
            self.course_kind.data = "subject" if teacher.subject_teacher else "public"
            self.dq_level.data = teacher.dq_level or ""
            self.dq_certified_by.data = teacher.dq_certified_by or ""

    def values(self) -> dict:
        return {
            "name": self.name.data or "",
            "subjects": self.subjects.data or "",
            "degree": self.degree.data,
            "employment": self.employment.data,
            "subject_teacher": self.course_kind.data != "public",
            "certification": Certification(
                self.dq_level.data or "",
                self.dq_certified_on.data,
                self.dq_certified_by.data or "",
                self.dq_note.data or "",
            ),
            "open_to_practice": bool(self.open_to_practice.data),
        }


class TeachingNeedForm(FlaskForm):
    course = StringField(
        _l("Course"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"maxlength": school_records.TITLE_MAX},
    )
    skills = TextAreaField(_l("Skills the teacher should bring"), render_kw={"maxlength": 1000})
    hours = IntegerField(_l("Teaching hours"), validators=[InputRequired(message=WHOLE_NUMBER)])
    term = StringField(
        _l("Term"), description=_l("e.g. 2026年秋季学期"), render_kw={"maxlength": school_records.TERM_MAX}
    )
    starts_on = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    ends_on = DateField(_l("Until"), validators=[Optional()], format="%Y-%m-%d")
    description = TextAreaField(_l("Description"), render_kw={"maxlength": 4000})

    def values(self) -> dict:
        return {
            "course": self.course.data or "",
            "skills": self.skills.data or "",
            "hours": self.hours.data,
            "term": self.term.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "description": self.description.data or "",
        }


class TrainingOfferForm(FlaskForm):
    title = StringField(
        _l("Course"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"maxlength": school_records.TITLE_MAX},
    )
    target_groups = SelectMultipleField(
        _l("For whom"),
        choices=list(TARGET_GROUP_LABELS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    capacity = IntegerField(_l("Trainees per run"), validators=[InputRequired(message=WHOLE_NUMBER)])
    hours = IntegerField(_l("Hours"), validators=[Optional()], default=0)
    schedule = StringField(
        _l("Schedule"),
        description=_l("e.g. 每周六全天"),
        render_kw={"maxlength": school_records.SCHEDULE_MAX},
    )
    starts_on = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    ends_on = DateField(_l("Until"), validators=[Optional()], format="%Y-%m-%d")
    skills = TextAreaField(_l("Skills taught"), render_kw={"maxlength": 1000})
    description = TextAreaField(_l("Description"), render_kw={"maxlength": 4000})

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "target_groups": list(self.target_groups.data or []),
            "capacity": self.capacity.data,
            "hours": self.hours.data or 0,
            "schedule": self.schedule.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "skills": self.skills.data or "",
            "description": self.description.data or "",
        }
