"""Forms of 贯通培养 pathways. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from portal.pathways.models import PathwayKind
from portal.pathways.services import COLLEGE_MAX, HIGHER_NAME_MAX, CohortInput, PathwayInput
from portal.platform.i18n import lazy_gettext as _l


class PathwayForm(FlaskForm):
    kind = SelectField(_l("Kind of pathway"), choices=[(k.value, k.label) for k in PathwayKind])
    program_id = SelectField(_l("Our major (中职)"), coerce=int, validate_choice=False)
    college = StringField(_l("Partner college or university"), render_kw={"maxlength": COLLEGE_MAX})
    higher_major = StringField(
        _l("The college's major"),
        description=_l(
            "3+2: a 专科 major of the 2021 catalogue, by its six-digit code or exact name. 3+4: the 本科 "
            "major as the university names it (the platform's catalogue holds no 本科 majors; it is kept "
            "as typed and marked unchecked)."
        ),
        render_kw={"maxlength": HIGHER_NAME_MAX},
    )
    yearly_quota = IntegerField(_l("Yearly quota (students)"), validators=[Optional()])

    def set_programs(self, programs) -> None:
        self.program_id.choices = [(0, "—")] + [(p.id, f"{p.code} {p.name}") for p in programs]

    def data_input(self) -> PathwayInput:
        return PathwayInput(
            kind=self.kind.data,
            program_id=self.program_id.data or None,
            college=self.college.data,
            higher_major=self.higher_major.data,
            yearly_quota=self.yearly_quota.data,
        )


class CohortForm(FlaskForm):
    entry_year = IntegerField(_l("Year of entry"), validators=[Optional()])
    enrolled = IntegerField(_l("Students enrolled"), validators=[Optional()])
    transferred = IntegerField(
        _l("Transferred after the assessment (转段)"),
        validators=[Optional()],
        description=_l("Leave empty until the assessment has taken place."),
    )
    not_transferred = IntegerField(_l("Not transferred"), validators=[Optional()])
    assessed_on = DateField(_l("Date of the assessment"), validators=[Optional()])

    def data_input(self) -> CohortInput:
        return CohortInput(
            entry_year=self.entry_year.data,
            enrolled=self.enrolled.data,
            transferred=self.transferred.data,
            not_transferred=self.not_transferred.data,
            assessed_on=self.assessed_on.data,
        )
