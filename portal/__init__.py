"""校企通 (Xiaoqi Bridge): the Flask application factory."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, request
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import INSTANCE_DIR, ConfigError, load_config
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.models.base import render_migration_item


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(load_config(config))
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    _configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    from portal import cache, errors, security, templating

    with app.app_context():
        cache.init_app(app, db.engine)

    security.init_security(app)
    errors.init_errors(app)
    templating.init_templating(app)
    from portal import api

    api.init_app(app)  # after the site's error handlers: it wraps them for /api/v1
    from portal.cli import init_cli

    init_cli(app)
    if app.config["ENV"] == "production":
        _refuse_demo_accounts(app)
    return app


def _configure_logging(app: Flask) -> None:
    # flask-limiter says here when Redis is unreachable and it counts per process instead.
    for name in ("portal.security", "flask-limiter"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers) and not app.testing:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer writes; busy_timeout waits instead of failing.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _select_locale() -> str:
    supported = ["zh", "en"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = request.cookies.get("lang") if request else None
    return chosen if chosen in supported else "zh"


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)
    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite too.
    migrate.init_app(
        app,
        db,
        directory=str(INSTANCE_DIR.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says why

    from portal.services.accounts import load_session_user

    login_manager.user_loader(load_session_user)
    # Session tokens, not Flask-Login's IP/UA fingerprint, decide whether a session is valid.
    login_manager.session_protection = None


def register_blueprints(app: Flask) -> None:
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.enterprise import bp as enterprise_bp
    from portal.public import bp as public_bp
    from portal.school import bp as school_bp
    from portal.student import bp as student_bp
    from portal.web import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    for bp in (public_bp, auth_bp, enterprise_bp, school_bp, student_bp, admin_bp):
        app.register_blueprint(bp)
    register_domains(app)


def register_domains(app: Flask) -> None:
    """The domain packages' blueprints, one per role that uses them (each guards its role)."""
    from portal import certificates, education_groups, enterprise_reports, pathways

    for bp in (
        pathways.school_bp,
        pathways.admin_bp,
        certificates.school_bp,
        certificates.admin_bp,
        enterprise_reports.enterprise_bp,
        enterprise_reports.admin_bp,
        education_groups.school_bp,
        education_groups.admin_bp,
    ):
        app.register_blueprint(bp)
    # What a student's profile shows of them (their pages include these domains' partials).
    app.jinja_env.globals["pathways_of_student"] = pathways.pathways_of_student
    app.jinja_env.globals["certificates_of_student"] = certificates.earned_by


def _refuse_demo_accounts(app: Flask) -> None:
    """SECURITY.md item 5: demo accounts with published passwords must not reach production."""
    if app.config["ALLOW_DEMO_IN_PRODUCTION"]:
        logging.getLogger("portal.security").critical(
            "DEMO ACCOUNTS ALLOWED IN PRODUCTION (ALLOW_DEMO_IN_PRODUCTION=1): their passwords are public"
        )
        return
    from portal.models import User

    with app.app_context():
        try:
            if not inspect(db.engine).has_table("user"):
                return
            demo_user = db.session.scalar(select(User.id).where(User.is_demo.is_(True)).limit(1))
        finally:
            # No connection opened here may outlive start-up (nor be shared by forked workers).
            db.session.remove()
            db.engine.dispose()
    if demo_user is not None:
        raise ConfigError(
            "Demo accounts exist in this production database; their passwords are public. "
            "Remove them (flask remove-demo) or set ALLOW_DEMO_IN_PRODUCTION=1 for a demo server."
        )
