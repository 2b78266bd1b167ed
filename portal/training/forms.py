"""Forms of the training domain. They convert input; the services hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.platform import vocab
from portal.platform.forms import IntField
from portal.platform.i18n import lazy_gettext as _l
from portal.training import bases, services
from portal.training.models import CertificateKind, SlotPeriod, TraineeGroup, VenueKind

DATE = "%Y-%m-%d"


def _checkboxes(label, choices, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(
        label, choices=choices, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), **kwargs
    )


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class TraineeSignUpForm(FlaskForm):
    """The public sign-up: only what the records need."""

    name = StringField(_l("Name"), render_kw={"maxlength": services.NAME_MAX, "autocomplete": "name"})
    phone = StringField(
        _l("Phone"),
        description=_l("The school calls or texts you about your place."),
        render_kw={"maxlength": services.PHONE_MAX, "inputmode": "tel", "autocomplete": "tel"},
    )
    town = SelectField(_l("Town you live in"), choices=[], validate_choice=False)
    groups = _checkboxes(_l("You are (tick all that apply)"), [], validate_choice=False)
    employer_id = SelectField(
        _l("Employer (enterprise staff only)"), choices=[], coerce=_int_or_none, validate_choice=False
    )
    consent = BooleanField(
        _l(
            "I agree that the school running this course keeps my name, phone, town and group to "
            "organise the course, and my employer sees my place if I am its staff. I may ask the school "
            "to delete them."
        )
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.town.choices = [("", _l("Choose…")), *vocab.town_choices()]
        self.groups.choices = list(TraineeGroup.labels().items())
        self.employer_id.choices = [(None, "—"), *((e.id, e.name) for e in services.verified_enterprises())]

    def values(self) -> services.SignUp:
        return services.SignUp(
            name=self.name.data,
            phone=self.phone.data,
            town=self.town.data,
            groups=list(self.groups.data or []),
            employer_id=self.employer_id.data,
            consent=bool(self.consent.data),
        )


class TrainingRunForm(FlaskForm):
    offer_id = SelectField(_l("Training offer"), choices=[], coerce=_int_or_none, validate_choice=False)
    starts_on = DateField(_l("From"), validators=[Optional()], format=DATE)
    ends_on = DateField(_l("Until"), validators=[Optional()], format=DATE)
    hours = IntField(_l("Hours"), validators=[Optional()])
    places = IntField(_l("Places"), validators=[Optional()])
    venue_kind = SelectField(_l("Venue"), choices=list(VenueKind.labels().items()), validate_choice=False)
    centre_id = SelectField(
        _l("Community education centre"), choices=[], coerce=_int_or_none, validate_choice=False
    )
    enterprise_id = SelectField(
        _l("Enterprise (its site, or the staff it is run for)"),
        choices=[],
        coerce=_int_or_none,
        validate_choice=False,
    )
    venue_note = StringField(_l("Room or address"), render_kw={"maxlength": services.VENUE_NOTE_MAX})

    def __init__(self, *args, offers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer_id.choices = [(o.id, o.title) for o in offers]
        self.centre_id.choices = [
            (None, "—"),
            *((c.id, f"{c.name}（{vocab.town_label(c.town)}）") for c in services.all_centres()),
        ]
        self.enterprise_id.choices = [(None, "—"), *((e.id, e.name) for e in services.verified_enterprises())]

    def values(self) -> services.RunInput:
        return services.RunInput(
            offer_id=self.offer_id.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            hours=self.hours.data if self.hours.data is not None else 0,
            places=self.places.data,
            venue_kind=self.venue_kind.data or "",
            centre_id=self.centre_id.data,
            enterprise_id=self.enterprise_id.data,
            venue_note=self.venue_note.data or "",
        )


class AttendanceForm(FlaskForm):
    session_on = DateField(_l("Session date"), validators=[Optional()], format=DATE)
    hours = IntField(_l("Hours"), validators=[Optional()])


class CompletionForm(FlaskForm):
    certificate_kind = SelectField(
        _l("Certificate earned"), choices=list(CertificateKind.labels().items()), validate_choice=False
    )
    certificate_name = StringField(
        _l("Certificate name and level"), render_kw={"maxlength": services.CERTIFICATE_MAX}
    )


class CentreForm(FlaskForm):
    name = StringField(_l("Centre name"), render_kw={"maxlength": 120})
    town = SelectField(_l("Town"), choices=[], validate_choice=False)
    address = StringField(_l("Address"), render_kw={"maxlength": 200})
    contact = StringField(_l("Contact person and phone"), render_kw={"maxlength": 120})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.town.choices = [("", _l("Choose…")), *vocab.town_choices()]


class TrainingBaseForm(FlaskForm):
    name = StringField(_l("Base name"), render_kw={"maxlength": bases.NAME_MAX})
    rooms = TextAreaField(_l("Rooms or stations"), render_kw={"maxlength": bases.TEXT_MAX})
    equipment = TextAreaField(_l("Equipment"), render_kw={"maxlength": bases.TEXT_MAX})
    capacity = IntField(_l("People at once"), validators=[Optional()])
    opening_hours = StringField(_l("Opening hours"), render_kw={"maxlength": bases.HOURS_MAX})
    rules = TextAreaField(_l("Rules for users"), render_kw={"maxlength": bases.TEXT_MAX})
    open_to_all = BooleanField(_l("Every verified school and enterprise may book"))
    allowed_ids = _checkboxes(_l("Organisations allowed to book"), [], coerce=int, validate_choice=False)

    def __init__(self, *args, organisations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_ids.choices = [(o.id, o.name) for o in organisations]

    def values(self) -> bases.BaseInput:
        return bases.BaseInput(
            name=self.name.data or "",
            rooms=self.rooms.data or "",
            equipment=self.equipment.data or "",
            capacity=self.capacity.data,
            opening_hours=self.opening_hours.data or "",
            rules=self.rules.data or "",
            open_to_all=bool(self.open_to_all.data),
            allowed_ids=list(self.allowed_ids.data or []),
        )


class BookingForm(FlaskForm):
    day = DateField(_l("Day"), validators=[Optional()], format=DATE)
    period = SelectField(_l("Time"), choices=list(SlotPeriod.labels().items()), validate_choice=False)
    purpose = StringField(_l("Purpose"), render_kw={"maxlength": bases.PURPOSE_MAX})


class AcceptProposalForm(FlaskForm):
    starts_on = DateField(_l("Start on"), validators=[Optional()], format=DATE)
