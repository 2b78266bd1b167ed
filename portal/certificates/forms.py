"""Forms of the 1+X certificates. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.certificates.models import CertificateLevel, SiteRole
from portal.certificates.services import ISSUER_MAX, MAJORS_MAX, NAME_MAX
from portal.platform.i18n import lazy_gettext as _l


class SkillCertificateForm(FlaskForm):
    name = StringField(_l("Certificate name"), render_kw={"maxlength": NAME_MAX})
    level = SelectField(_l("Level"), choices=[(c.value, c.label) for c in CertificateLevel])
    issuer = StringField(_l("Assessment body (评价组织)"), render_kw={"maxlength": ISSUER_MAX})
    majors = TextAreaField(
        _l("Majors it fits"),
        description=_l("2021 catalogue codes or names, separated by 、 or commas."),
        render_kw={"maxlength": MAJORS_MAX},
    )


def certificate_choices(certificates) -> list[tuple[int, str]]:
    return [(0, "—")] + [(c.id, c.label) for c in certificates]


class SiteForm(FlaskForm):
    certificate_id = SelectField(_l("Certificate"), coerce=int, validate_choice=False)
    role = SelectField(_l("Our role"), choices=[(r.value, r.label) for r in SiteRole])


class SessionForm(FlaskForm):
    certificate_id = SelectField(_l("Certificate"), coerce=int, validate_choice=False)
    held_on = DateField(_l("Date of the session"), validators=[Optional()])


class ResultsForm(FlaskForm):
    """The results themselves are one choice per student (`result-<id>`: passed, failed or empty),
    read by the view; this form carries the CSRF token."""
