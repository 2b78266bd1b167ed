"""Cross-cutting security: headers with a nonce CSP, safe redirects, role guards, security log."""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from portal.platform.roles import Role

security_log = logging.getLogger("portal.platform.security")


def csp_nonce() -> str:
    """One nonce per request, shared by the CSP header and the page's script tags."""
    return request.environ.setdefault("portal.csp_nonce", secrets.token_urlsafe(16))


def _set_headers(response):
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        # A file to save (exports, a student's CV, practice evidence): should a browser ever open it
        # in place, it runs in a sandbox with nothing allowed (no script, no same-origin access).
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Not no-referrer: Flask-WTF's HTTPS CSRF check needs the same-origin Referer.
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _refuse_nul_bytes():
    # No legitimate input contains NUL, and PostgreSQL text columns cannot store it.
    for values in (request.args, request.form):
        if any("\x00" in key + "".join(items) for key, items in values.lists()):
            abort(400)


# A logged-in session lasts PERMANENT_SESSION_LIFETIME from the last activity. Flask would re-sign
# and re-send the cookie on every response for that (SESSION_REFRESH_EACH_REQUEST); instead the
# cookie is written when the session changes, or once SESSION_REFRESH_SECONDS have passed since
# it was last written, so the lifetime still slides, by that step (issue 31, the base cost of a page).
SESSION_REFRESH_SECONDS = 15 * 60


def _refresh_session(response):
    if session.permanent:
        now = int(time.time())
        if now - int(session.get("_written", 0)) >= SESSION_REFRESH_SECONDS:
            session["_written"] = now
    return response


def init_security(app: Flask) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.after_request(_refresh_session)
    app.before_request(_refuse_nul_bytes)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths: '/x' yes; '//evil', '/\\evil', 'https://evil' no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target and "\n" not in target


def area_of(role: str) -> str:
    """The area (blueprint) where people of `role` work."""
    return {
        Role.ENTERPRISE_HR.value: "enterprise",
        Role.SCHOOL_STAFF.value: "school",
        Role.STUDENT.value: "student",
        Role.ADMIN.value: "admin",
    }[role]


def home_endpoint(role: str) -> str:
    return f"{area_of(role)}.home"


def home_url_for(user) -> str:
    return url_for(home_endpoint(user.role))


def guard_blueprint(bp: Blueprint, role: Role, *, open_endpoints: tuple[str, ...] = ()) -> None:
    """One role check per blueprint: anonymous → login, wrong role → 403.

    Members still waiting for approval may only see `open_endpoints` (their home,
    which tells them what they are waiting for).
    """

    @bp.before_request
    def _check_role():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.role != role.value:
            security_log.warning(
                "access refused: user=%s role=%s path=%s", current_user.id, current_user.role, request.path
            )
            abort(403)
        if not current_user.is_member_active and request.endpoint not in open_endpoints:
            return redirect(url_for(open_endpoints[0])) if open_endpoints else abort(403)
        return None
