"""Forms of the enterprise's yearly report. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.enterprise_reports.models import InvestmentKind
from portal.enterprise_reports.services import DESCRIPTION_MAX, TEXT_MAX, ReportTexts
from portal.platform.i18n import lazy_gettext as _l


class ReportTextsForm(FlaskForm):
    overview = TextAreaField(
        _l("The enterprise"),
        description=_l("What the enterprise does, its size and why it takes part in vocational education."),
        render_kw={"maxlength": TEXT_MAX},
    )
    outcomes = TextAreaField(_l("Outcomes"), render_kw={"maxlength": TEXT_MAX})
    problems = TextAreaField(_l("Problems"), render_kw={"maxlength": TEXT_MAX})
    plans = TextAreaField(_l("Plans for next year"), render_kw={"maxlength": TEXT_MAX})

    def data_input(self) -> ReportTexts:
        return ReportTexts(self.overview.data, self.outcomes.data, self.problems.data, self.plans.data)


class InvestmentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, k.label) for k in InvestmentKind])
    amount_yuan = IntegerField(_l("Amount (yuan)"), validators=[Optional()])
    description = StringField(_l("What it was"), render_kw={"maxlength": DESCRIPTION_MAX})
    evidence = FileField(_l("Evidence (PDF, PNG or JPEG, at most 2 MB)"))
