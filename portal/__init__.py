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

# Every model class, before any mapper is configured: domain modules import only their own and
# their lower domains' models, and a relationship names its other side by string.
from portal import models  # noqa: F401  (the registry of every table)
from portal.config import INSTANCE_DIR, ConfigError, load_config
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.platform import i18n, transactions
from portal.platform.model_base import render_migration_item


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
    register_hooks()
    from portal import templating
    from portal.platform import assets, cache, security
    from portal.platform import error_pages as errors

    with app.app_context():
        cache.init_app(app, db.engine)

    security.init_security(app)
    assets.init_assets(app)
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
    for name in ("portal.platform.security", "flask-limiter"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers) and not app.testing:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer writes; busy_timeout waits instead of failing.
    # synchronous=NORMAL is SQLite's advice for WAL: a commit no longer waits for the disk (only
    # checkpoints do); the database stays consistent and a power cut loses at most the last
    # commits (https://www.sqlite.org/pragma.html#pragma_synchronous). PostgreSQL serves production.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
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
    transactions.end_reads_with_commit(app)
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
    i18n.install(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says why

    from portal.accounts.services import load_session_user

    login_manager.user_loader(load_session_user)
    # Session tokens, not Flask-Login's IP/UA fingerprint, decide whether a session is valid.
    login_manager.session_protection = None


def register_blueprints(app: Flask) -> None:
    """The role areas are blueprints (URL prefix, role guard, home page); each domain's views for an
    area are added to it here, by name, so reading this function tells where every page comes from."""
    from portal.accounts.views import bp as auth_bp
    from portal.admin import bp as admin_bp
    from portal.audit import admin_views as audit_admin
    from portal.enterprise import bp as enterprise_bp
    from portal.exchanges import enterprise_views as exchanges_enterprise
    from portal.exchanges import school_views as exchanges_school
    from portal.messaging import wiring as messaging
    from portal.named_classes import public_views as named_classes_public
    from portal.named_classes import student_views as named_classes_student
    from portal.notifications import views as notifications_views
    from portal.partnerships import admin_views as proposals_admin
    from portal.pilots import admin_views as pilots_admin
    from portal.pilots import enterprise_views as pilots_enterprise
    from portal.pilots import public_views as pilots_public
    from portal.pilots import school_views as pilots_school
    from portal.planning import admin_views as alignment_admin
    from portal.planning import double_qualified_views as double_qualified_school
    from portal.planning import school_views as alignment_school
    from portal.platform import job_views
    from portal.platform.web import BoundedIntConverter
    from portal.postings import admin_views as moderation_admin
    from portal.postings import enterprise_views as postings_enterprise
    from portal.postings import public_views as postings_public
    from portal.postings import sheet_views as postings_sheets
    from portal.programs import public_views as directory_public
    from portal.programs import school_sheet_views as programs_sheets
    from portal.programs import school_views as records_school
    from portal.public import bp as public_bp
    from portal.rules import admin_views as rules_admin
    from portal.school import bp as school_bp
    from portal.statistics import admin_views as dashboard_admin
    from portal.statistics import public_views as stats_public
    from portal.student import bp as student_bp
    from portal.training import views as training

    areas = {
        public_bp: (postings_public, directory_public, named_classes_public, pilots_public, stats_public),
        auth_bp: (notifications_views, job_views),
        enterprise_bp: (postings_enterprise, postings_sheets, exchanges_enterprise, pilots_enterprise),
        school_bp: (
            records_school,
            programs_sheets,
            alignment_school,
            double_qualified_school,
            exchanges_school,
            pilots_school,
        ),
        student_bp: (named_classes_student,),
        admin_bp: (
            moderation_admin,
            proposals_admin,
            alignment_admin,
            audit_admin,
            dashboard_admin,
            pilots_admin,
            rules_admin,
        ),
    }
    app.url_map.converters["int"] = BoundedIntConverter
    # Training (育训并举) nests its blueprints in the role areas, so each area's guard runs first.
    training.nest(school=school_bp, enterprise=enterprise_bp, admin=admin_bp)
    app.register_blueprint(training.public_bp)
    for area, domain_views in areas.items():
        for module in domain_views:
            module.routes.add_to(area)
        app.register_blueprint(area)
    messaging.init_app(app)  # phone sign-in, channels, the notifications' delivery hook
    register_domains(app)


def register_domains(app: Flask) -> None:
    """Pathways, certificates, the enterprise's report and education groups: a blueprint per role
    that uses them, each with its own role guard."""
    from portal.certificates import services as certificate_service
    from portal.certificates import views as certificates
    from portal.education_groups import views as education_groups
    from portal.enterprise_reports import views as enterprise_reports
    from portal.named_classes import services as named_class_service
    from portal.pathways import services as pathway_service
    from portal.pathways import views as pathways

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
    app.jinja_env.globals["pathways_of_student"] = pathway_service.pathways_of_student
    app.jinja_env.globals["certificates_of_student"] = certificate_service.earned_by
    # A cooperation's page lists the named classes made from it (partnerships never imports them).
    app.jinja_env.globals["named_classes_of_cooperation"] = named_class_service.classes_of_cooperation


def register_hooks() -> None:
    """Where one domain follows another, wired here so that imports go one way (the lower
    domain announces or runs a registered function; it never imports the higher one)."""
    from portal.accounts import services as accounts
    from portal.audit import services as audit
    from portal.exchanges import services as exchanges
    from portal.organisations import services as organisations
    from portal.partnerships import jobs as partnership_jobs
    from portal.partnerships import matching
    from portal.planning import alignment, double_qualified
    from portal.planning import jobs as planning_jobs
    from portal.platform import events, jobs
    from portal.platform.i18n import lazy_gettext as _l
    from portal.postings import services as posting_service
    from portal.postings import sheets as posting_sheets
    from portal.programs import directory
    from portal.programs import services as programs
    from portal.programs import sheets as school_sheets
    from portal.statistics.services import INPUTS

    # A registering student picks one of a school's majors.
    accounts.register_majors(programs.student_choices, programs.major_of_school)
    # A major's public page says whether the matcher knows its name.
    directory.register_matcher_knowledge(matching.has_knowledge)
    # The public search by catalogue major reads the majors planning found in each posting.
    posting_service.register_major_postings(alignment.postings_of_major)
    # The public search reads text as the matcher does (its thesaurus: 焊工 finds 焊接).
    posting_service.register_matcher_text(matching.thesaurus, matching.normalise)
    # Practice places go first to the teachers the double-qualified ledgers say need them.
    exchanges.register_practice_first(double_qualified.practice_first)
    # A posting published, edited or closed: its proposals again, and its catalogue majors.
    events.on(events.POSTING_CHANGED, matching.recompute_for_posting)
    events.on(events.POSTING_CHANGED, alignment.classify)
    # Background work, by kind.
    jobs.register_kind(
        "rank_programs", partnership_jobs.rank_programs, _l("Updating the proposals of a major")
    )
    jobs.register_kind("rank_school", partnership_jobs.rank_school, _l("Recomputing your proposals"))
    jobs.register_warm_up(matching.warm_up)  # the library, the kept model, the postings' features
    jobs.register_kind(
        "rank_all", partnership_jobs.rank_all, _l("Recomputing every proposal of the district")
    )
    jobs.register_kind(
        "classify_all",
        planning_jobs.classify_all,
        _l("Finding the majors of every posting (supply and demand)"),
    )
    jobs.register_import_check(lambda user: organisations.ensure_may_import(user.organisation))
    jobs.register_importer("postings", posting_sheets.import_postings)
    jobs.register_importer(
        "majors", lambda user, data, name: school_sheets.import_programs(user.organisation, data, name)
    )
    jobs.register_importer(
        "teachers", lambda user, data, name: school_sheets.import_teachers(user.organisation, data, name)
    )
    # The audit log names a statistics input by its label (the figures' names live with the figures).
    audit.label_param("input", lambda key: str(INPUTS[key].label) if key in INPUTS else key)


def _refuse_demo_accounts(app: Flask) -> None:
    """SECURITY.md item 5: demo accounts with published passwords must not reach production."""
    if app.config["ALLOW_DEMO_IN_PRODUCTION"]:
        logging.getLogger("portal.platform.security").critical(
            "DEMO ACCOUNTS ALLOWED IN PRODUCTION (ALLOW_DEMO_IN_PRODUCTION=1): their passwords are public"
        )
        return
    from portal.accounts.models import User

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
