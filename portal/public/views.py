"""Public pages: home, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text

from portal.accounts import services as accounts
from portal.extensions import csrf, db, limiter
from portal.internships.public_views import public_bp as internships_public_bp
from portal.named_classes import services as named_classes
from portal.platform import checks, jobs
from portal.platform.security import is_safe_next
from portal.platform.web import attempt
from portal.programs import directory

bp = Blueprint("public", __name__)
bp.register_blueprint(internships_public_bp)


@bp.get("/")
def index():
    today = checks.district_today()
    recruiting = [
        c
        for c in named_classes.search_named_classes(named_classes.NamedClassQuery(), per_page=4).items
        if c.opens_on <= today <= c.closes_on
    ]
    return render_template(
        "public/index.html",
        figures=directory.home_figures(),
        demo=directory.demo_loaded(),
        recruiting=recruiting,
    )


@bp.post("/lang")
def set_language():
    lang = request.form.get("lang", "zh")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "zh"
    if current_user.is_authenticated:
        attempt(lambda: accounts.set_locale(current_user._get_current_object(), lang))
    target = request.form.get("next")
    response = redirect(target if is_safe_next(target) else "/")
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is what the probe is for
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    queued = None
    if current_app.config["REDIS_URL"]:
        try:
            connection = jobs.redis_connection()
            connection.ping()
            checks["redis"] = "ok"
            queued = jobs.pending_count()
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    else:
        checks["redis"] = "not configured"
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    return jsonify(status="ok" if healthy else "error", jobs_queued=queued, **checks), 200 if healthy else 503
