"""Errors that services raise and views turn into messages or status codes."""

from __future__ import annotations

from portal.platform.i18n import lazy_gettext as _l

# Shown when a unique key refuses a write that the service's own check let through
# because another request saved the same thing in the meantime.
ALREADY_EXISTS = _l(
    "This already exists: it was saved a moment ago, perhaps by a second click. Reload the page to see it."
)


def is_duplicate(exc: Exception) -> bool:
    """Whether a database error is a unique key refusing a second copy (PostgreSQL 23505,
    SQLite "UNIQUE constraint failed"); other integrity errors are bugs and stay 500s."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


class ServiceError(Exception):
    """A refused action, with a message for the user (a lazy gettext string)."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None) -> None:
        # The message stays lazy: rendering it may need the request's locale, and must
        # not happen here, where the session may hold a failed transaction.
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(ServiceError):
    """Every problem of one submission at once, each with the field it concerns, so that a
    form shows them all beside their fields instead of one per attempt."""

    def __init__(self, problems: list[ServiceError]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


class Problems:
    """Collects the ServiceErrors of several checks, then raises them together.

    problems = Problems()
    name = problems.check(checks.text, raw_name, field="name", max_length=60)
    ...
    problems.raise_if_any()
    """

    def __init__(self) -> None:
        self.items: list[ServiceError] = []

    def check(self, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ServiceError as exc:
            self.items.extend(exc.problems if isinstance(exc, Invalid) else [exc])
            return None

    def add(self, message, *, field: str | None = None) -> None:
        self.items.append(ServiceError(message, field=field))

    def raise_if_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise Invalid(self.items)


class NotFound(ServiceError):
    """The object does not exist *for this user*: foreign ids look exactly like missing ones."""

    status_code = 404


class Conflict(ServiceError):
    status_code = 409
