"""RFC 9457 problem details: every error of the API, in the request's language.

    {"type": "about:blank", "title": "…", "status": 422, "detail": "…", "instance": "/api/v1/…",
     "errors": [{"field": "title", "message": "…"}, …]}

`errors` lists every problem of one request at once, each beside its field, with the messages the
site's forms show (they come from the same services).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Response, current_app, request
from flask_babel import gettext as _

from portal.platform.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"

TITLES = {
    304: _l("Not modified"),
    400: _l("Bad request"),
    401: _l("A valid API token is needed"),
    403: _l("This token may not do that"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Refused in the current state"),
    413: _l("Request too large"),
    415: _l("Unsupported media type"),
    422: _l("The request has problems"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}


class ApiProblem(Exception):
    """Raised by API code; rendered as problem+json by the blueprint's error handler."""

    def __init__(
        self,
        status: int,
        detail: Any = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: Any = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(status) or _("Error")),
        "status": status,
        "instance": request.path,
    }
    if detail:
        body["detail"] = str(detail)
    if errors is not None:
        body["errors"] = [{"field": e["field"], "message": str(e["message"])} for e in errors]
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def from_problem(exc: ApiProblem) -> Response:
    return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)
