"""Forms of pilots: the public's objection, the school's plan, the enterprise's application and the
administrators' recommendation and decision. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.pilots import services as pilots
from portal.pilots.services import PilotPlan
from portal.platform.i18n import lazy_gettext as _l


class ObjectionForm(FlaskForm):
    """An objection to a pilot in its notice period. The service checks every field and
    reports every problem at once, so the form itself only carries CSRF."""

    name = StringField(_l("Your name (optional)"), render_kw={"maxlength": pilots.OBJECTION_NAME_MAX})
    contact = StringField(
        _l("Telephone or e-mail"),
        description=_l("Only the administration sees it, to answer you."),
        render_kw={"maxlength": pilots.OBJECTION_CONTACT_MAX},
    )
    body = TextAreaField(
        _l("Your objection"),
        description=_l("What is wrong with this pilot, as precisely as you can (at most 2,000 characters)."),
        render_kw={"maxlength": pilots.OBJECTION_BODY_MAX},
    )


class RecommendForm(FlaskForm):
    recommendation = TextAreaField(
        _l("The district's recommendation (推荐意见)"),
        description=_l("What the district recommends the province to consider; the enterprise reads it."),
        render_kw={"maxlength": pilots.STATEMENT_MAX},
    )


class DecisionForm(FlaskForm):
    confirmed = RadioField(
        _l("The province's decision"),
        choices=[("yes", _l("Confirmed")), ("no", _l("Not confirmed"))],
        validate_choice=False,
    )
    document = StringField(
        _l("Document number (文号)"),
        description=_l("e.g. 鲁发改社会〔2026〕12号"),
        render_kw={"maxlength": pilots.DOCUMENT_MAX},
    )
    decided_on = DateField(_l("Date of the decision"), validators=[Optional()], format="%Y-%m-%d")
    note = TextAreaField(_l("Note"), validators=[Optional()], render_kw={"maxlength": pilots.STATEMENT_MAX})


class PilotPlanForm(FlaskForm):
    goals = TextAreaField(
        _l("Goals"),
        description=_l("What the pilot should achieve, with measurable targets."),
        render_kw={"maxlength": 4000},
    )
    content = TextAreaField(
        _l("Content of the cooperation"),
        description=_l("Teaching, training and jobs: what the school and the enterprise do together."),
        render_kw={"maxlength": 4000},
    )
    resources = TextAreaField(
        _l("Resources each partner commits"),
        description=_l("Staff, equipment, training bases, funding."),
        render_kw={"maxlength": 4000},
    )
    timeline = TextAreaField(
        _l("Timeline"), description=_l("Stages and dates."), render_kw={"maxlength": 4000}
    )

    def plan(self) -> PilotPlan:
        return PilotPlan(
            goals=self.goals.data or "",
            content=self.content.data or "",
            resources=self.resources.data or "",
            timeline=self.timeline.data or "",
        )


class PilotApplicationForm(FlaskForm):
    statement = TextAreaField(
        _l("Your cooperation with schools"),
        description=_l(
            "Describe your cooperation: classes, apprentices, part-time teachers, training bases, "
            "investment. "
            "The figures below are added from the platform's records when you apply."
        ),
        render_kw={"maxlength": 4000},
    )
