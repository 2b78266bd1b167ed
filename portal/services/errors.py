"""Errors that services raise and views turn into messages or status codes."""
from __future__ import annotations


class ServiceError(Exception):
    """A refused action, with a message for the user (a lazy gettext string)."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """The object does not exist *for this user*: foreign ids look exactly like missing ones."""

    status_code = 404


class Conflict(ServiceError):
    status_code = 409
