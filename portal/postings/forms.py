"""Enterprise HR forms. A posting's form is built per kind from `DETAIL_FIELDS`.

The forms only parse (text, whole numbers, dates); every rule about values is
checked in `services.postings`, which puts its message on the field concerned.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.platform import vocab
from portal.platform.forms import DayField, MultiCheckboxField, WholeNumberField
from portal.platform.i18n import lazy_gettext as _l
from portal.postings import services as postings
from portal.postings.models import DETAIL_FIELDS, HEADCOUNT_LABELS, DetailField, Posting
from portal.postings.services import PostingInput
from portal.rules import internships as internship_rules

PEOPLE_ROWS = 3


def _choices(options: dict[str, object], blank: bool) -> list[tuple[str, object]]:
    items = list(options.items())
    return [("", _l("— choose —")), *items] if blank else items


def _field(spec: DetailField):
    """The form field for one kind-specific field; limits shown as HTML hints, enforced by the service."""
    if spec.type == "int":
        kw = {"min": spec.min, "max": spec.max}
        return WholeNumberField(
            spec.label, validators=[Optional()], render_kw=kw, description=spec.unit or None
        )
    if spec.type == "text":
        return StringField(spec.label, render_kw={"maxlength": spec.max_len})
    if spec.type == "longtext":
        return TextAreaField(spec.label, render_kw={"maxlength": spec.max_len})
    if spec.type == "bool":
        return BooleanField(spec.label)
    hint = _l("Required to publish") if spec.key in internship_rules.ASKED_TO_PUBLISH else None
    if spec.type == "choice":
        return SelectField(
            spec.label, choices=_choices(spec.choices, blank=True), validate_choice=False, description=hint
        )
    if spec.type == "choices":
        return MultiCheckboxField(
            spec.label, choices=_choices(spec.choices, blank=False), validate_choice=False, description=hint
        )
    if spec.type == "people":
        person = type(f"{spec.key.title()}Row", (Form,), {sub.key: _field(sub) for sub in spec.person})
        return FieldList(
            FormField(person), label=spec.label, min_entries=PEOPLE_ROWS, max_entries=spec.max_rows
        )
    raise AssertionError(spec.type)


class PostingBaseForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": 120})
    description = TextAreaField(_l("Description"), render_kw={"maxlength": 4000})
    skills = StringField(
        _l("Skills"), description=_l("Separate with commas or 、"), render_kw={"maxlength": postings.LIST_MAX}
    )
    certificates = StringField(
        _l("1+X certificates wanted"),
        description=_l("Separate with commas or 、"),
        render_kw={"maxlength": postings.LIST_MAX},
    )
    headcount = WholeNumberField(_l("Headcount"), validators=[Optional()], render_kw={"min": 1, "max": 1000})
    town = SelectField(_l("Town / street"), choices=[], validate_choice=False)
    start_date = DayField(_l("Start date"), validators=[Optional()])
    end_date = DayField(_l("End date"), validators=[Optional()])
    deadline = DayField(_l("Application deadline"), validators=[Optional()])

    kind: str = ""
    detail_keys: tuple[str, ...] = ()

    def detail_fields(self) -> list[Any]:
        return [self[key] for key in self.detail_keys]

    def to_input(self) -> PostingInput:
        details: dict[str, Any] = {}
        for key in self.detail_keys:
            f = self[key]
            details[key] = [row.data for row in f] if isinstance(f, FieldList) else f.data
        return PostingInput(
            title=self.title.data or "",
            description=self.description.data or "",
            skills=self.skills.data or "",
            certificates=self.certificates.data or "",
            headcount=self.headcount.data,
            town=self.town.data or "",
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            deadline=self.deadline.data,
            details=details,
        )


_FORM_CLASSES: dict[str, type[PostingBaseForm]] = {}


def _form_class(kind: str) -> type[PostingBaseForm]:
    if kind not in _FORM_CLASSES:
        specs = DETAIL_FIELDS[kind]
        attrs: dict[str, Any] = {spec.key: _field(spec) for spec in specs}
        attrs.update(kind=kind, detail_keys=tuple(spec.key for spec in specs))
        _FORM_CLASSES[kind] = type(f"PostingForm_{kind}", (PostingBaseForm,), attrs)
    return _FORM_CLASSES[kind]


def posting_form(
    kind: str, posting: Posting | None = None, default_town: str | None = None, *, stored: bool = False
) -> PostingBaseForm:
    """The form for one kind, filled from `posting` on GET (the request's data wins on POST;
    `stored`: the posting's values whatever the request, for a refusal shown on its form)."""
    cls = _form_class(kind)
    data: dict[str, Any] = {"town": default_town}
    if posting is not None:
        data = {**posting.common_values(), **posting.details}
    form = cls(formdata=None, data=data) if stored else cls(data=data)
    form.town.choices = vocab.town_choices()
    form.headcount.label.text = HEADCOUNT_LABELS[kind]
    return form
