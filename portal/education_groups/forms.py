"""Forms of 职业教育集团. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from portal.education_groups.models import MemberKind, ShareKind
from portal.education_groups.services import DESCRIPTION_MAX, NAME_MAX
from portal.platform.i18n import lazy_gettext as _l


class GroupForm(FlaskForm):
    name = StringField(_l("Name of the group"), render_kw={"maxlength": NAME_MAX})
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    charter = FileField(_l("Charter (章程): PDF, PNG or JPEG, at most 5 MB"))


class MemberForm(FlaskForm):
    kind = SelectField(_l("Kind of member"), choices=[(k.value, k.label) for k in MemberKind])
    name = StringField(
        _l("Member's name"),
        description=_l("A school or enterprise of the platform is linked when the name is exactly its name."),
        render_kw={"maxlength": NAME_MAX},
    )


class ShareForm(FlaskForm):
    kind = SelectField(_l("What is shared"), choices=[(k.value, k.label) for k in ShareKind])
    offered_by = SelectField(_l("Offered by"), validate_choice=False)
    description = StringField(_l("Description"), render_kw={"maxlength": DESCRIPTION_MAX})
