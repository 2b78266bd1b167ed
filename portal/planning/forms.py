"""Forms of planning: they convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from portal.platform.forms import REQUIRED
from portal.platform.i18n import lazy_gettext as _l
from portal.programs.forms import DATE_FORMAT
from portal.programs.school_models import CertificateKind


class RecruitmentForm(FlaskForm):
    area = RadioField(
        _l("Where does your school recruit?"),
        choices=[
            ("district", _l("Across the whole district")),
            ("town", _l("From its own town only")),
        ],
        validators=[InputRequired(message=_l("Choose where your school recruits."))],
    )


class ThresholdForm(FlaskForm):
    # Text, not a number field: the service reads "1,2" too and words every problem itself.
    shortage_above = StringField(
        _l("Shortage above (demand / intake)"),
        description=_l("A group whose demand is more than this many times its planned intake is a shortage."),
        validators=[InputRequired(message=_l("Enter a ratio such as 1.2."))],
    )
    surplus_below = StringField(
        _l("Surplus below (demand / intake)"),
        description=_l("A group whose demand is less than this many times its planned intake is a surplus."),
        validators=[InputRequired(message=_l("Enter a ratio such as 0.8."))],
    )


class PracticeForm(FlaskForm):
    """A period of enterprise practice (教师企业实践) and its evidence."""

    enterprise = StringField(
        _l("Enterprise"), validators=[DataRequired(message=REQUIRED)], render_kw={"maxlength": 120}
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=DATE_FORMAT)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=DATE_FORMAT)])
    description = TextAreaField(
        _l("What the teacher did, and the evidence"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("E.g. the post, the work, who certified it (a reference number if there is no file)."),
        render_kw={"maxlength": 2000},
    )
    evidence = FileField(_l("Evidence (PDF, PNG or JPEG, at most 2 MB)"))


class PracticePlaceForm(FlaskForm):
    """An open practice post's place asked for one teacher (the choices: the posts with a free place)."""

    post_id = SelectField(_l("Practice post"), coerce=int, validate_choice=False)


class CertificateForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[])
    name = StringField(
        _l("Certificate"), validators=[DataRequired(message=REQUIRED)], render_kw={"maxlength": 120}
    )
    level = StringField(_l("Level"), description=_l("E.g. 高级工, 技师, 中级."), render_kw={"maxlength": 30})
    issued_on = DateField(_l("Issued on"), validators=[InputRequired(message=DATE_FORMAT)])

    def __init__(self, *args, **kwargs) -> None:

        super().__init__(*args, **kwargs)
        self.kind.choices = list(CertificateKind.labels().items())
