"""Small helpers shared by the blueprints' views."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, request
from flask_wtf import FlaskForm

from portal.extensions import db
from portal.services.errors import ServiceError

T = TypeVar("T")


class Refused:
    """Marker returned by `attempt` when the service refused; the message is already shown."""


REFUSED = Refused()


def attempt(action: Callable[[], T], form: FlaskForm | None = None) -> T | Refused:
    """Run one service call as the request's unit of work.

    Success commits (the single commit point). A refusal rolls back, and its
    message goes onto the form field it concerns, or into a flash message.
    """
    try:
        result = action()
    except ServiceError as exc:
        db.session.rollback()
        if exc.status_code == 404:
            abort(404)
        for problem in getattr(exc, "problems", None) or [exc]:
            field = getattr(form, problem.field, None) if form is not None and problem.field else None
            if field is not None:
                field.errors = [*field.errors, str(problem.message)]
            else:
                flash(str(problem.message), "error")
        return REFUSED
    db.session.commit()
    return result


def form_status() -> int:
    """Status for a rendered form page: 400 when a POST was refused, 200 for a GET."""
    return 400 if request.method == "POST" else 200
