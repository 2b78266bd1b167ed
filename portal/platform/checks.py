"""Small input checks shared by the school-side services.

Each raises `ServiceError` with the field it concerns, so a form shows the message
next to the field and a spreadsheet import reports the column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l

DISTRICT_TZ = ZoneInfo("Asia/Shanghai")
# NUL is refused by PostgreSQL text columns; other C0 controls are never meant.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The largest id or count any column holds (PostgreSQL `integer`); larger numbers from a URL
# or a form would make the database raise instead of finding nothing.
MAX_INT = 2**31 - 1
MAX_PAGE = 10_000
QUERY_MAX = 100  # the longest search text kept


def whole_number(raw: str | None, maximum: int = MAX_INT) -> int | None:
    """A non-negative number typed as ASCII digits, or None.

    `str.isdigit()` alone accepts '²' and '①', which `int()` then refuses (a 500 before).
    """
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None


def page_number(raw: str | None) -> int:
    """A page number from a query string: anything odd is the first page, huge is the last."""
    value = whole_number(raw)
    return 1 if not value else min(value, MAX_PAGE)


def search_text(raw: str | None, max_length: int = QUERY_MAX) -> str:
    """A search box's text: runs of spaces as one, at most `max_length` characters."""
    return " ".join((raw or "").split())[:max_length]


def is_id(raw: object) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= MAX_INT


def district_today() -> date:
    """Today in Laiwu: deadlines, terms and notice periods are dates there, not in UTC."""
    return datetime.now(DISTRICT_TZ).date()


def text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    cleaned = _CONTROL.sub("", value or "").strip()
    if required and not cleaned:
        raise ServiceError(_l("This field is required."), field=field)
    if len(cleaned) > max_length:
        raise ServiceError(_l("At most %(max)d characters.", max=max_length), field=field)
    return cleaned


def labelled_text(value: object, label, *, field: str, max_length: int, required: bool = False) -> str:
    """Text whose messages name it by `label` (where they are read apart from the field, as in a
    list of problems): not text, missing, or longer than `max_length`. Trimmed."""
    if not (isinstance(value, str) or value is None):
        raise ServiceError(_l("%(field)s: please enter text.", field=label), field=field)
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ServiceError(_l("%(field)s is required.", field=label), field=field)
    if len(cleaned) > max_length:
        raise ServiceError(
            _l("%(field)s is too long (at most %(n)d characters).", field=label, n=max_length), field=field
        )
    return cleaned


def source(value: str | None, *, field: str, max_length: int) -> str:
    """Where an entered figure comes from (document, office or publication), so others can check
    it: at least two characters once runs of white space are one space."""
    cleaned = " ".join((value or "").split())
    if len(cleaned) < 2:
        raise ServiceError(
            _l("Say where the figure comes from (document, office or publication) so others can check it."),
            field=field,
        )
    if len(cleaned) > max_length:
        raise ServiceError(_l("At most %(max)d characters.", max=max_length), field=field)
    return cleaned


REASON_MAX = 500  # characters of a reason given for a decision


def reason(value: str | None, *, required: bool = True, missing=None) -> str:
    """A reason someone gives for a decision (declining, rejecting, taking down, cancelling):
    the other side reads it, so it is cleaned of control characters and kept to REASON_MAX."""
    cleaned = _CONTROL.sub("", value or "").strip()
    if required and not cleaned:
        raise ServiceError(missing or _l("Please give a reason."), field="reason")
    if len(cleaned) > REASON_MAX:
        raise ServiceError(
            _l("The reason is too long (at most %(n)d characters).", n=REASON_MAX), field="reason"
        )
    return cleaned


def integer(value: object, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_l("Enter a whole number."), field=field)
    if not minimum <= value <= maximum:
        raise ServiceError(_l("Between %(min)d and %(max)d.", min=minimum, max=maximum), field=field)
    return value


def choice(value: str | None, allowed, *, field: str) -> str:
    if value not in {getattr(a, "value", a) for a in allowed}:
        raise ServiceError(_l("Please choose a valid value."), field=field)
    return str(value)


def date_range(starts_on: date | None, ends_on: date | None, *, check_past: bool) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_l("The end date is before the start date."), field="ends_on")
    if check_past and ends_on and ends_on < district_today():
        raise ServiceError(_l("The end date is in the past."), field="ends_on")
