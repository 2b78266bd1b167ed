"""Small helpers shared by the blueprints' views."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, current_app, flash, g, render_template, request, send_file
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import IntegerConverter

from portal.extensions import db
from portal.platform.checks import MAX_INT
from portal.platform.errors import ALREADY_EXISTS, ServiceError, is_duplicate
from portal.platform.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE

T = TypeVar("T")


def _at_most(limit: int) -> str:
    """A regex of the ASCII numbers from 0 to `limit`. The bound is in the pattern, not only in
    `to_python`: werkzeug judges a rule's method before its converters, so a path that matched the
    pattern of a GET and a PUT rule, with an id the PUT's converter then refused, was a 405, not a 404."""
    digits = str(limit)
    branches = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            branches.append(digits[:i] + f"[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    branches.append(digits)
    return "(?:" + "|".join(branches) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that only matches ids a column can hold: /postings/2147483648 is a 404 for every
    method, not a database error (PostgreSQL refuses integers beyond 2^31 - 1). ASCII digits only:
    `\\d` also matches full-width and other scripts' digits, and int() reads them, so /majors/１２
    was /majors/12 under a second address."""

    regex = _at_most(MAX_INT)
    signed_regex = rf"-?(?:{regex})"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def area() -> str:
    """The role area (`school`, `enterprise`, …) a nested feature blueprint was reached through."""
    return request.blueprints[-1]


def listing(template: str, query: T, search: Callable[[T], object], **context) -> str:
    """A list page: the filters and page read from the URL (`query`) and what they find, `results`."""
    return render_template(template, query=query, results=search(query), **context)


def only_in(*areas: str):
    """A view of a shared feature that only some areas have: elsewhere it does not exist (404)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if area() not in areas:
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorator


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
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if exc.status_code == 404:
            abort(404)
        g.refusal_status = exc.status_code
        _show(exc, form)
        return REFUSED
    except IntegrityError as exc:
        # A unique key caught what the service's own check could not: the same thing
        # saved by a concurrent request between our check and our write.
        db.session.rollback()
        if not is_duplicate(exc):
            raise
        flash(str(ALREADY_EXISTS), "error")
        return REFUSED
    return result


def _show(exc: ServiceError, form: FlaskForm | None, *, beside_errors: bool = True) -> None:
    """Each problem of a refusal beside the form field it concerns, else as a flash message.
    `beside_errors=False`: a field that already shows a problem (its field check) keeps only that."""
    for problem in getattr(exc, "problems", None) or [exc]:
        field = getattr(form, problem.field, None) if form is not None and problem.field else None
        if field is None:
            flash(str(problem.message), "error")
        elif beside_errors or not field.errors:
            field.errors = [*field.errors, str(problem.message)]


def one_pass(form: FlaskForm, action: Callable[[], T]) -> T | Refused:
    """A submitted form's field checks and the service's rules in one pass (STYLE.md rule 11).

    Valid fields: `attempt` (the service decides and commits). Failed field checks: the service
    still runs on what was entered, so that every rule it can judge shows now, beside its field,
    instead of in a second round; that run always rolls back, whatever it answers. A field that
    already failed its check keeps that one message. Not submitted, or a bad CSRF token: REFUSED
    without running anything (a GET renders the empty form)."""
    if not form.is_submitted():
        return REFUSED
    if form.validate():
        return attempt(action, form)
    if "csrf_token" in form.errors:
        return REFUSED
    try:
        action()
    except ServiceError as exc:
        if exc.status_code == 404 and not exc.field:
            abort(404)
        _show(exc, form, beside_errors=False)
    except Exception:  # fields that failed to parse may trip a rule; their checks already speak
        current_app.logger.info("rules skipped on a form that failed its field checks", exc_info=True)
    finally:
        db.session.rollback()
    return REFUSED


def refusal_status() -> int:
    """Status for a page that shows this request's refusal: the refusal's own (429: too many
    jobs waiting, 409: changed meanwhile), else 400."""
    return g.get("refusal_status", 400)


def form_status() -> int:
    """Status for a rendered form page: 400 when a POST was refused, 200 for a GET."""
    return 400 if request.method == "POST" else 200


_MIMETYPES = {
    "xlsx": XLSX_MIMETYPE,
    "csv": CSV_MIMETYPE,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def download(data: bytes, filename: str, *, private: bool = True) -> Response:
    """A file to save. `private`: it holds names or contacts, so neither the browser nor a
    proxy may keep a copy (SECURITY.md, exports with personal data)."""
    response = send_file(
        io.BytesIO(data),
        mimetype=_MIMETYPES[filename.rsplit(".", 1)[-1]],
        as_attachment=True,
        download_name=filename,
    )
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response
