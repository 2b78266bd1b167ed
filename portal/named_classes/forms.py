"""The school's form for publishing a named class from an order-class cooperation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.named_classes.services import NamedClassInput
from portal.platform.forms import DATE_REQUIRED, REQUIRED, IntField
from portal.platform.i18n import lazy_gettext as _l


class NamedClassForm(FlaskForm):
    name = StringField(
        _l("Class name"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("e.g. 山东重工智能制造冠名班"),
        render_kw={"maxlength": 80},
    )
    seats = IntField(_l("Seats"), validators=[InputRequired(message=REQUIRED)])
    opens_on = DateField(
        _l("Applications open on"), validators=[InputRequired(message=DATE_REQUIRED)], format="%Y-%m-%d"
    )
    closes_on = DateField(
        _l("Application deadline"), validators=[InputRequired(message=DATE_REQUIRED)], format="%Y-%m-%d"
    )
    decide_by = DateField(
        _l("Decisions by"),
        validators=[Optional()],
        format="%Y-%m-%d",
        description=_l("Admissions continue after the deadline until this date (30 days when left empty)."),
    )
    scholarship = BooleanField(_l("Scholarship"))
    guaranteed_job = BooleanField(_l("Guaranteed job after graduation"))
    equipment = BooleanField(_l("Training equipment"))
    mentors = BooleanField(_l("Workplace mentors"))
    benefits_detail = TextAreaField(_l("Benefits in detail"), render_kw={"maxlength": 2000, "rows": 3})
    criteria = TextAreaField(_l("Selection criteria"), render_kw={"maxlength": 2000, "rows": 4})
    free_choice = BooleanField(
        _l("Students stay free to choose an employer at the end"),
        default=True,
        description=_l("The clause is recorded with the class and shown to applicants."),
    )
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Publish"))

    def values(self) -> NamedClassInput:
        return NamedClassInput(
            name=self.name.data or "",
            seats=self.seats.data,
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            decide_by=self.decide_by.data,
            scholarship=bool(self.scholarship.data),
            guaranteed_job=bool(self.guaranteed_job.data),
            equipment=bool(self.equipment.data),
            mentors=bool(self.mentors.data),
            free_choice=bool(self.free_choice.data),
            benefits_detail=self.benefits_detail.data or "",
            criteria=self.criteria.data or "",
        )
