"""Mobile numbers: parsed and validated with `phonenumbers`, stored in E.164, shown grouped
(mainland: 138 0000 0000) and masked in lists (138 **** 0000).

A number is shown in full only to its owner, and to another organisation only where a step
needs contact (an accepted internship offer: `visible_to`); everywhere else it is masked.
"""

from __future__ import annotations

import phonenumbers
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.internships.models import Placement, PlacementStatus
from portal.messaging.models import PhoneNumber
from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow

NOT_A_MOBILE = _l("Enter a valid mobile number, e.g. 138 0000 0000.")
TAKEN = _l("This number belongs to another account.")


def parse(raw: str | None) -> str:
    """The number in E.164, or ServiceError (on the `phone` field) if it is not a mobile number."""
    text = (raw or "").strip()
    if not text or len(text) > 30:
        raise ServiceError(NOT_A_MOBILE, field="phone")
    try:
        number = phonenumbers.parse(text, current_app.config["PHONE_REGION"])
    except phonenumbers.NumberParseException:
        raise ServiceError(NOT_A_MOBILE, field="phone") from None
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or not mobile:
        raise ServiceError(NOT_A_MOBILE, field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _mainland(e164: str) -> str | None:
    return e164[3:] if e164.startswith("+86") and len(e164) == 14 else None


def display(e164: str | None) -> str:
    """138 0000 0000 for a mainland mobile, the international format for others."""
    if not e164:
        return ""
    local = _mainland(e164)
    if local:
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return ""


def masked(e164: str | None) -> str:
    """138 **** 0000: enough for its owner to recognise, nothing for anyone else."""
    if not e164:
        return ""
    local = _mainland(e164)
    if local:
        return f"{local[:3]} **** {local[7:]}"
    return f"{e164[:3]} **** {e164[-4:]}"


def number_of(user: User) -> str | None:
    row = db.session.get(PhoneNumber, user.id)
    return row.e164 if row else None


def user_by_number(e164: str) -> User | None:
    return db.session.scalar(
        select(User).join(PhoneNumber, PhoneNumber.user_id == User.id).where(PhoneNumber.e164 == e164)
    )


def set_number(user: User, e164: str) -> PhoneNumber:
    """Record a number the user proved they hold (a code sent to it was entered)."""
    owner = db.session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))
    if owner is not None and owner.user_id != user.id:
        raise ServiceError(TAKEN, field="phone")
    row = db.session.get(PhoneNumber, user.id)
    if row is None:
        row = PhoneNumber(user_id=user.id, e164=e164)
        db.session.add(row)
    row.e164, row.verified_at = e164, utcnow()
    db.session.flush()
    return row


def remove_number(user: User) -> None:
    row = db.session.get(PhoneNumber, user.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def visible_to(viewer: User, owner: User) -> str:
    """The owner's number as `viewer` may see it: in full to the owner, to the staff of the owner's
    own organisation (a student's school), and to a party of a step that needs contact (an
    enterprise whose offer the student accepted); masked for everyone else."""
    e164 = number_of(owner)
    if not e164:
        return ""
    if viewer.id == owner.id or _needs_contact(viewer, owner):
        return display(e164)
    return masked(e164)


def _needs_contact(viewer: User, owner: User) -> bool:
    if viewer.organisation_id is None or viewer.role == "student":
        return False
    if viewer.organisation_id == owner.organisation_id:
        return True
    if owner.role != "student":
        return False
    accepted = (
        PlacementStatus.ACCEPTED.value,
        PlacementStatus.APPROVED.value,
        PlacementStatus.IN_PROGRESS.value,
    )
    return (
        db.session.scalar(
            select(Placement.id)
            .where(
                Placement.student_id == owner.id,
                Placement.enterprise_id == viewer.organisation_id,
                Placement.status.in_(accepted),
            )
            .limit(1)
        )
        is not None
    )


def contact_number(viewer: User, owner: User) -> str:
    """For a page: the number in full where `viewer` may contact `owner`, else nothing at all."""
    shown = visible_to(viewer, owner)
    return "" if "*" in shown else shown
