"""Forms of the apprenticeship allocation, shared by the school and enterprise areas.

They convert input; `portal.apprenticeships.services` holds the rules.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.apprenticeships.agreements import AgreementInput
from portal.platform import checks
from portal.platform.errors import ServiceError
from portal.platform.forms import DATE_REQUIRED, REQUIRED, IntField
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import TECH_TITLES


class ProgrammeForm(FlaskForm):
    name = StringField(
        _l("Programme name"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("e.g. 数控加工现代学徒制 2026 级"),
        render_kw={"maxlength": 120},
    )
    opens_on = DateField(
        _l("Applications open on"), validators=[InputRequired(message=DATE_REQUIRED)], format="%Y-%m-%d"
    )
    closes_on = DateField(
        _l("Application deadline"), validators=[InputRequired(message=DATE_REQUIRED)], format="%Y-%m-%d"
    )
    description = TextAreaField(_l("Description"), render_kw={"maxlength": 2000, "rows": 4})

    def values(self) -> dict:
        return {
            "name": self.name.data or "",
            "description": self.description.data or "",
            "opens_on": self.opens_on.data,
            "closes_on": self.closes_on.data,
        }


class PlaceForm(FlaskForm):
    site = StringField(
        _l("Site"), description=_l("Workshop, production line or site."), render_kw={"maxlength": 120}
    )
    mentor_name = StringField(_l("Mentor (师傅)"), render_kw={"maxlength": 40})
    mentor_title = SelectField(_l("Mentor's title"), choices=[("", "—"), *TECH_TITLES.items()], default="")
    mentor_skills = StringField(_l("Mentor's skills"), render_kw={"maxlength": 200})
    capacity = IntField(_l("Places"), validators=[InputRequired(message=REQUIRED)], default=1)
    description = TextAreaField(
        _l("What the apprentice learns here"),
        render_kw={"maxlength": 2000, "rows": 3},
        description=_l("The matcher compares this with the students' majors when it ranks applicants."),
    )

    def values(self) -> dict:
        return {
            "site": self.site.data or "",
            "mentor_name": self.mentor_name.data or "",
            "mentor_title": self.mentor_title.data or "",
            "mentor_skills": self.mentor_skills.data or "",
            "capacity": self.capacity.data,
            "description": self.description.data or "",
        }


def ranks_from(form: Mapping[str, str], prefix: str = "rank-") -> dict[int, int]:
    """{id: rank} from fields named `rank-<id>` holding a rank; blank means not ranked."""
    ranks: dict[int, int] = {}
    for key, value in form.items():
        if not key.startswith(prefix):
            continue
        ident, value = key[len(prefix) :], (value or "").strip()
        if not value:
            continue
        number, rank = checks.whole_number(ident), checks.whole_number(value, maximum=9999)
        if not number or rank is None:
            raise ServiceError(_l("Choose a rank from the list."))
        ranks[number] = rank
    return ranks


class AgreementForm(FlaskForm):
    """The apprenticeship training agreement (职业教育法 2022 Art. 30). Optional validators only: the
    service judges every field at once, beside each, with the article."""

    starts_on = DateField(_l("First day of the apprenticeship"), validators=[Optional()], format="%Y-%m-%d")
    signed_on = DateField(_l("Signed by all parties on"), validators=[Optional()], format="%Y-%m-%d")
    stipend_yuan = IntField(_l("Monthly stipend (yuan)"), validators=[Optional()])
    insurer = StringField(_l("Insurer"), render_kw={"maxlength": 120})
    insurance_policy = StringField(_l("Insurance policy"), render_kw={"maxlength": 120})
    insurance_paid_by = SelectField(
        _l("Insurance paid by"),
        choices=[("", "—"), ("enterprise", _l("The enterprise")), ("school", _l("The school"))],
        default="",
    )
    insurance_from = DateField(_l("Insurance from"), validators=[Optional()], format="%Y-%m-%d")
    insurance_until = DateField(_l("Insurance until"), validators=[Optional()], format="%Y-%m-%d")
    guardian_name = StringField(_l("Guardian (apprentice under 18)"), render_kw={"maxlength": 60})
    guardian_relation = StringField(_l("Relation to the apprentice"), render_kw={"maxlength": 30})
    guardian_consent_on = DateField(_l("Guardian consented on"), validators=[Optional()], format="%Y-%m-%d")

    def values(self) -> AgreementInput:
        return AgreementInput(
            starts_on=self.starts_on.data,
            signed_on=self.signed_on.data,
            stipend_yuan=self.stipend_yuan.data,
            insurer=self.insurer.data or "",
            insurance_policy=self.insurance_policy.data or "",
            insurance_paid_by=self.insurance_paid_by.data or "",
            insurance_from=self.insurance_from.data,
            insurance_until=self.insurance_until.data,
            guardian_name=self.guardian_name.data or "",
            guardian_relation=self.guardian_relation.data or "",
            guardian_consent_on=self.guardian_consent_on.data,
        )
