"""Public forms (no account needed)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from portal.pilots import services as pilots
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
