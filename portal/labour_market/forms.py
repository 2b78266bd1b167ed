from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired

from portal.labour_market.models import OCCUPATION_MAX, SOURCE_MAX
from portal.platform.forms import IntField
from portal.platform.i18n import lazy_gettext as _l


class LabourFigureForm(FlaskForm):
    year = IntField(_l("Year"), validators=[InputRequired(message=_l("Enter the year the figure is for."))])
    occupation = StringField(
        _l("Occupation"),
        description=_l("As the statistics name it, e.g. 焊工 or 养老护理员."),
        render_kw={"maxlength": OCCUPATION_MAX},
    )
    major_group = SelectField(_l("Major group that trains for it"), choices=[], validate_choice=False)
    vacancies = IntField(
        _l("Vacancies"), validators=[InputRequired(message=_l("Enter the figure as a whole number."))]
    )
    source = StringField(
        _l("Source"),
        description=_l("The document, office or publication, e.g. 莱芜区人社局2026年一季度岗位空缺统计."),
        render_kw={"maxlength": SOURCE_MAX},
    )
