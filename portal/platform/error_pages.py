"""Error pages in both languages; no traceback ever reaches the user."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.platform.errors import ALREADY_EXISTS, ServiceError, is_duplicate
from portal.platform.security import security_log

log = logging.getLogger(__name__)


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _who() -> str:
    return str(current_user.id) if current_user and current_user.is_authenticated else "anonymous"


def init_errors(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        if exc.status_code == 404:
            return _page(404, _("Page not found"), str(exc.message))
        return _page(exc.status_code, _("This action was refused"), str(exc.message))

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError):
        # Views outside `web.attempt` commit themselves; a concurrent duplicate is a 409, not a 500.
        db.session.rollback()
        if not is_duplicate(exc):
            return unexpected(exc)
        return _page(409, _("This action was refused"), str(ALREADY_EXISTS))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        security_log.warning("csrf refused: user=%s path=%s reason=%s", _who(), request.path, exc.description)
        return _page(
            400,
            _("The form has expired"),
            _("For your security the form could not be accepted. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 403:
            security_log.warning("forbidden: user=%s path=%s", _who(), request.path)
        if status == 429:
            security_log.warning(
                "rate limited: user=%s addr=%s path=%s", _who(), request.remote_addr, request.path
            )
        titles = {
            400: (_("Bad request"), _("The request could not be understood.")),
            403: (_("Access denied"), _("You do not have permission to see this page.")),
            404: (_("Page not found"), _("The page you asked for does not exist or is not yours to see.")),
            405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
            413: (_("File too large"), _("The upload is larger than the site accepts.")),
            429: (
                _("Too many attempts"),
                _("Too many attempts in a short time. Please wait and try again later."),
            ),
        }
        title, message = titles.get(status, (exc.name, exc.description or ""))
        response = _page(status, title, message)
        if status == 429:
            return response[0], 429, {"Retry-After": "900"}
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        if isinstance(exc, DBAPIError):
            # The driver's message goes on with the failing row (PostgreSQL's DETAIL: "Failing row
            # contains (…, admin@…)"), which hide_parameters does not reach: log its first line only.
            first_line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
            log.error(
                "unhandled database error on %s %s: %s: %s\n%s",
                request.method,
                request.path,
                type(exc.orig).__name__,
                first_line,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
        else:
            log.exception("unhandled error on %s %s", request.method, request.path)
        return _page(
            500,
            _("Something went wrong"),
            _("An unexpected error occurred. It has been logged; please try again later."),
        )
