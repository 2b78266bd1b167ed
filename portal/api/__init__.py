"""The open API, `/api/v1`: versioned JSON documented by its own code (issue 27).

APIFlask's `APIBlueprint` carries the views; the OpenAPI 3.1 spec is generated from their
marshmallow schemas (`portal.api.spec`) and served at `/api/v1/openapi.json`, with Swagger UI
from `static/vendor/swagger-ui/` at `/api/docs`. The site itself stays a plain Flask app: the
blueprint brings its own error handling (RFC 9457 problem+json in the request's language), its
own authentication (Bearer tokens, never the session cookie, so no CSRF token either), rate
limits per token, ETags and CORS for the configured origins.

Every view calls the same services as the HTML pages, with the token's member as the actor.
"""

from __future__ import annotations

import logging

import apiflask.settings
import click
from apiflask.exceptions import HTTPError
from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from portal.accounts.models import User
from portal.api import docs, own, public, tokens, webhooks  # noqa: F401  (their routes are on `bp`: APIFlask documents a view by its decorators there)
from portal.api.blueprints import bp, docs_bp
from portal.api.problems import ApiProblem, from_problem, problem_response
from portal.api.web import add_cors, finish_read, rate_key
from portal.extensions import csrf, db, limiter
from portal.platform.errors import ServiceError

log = logging.getLogger(__name__)


def _is_api() -> bool:
    return has_request_context() and (request.path.startswith("/api/v1/") or request.path == "/api/v1")


def _api_locale() -> str:
    """The API speaks the language of Accept-Language (zh first), not of a session or cookie."""
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "zh"


def _problem_for(exc: Exception):
    if isinstance(exc, ApiProblem):
        return from_problem(exc)
    if isinstance(exc, HTTPError):  # APIFlask's own (e.g. a body that is not JSON)
        return problem_response(exc.status_code, exc.message if exc.status_code != 422 else None, errors=[])
    if isinstance(exc, ServiceError):
        db.session.rollback()
        status = exc.status_code if exc.status_code in (404, 409) else 409
        return problem_response(status, exc.message)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        headers = {}
        if status == 429:
            headers["Retry-After"] = str(getattr(exc, "retry_after", None) or 60)
            return problem_response(
                429, _("Too many requests from this token; wait and try again."), headers=headers
            )
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return problem_response(status, None, headers=headers)
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(
        500, _("An unexpected error occurred. It has been logged; please try again later.")
    )


# The blueprint's own set-up, once (a blueprint is registered on every app the tests make).
csrf.exempt(bp)  # Bearer tokens, never the session cookie: nothing for a forged form to ride on
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(bp)
bp.after_request(finish_read)
bp.after_request(add_cors)
for _exc_class in (ApiProblem, HTTPError, ServiceError, HTTPException, Exception):
    bp.register_error_handler(_exc_class, _problem_for)


def _configure(app: Flask) -> None:
    # APIFlask's decorators read their settings from the app's config.
    for name in dir(apiflask.settings):
        if name.isupper():
            app.config.setdefault(name, getattr(apiflask.settings, name))
    app.config["SPEC_FORMAT"] = "json"


def init_app(app: Flask) -> None:
    _configure(app)
    webhooks.init()
    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)

    # Routing errors (no such operation, wrong method) happen before any blueprint is chosen:
    # under /api/v1 they are problem+json too; everywhere else the site's pages answer.
    site_handler = app.error_handler_spec[None][None][HTTPException]

    def http_error(exc: HTTPException):
        return _problem_for(exc) if _is_api() else site_handler(exc)

    app.register_error_handler(HTTPException, http_error)

    @app.after_request
    def _cors_for_routing_errors(response):
        return add_cors(response) if _is_api() and request.blueprint != "api" else response

    babel_config = app.extensions["babel"]
    site_locale = babel_config.locale_selector

    def locale() -> str:
        return _api_locale() if _is_api() else site_locale()

    babel_config.locale_selector = locale

    @app.cli.command("api-token")
    @click.argument("email")
    @click.option("--name", default="command line", help="What uses the token.")
    @click.option("--scope", type=click.Choice(["read", "write"]), default="read")
    @click.option("--days", type=click.Choice([str(d) for d in tokens.LIFETIMES]), default="30")
    def api_token_command(email: str, name: str, scope: str, days: str) -> None:
        """Make an API token for the member with this e-mail and print it (shown once), as their
        area's API access page does: for scripts, and the README's examples."""
        from sqlalchemy import func, select

        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"No account with the e-mail {email}.")
        try:
            _token, raw = tokens.create(user, name=name, scope=scope, days=days)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from None
        print(raw)

    @app.cli.command("deliver-webhooks")
    def deliver_webhooks_command() -> None:
        """Send the webhook deliveries that are due (run every minute by cron; safe to repeat)."""
        tally = webhooks.deliver_due(wait=False)
        print(f"{tally['delivered']} delivered of {tally['attempts']} attempts")
