"""Shared fixtures. Flask is imported lazily so tests/matching never loads it.

Every app-level test runs on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set. With REQUIRE_ALL_BACKENDS=1 (CI), a missing
PostgreSQL or browser fails the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

DEMO_PASSWORD = "laiwu-demo-2026"
PASSWORD = "correct horse battery"
REQUIRE_ALL = os.environ.get("REQUIRE_ALL_BACKENDS") == "1"


def unavailable(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    from portal.cli import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this test run's own, created beside TEST_DATABASE_URL's and dropped after.

    Several runs (developers, CI) may share one server; none sees another's tables.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        unavailable("TEST_DATABASE_URL is not set")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_run{os.getpid()}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
            # A commit waits for its WAL to reach the disk (3 ms here), thousands of times a run;
            # a test database that a crash would lose anyway need not wait. Durability is the
            # server's setting in production, untouched.
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL unreachable: {exc}")
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory):
    """The SQLite file every test of this process uses in turn (so its app can be reused)."""
    return tmp_path_factory.mktemp("sqlite") / "test.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    if request.param == "sqlite":
        path = request.getfixturevalue("sqlite_path")
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)  # each test starts without a database
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


def make_app(db_url: str, **overrides):
    from flask.testing import FlaskClient

    from portal import create_app

    class IsolatedClient(FlaskClient):
        """Each request in its own app context, as in production.

        Tests keep an app context pushed for their own database work; Flask
        would reuse it for requests, sharing `g`, Flask-Login's cached user,
        Babel's locale and the database session between visitors.
        """

        # A POST from these clients is what a browser sends once the user has agreed to
        # app.js's confirmation (`confirmed=1`, see portal/confirm.py); tests of the question
        # itself turn this off.
        confirms = True

        def open(self, *args, **kwargs):
            data = kwargs.get("data")
            if self.confirms and kwargs.get("method") == "POST" and (data is None or isinstance(data, dict)):
                kwargs["data"] = {"confirmed": "1", **(data or {})}
            with self.application.app_context():
                return super().open(*args, **kwargs)

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # The cheapest argon2id: production cost (~60 ms a login) is kept by the tests that
        # check it (tests/portal/test_accounts.py use `production_hashing`).
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        # Jobs run right after the commit that submits them, so a test sees their effect at
        # once; tests/platform/test_jobs.py runs them on threads and on RQ.
        "JOBS_BACKEND": "inline",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def _drop_everything(db) -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@contextmanager
def bare_database(db_url: str, **overrides):
    """An app (its context pushed) on `db_url` emptied of every table, Alembic's too, for a migration
    test to build the schema from the migrations; emptied again after, whatever happened."""
    from portal.extensions import db

    app = make_app(db_url, **overrides)
    with app.app_context():
        _drop_everything(db)
        try:
            yield app
        finally:
            _drop_everything(db)
            db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty SQLite database with the schema, built once; each test starts from a copy."""
    from portal.extensions import db

    path = tmp_path_factory.mktemp("schema") / "template.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template, tmp_path_factory):
    """The schema with the demo data loaded, built once: tests that start from the demo (those
    that ask for the `demo` fixture, and the browser's live server) copy it instead of loading
    the demo again (1-2 s each)."""
    import shutil

    from portal.extensions import db
    from seed.loader import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        _DEMO_FIRST_LOAD.update(load_demo())
        db.session.commit()
        db.engine.dispose()
    return path


# What load_demo() said it added when this process loaded the demo data into an empty database (the
# SQLite template, the PostgreSQL copy): the same on both, as the demo is the same.
_DEMO_FIRST_LOAD: dict[str, int] = {}


def _empty_postgres(db) -> None:
    """Every table emptied and every id sequence reset, in two statements; a schema some test
    dropped (the migration test) is created again.

    DELETE, not TRUNCATE: a test leaves a few rows in a few tables, and TRUNCATE pays for each
    of the ~35 tables whether it holds rows or not (80 ms against 2 ms, per test). Foreign-key
    triggers are off for the transaction, so the order of the deletes does not matter.
    """
    from sqlalchemy import inspect, text

    tables = db.metadata.sorted_tables
    if set(inspect(db.engine).get_table_names()) < {t.name for t in tables}:
        db.drop_all()
        db.create_all()
        return
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
        sequences = conn.scalars(
            text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")
        ).all()
        if sequences:
            conn.execute(text("SELECT " + ", ".join(f"setval('\"{s}\"', 1, false)" for s in sequences)))


_DEMO_COPY = "demo_copy"  # the schema holding this run's PostgreSQL copy of the demo data
_demo_copied: set[str] = set()  # the databases (one per test process) whose copy is current


def _demo_postgres(db, url: str) -> None:
    """The demo data in an emptied PostgreSQL database: loaded once per test process and kept
    in a schema of its own, then copied back for each later test (60 ms against 1.6 s for
    loading it again), as SQLite tests copy their demo template file."""
    from sqlalchemy import text

    from seed.loader import load_demo

    tables = [(t.name, ", ".join(f'"{c.name}"' for c in t.columns)) for t in db.metadata.sorted_tables]
    if url in _demo_copied:
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(
                text(
                    "; ".join(
                        f'INSERT INTO "{name}" ({columns}) SELECT {columns} FROM {_DEMO_COPY}."{name}"'
                        for name, columns in tables
                    )
                )
            )
            conn.execute(text(f"SELECT setval(quote_ident(name), last_value) FROM {_DEMO_COPY}._sequences"))
        return
    _DEMO_FIRST_LOAD.update(load_demo())
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {_DEMO_COPY} CASCADE; CREATE SCHEMA {_DEMO_COPY}"))
        conn.execute(
            text("; ".join(f'CREATE TABLE {_DEMO_COPY}."{name}" AS TABLE "{name}"' for name, _ in tables))
        )
        conn.execute(
            text(
                f"CREATE TABLE {_DEMO_COPY}._sequences AS SELECT sequencename AS name, last_value"
                " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
        )
    _demo_copied.add(url)


@pytest.fixture
def app_factory(db_url, request):
    """Build an app on this test's database, which starts empty with the schema.

    SQLite: a copy of the session's template file under the test's tmp_path. PostgreSQL: the
    run's own database, emptied before each test. A test that asks for `demo` starts with the
    demo data loaded (SQLite: a copy of the demo template; PostgreSQL: see _demo_postgres).
    """
    import shutil

    from portal.extensions import db

    shared = not db_url.startswith("sqlite")
    with_demo = "demo" in request.fixturenames
    if not shared:
        template = "sqlite_demo_template" if with_demo else "sqlite_template"
        shutil.copyfile(request.getfixturevalue(template), db_url.removeprefix("sqlite:///"))
    apps = []

    own = request.node.get_closest_marker("fresh_app") is not None

    def build(**overrides):
        app = make_app(db_url, **overrides) if own else _app_for(db_url, overrides, apps)
        with app.app_context():
            if not apps and shared:
                _empty_postgres(db)
                if with_demo:
                    _demo_postgres(db, db_url)
        apps.append(app)
        return app

    yield build
    # A job thread (JOBS_BACKEND=thread) may still be asking for the next job after the test saw its
    # job done: let it end before the engine goes, or its connection outlives the pool and is closed
    # only by the garbage collector, during some later test (a ResourceWarning there).
    for thread in threading.enumerate():
        if re.fullmatch(r"job-\d+", thread.name):  # jobs._start's threads, not a worker's sweeper
            thread.join(timeout=30)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _put_back(app)


# Apps made in this process, by database and overrides, lent to one test at a time: making an app
# binds its ~340 routes (werkzeug compiles two URL builders a route, most of the 0.1 s an app takes),
# so a test borrows one already made. Lent again only as it was made: its configuration is restored
# and its in-process page cache and the rate limiter's counts are emptied. An app with Redis is never
# lent twice (its cache and queue live outside the process).
_LENDABLE: dict[tuple[str, str], list] = {}
_LENT: dict[int, tuple[tuple[str, str], dict]] = {}


def _app_for(db_url: str, overrides: dict, in_this_test: list):
    from portal.extensions import limiter
    from portal.platform import cache

    key = (db_url, repr(sorted(overrides.items())))
    free = [a for a in _LENDABLE.get(key, []) if id(a) not in _LENT and a not in in_this_test]
    if free:
        app = free[0]
        cache.forget_everything(app)
        limiter.reset()  # the limiter is one object per process: its counts, in memory
    else:
        app = make_app(db_url, **overrides)
        if app.config["REDIS_URL"] or app.config["RATELIMIT_STORAGE_URI"] != "memory://":
            # The process's one limiter now counts elsewhere: the next test makes its app anew.
            _LENDABLE.clear()
        else:
            _LENDABLE.setdefault(key, []).append(app)
    _LENT[id(app)] = (key, dict(app.config))
    return app


def _put_back(app) -> None:
    _key, config = _LENT.pop(id(app), (None, None))
    if config is not None:
        app.config.clear()
        app.config.update(config)


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def demo(app) -> None:
    """The demo data, loaded before the test starts (see app_factory)."""


@pytest.fixture
def demo_first_load(demo) -> dict[str, int]:
    """The demo data loaded, and what loading it into the empty database added (load_demo's counts):
    tests of the loader start from the copy instead of loading the demo again (2-8 s each)."""
    assert _DEMO_FIRST_LOAD, "the demo was loaded in another process"
    return dict(_DEMO_FIRST_LOAD)


@pytest.fixture(scope="session")
def race_pool():
    """Worker processes that act at the same moment (tests/races.py), started once."""
    from tests import races

    yield from races.worker_pool()


@pytest.fixture
def rq_app(app_factory):
    """An app whose jobs go to a queue of its own on the local Redis (none is run until a worker is)."""
    import uuid

    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis unreachable: {exc}")
    return app_factory(
        JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/0", JOBS_QUEUE=f"test-{uuid.uuid4().hex}"
    )


@pytest.fixture
def production_hashing(app):
    """argon2id at the cost production uses, for the tests that check that cost."""
    from portal.config import ARGON2_OWASP

    app.config.update(ARGON2_OWASP)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(app_factory):
    """A client of an app with CSRF protection on, as in production."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app.test_client()


# The kind-specific part of a posting, as the service takes it (Builders.posting).
POSTING_DETAILS = {
    "order_class": {"major": "某专业", "class_name": "冠名班", "years": 3, "benefits": ["scholarship"]},
    "apprenticeship": {
        "rotation": "工学交替",
        "mentors": [{"name": "王师傅", "skills": "技能", "title": "technician"}],
    },
    "internship": {
        "positions": "岗位",
        "months": 3,
        # What HR declares about the post for the 2021 internship rules (required to publish).
        "post_staff_count": 50,
        "venue": "workplace",
        "channel": "direct",
        "intensity": "2",
        "hazards": ["none"],
        "minors_forbidden": "no",
        "women_forbidden": "no",
    },
    "part_time_teacher": {
        "experts": [{"name": "李工", "expertise": "专长", "title": "technician", "hours": 20}],
    },
    "staff_training": {"courses": "课程", "schedule": "周末", "target_groups": ["employees"]},
}


@dataclass
class Builders:
    """Create records through the services, as the site does."""

    counter: int = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def enterprise(self, *, verified: bool = True, name: str | None = None, email: str | None = None):
        from portal.accounts import services as accounts
        from portal.accounts.services import NewAccount
        from portal.extensions import db
        from portal.models import User
        from portal.organisations import services as organisations
        from portal.organisations.credit_code import complete
        from portal.organisations.services import NewEnterprise

        n = self._n()
        org = NewEnterprise(
            name=name or f"测试企业{n}",
            credit_code=complete(f"91370116MA{n:07d}"),
            industry="equipment",
            town="fengcheng",
            address="测试地址",
            contact_person="联系人",
            phone="0531-1234567",
            size="medium",
        )
        user = accounts.register_enterprise(
            NewAccount(email or f"hr{n}@example.com", f"HR {n}", PASSWORD), org
        )
        if verified:
            organisations.verify(self.admin(), user.organisation_id)
        db.session.commit()
        return db.session.get(User, user.id)

    def school(
        self, *, verified: bool = True, name: str | None = None, programs: tuple[str, ...] = ("焊接技术应用",)
    ):
        from portal.accounts import services as accounts
        from portal.accounts.services import NewAccount
        from portal.extensions import db
        from portal.models import User
        from portal.organisations import services as organisations
        from portal.organisations.services import NewSchool
        from portal.programs import services as program_service

        n = self._n()
        user = accounts.register_school(
            NewAccount(f"staff{n}@example.com", f"Staff {n}", PASSWORD),
            NewSchool(name or f"测试学校{n}", "secondary_vocational", "pengquan", "地址"),
        )
        if verified:
            organisations.verify(self.admin(), user.organisation_id)
        for name_ in programs:
            program_service.create_program(
                user.organisation, name=name_, code=None, intake_capacity=40, description=""
            )
        db.session.commit()
        return db.session.get(User, user.id)

    def student(self, school_staff, *, confirmed: bool = True):
        from portal.accounts import services as accounts
        from portal.accounts.services import NewAccount
        from portal.extensions import db
        from portal.organisations import services as organisations

        n = self._n()
        school = school_staff.organisation
        user = accounts.register_student(
            NewAccount(f"student{n}@example.com", f"Student {n}", PASSWORD), school.id, school.programs[0].id
        )
        if confirmed:
            organisations.approve_member(school_staff, user.id)
        db.session.commit()
        return user

    def one_of_each(self) -> dict:
        """A user of each area (enterprise, school, student, admin), the student at that school."""
        from portal.extensions import db

        school = self.school()
        people = {
            "enterprise": self.enterprise(),
            "school": school,
            "student": self.student(school),
            "admin": self.admin(),
        }
        db.session.commit()
        return people

    @staticmethod
    def member(colleague, email: str, name: str = "J"):
        """Someone who asked to join `colleague`'s organisation, still waiting for approval."""
        from portal.accounts import services as accounts
        from portal.accounts.services import NewAccount
        from portal.extensions import db

        user = accounts.register_member(NewAccount(email, name, PASSWORD), colleague.organisation_id)
        db.session.commit()
        return user

    def admin(self):
        from portal.accounts import services as accounts

        user, _ = accounts.create_admin("admin@example.com", "Admin", PASSWORD)
        return user

    @staticmethod
    def cooperation(
        staff,
        hr,
        *,
        kind: str = "order_class",
        title: str = "智能制造订单班合作",
        seats: int = 30,
        start_date=None,
        duration_months: int = 36,
        admissions_mode: str = "school",
        status: str = "active",
        with_program: bool = True,
        school_provides: str = "教学",
        enterprise_provides: str = "奖学金、设备",
    ):
        """An agreed cooperation between `staff`'s school and `hr`'s enterprise, made by the service
        the proposal workflow uses (tests of later workflows need not agree one first). `status`
        other than active is set afterwards, as ending or cancelling would."""
        from datetime import timedelta

        from portal.extensions import db
        from portal.partnerships import cooperations
        from portal.partnerships.services import Terms
        from portal.platform.checks import district_today

        terms = Terms(
            kind=kind,
            title=title,
            seats=seats,
            start_date=start_date or district_today() + timedelta(60),
            duration_months=duration_months,
            school_provides=school_provides,
            enterprise_provides=enterprise_provides,
            admissions_mode=admissions_mode,
        )
        program_id = (
            staff.organisation.programs[0].id if with_program and staff.organisation.programs else None
        )
        cooperation = cooperations.create(
            staff.organisation_id, hr.organisation_id, terms, program_id=program_id
        )
        cooperation.status = status
        db.session.commit()
        return cooperation

    @staticmethod
    def posting(hr, kind: str = "internship", *, publish: bool = True, today=None, **overrides):
        """A posting of `kind` by `hr`'s enterprise through the service, published unless told
        otherwise; `overrides` are PostingInput fields."""
        from datetime import timedelta

        from portal.extensions import db
        from portal.platform.checks import district_today
        from portal.postings import services as postings

        values = {
            "title": f"{kind}岗位",
            "description": "",
            "skills": "",
            "certificates": "",
            "headcount": 10,
            "town": "fengcheng",
            "deadline": (today or district_today()) + timedelta(days=30),
            "details": POSTING_DETAILS[kind],
        }
        values.update(overrides)
        posting = postings.create_posting(hr.organisation, kind, postings.PostingInput(**values), today=today)
        if publish:
            postings.publish(posting, today=today)
        db.session.commit()
        return posting

    @staticmethod
    def posting_input(posting, **changes):
        """The posting's form as its HR user finds it (a PostingInput of its own values), with
        `changes`: what saving an edit sends."""
        from dataclasses import fields

        from portal.postings import services as postings

        values = {f.name: getattr(posting, f.name) for f in fields(postings.PostingInput)}
        return postings.PostingInput(**{**values, **changes})

    @staticmethod
    def named_class(staff, cooperation_id: int, *, publish: bool = True, **overrides):
        """A named class of an order-class cooperation through the service, open for applications
        from today for 30 days unless told otherwise; `overrides` are NamedClassInput fields."""
        from datetime import timedelta

        from portal.extensions import db
        from portal.named_classes import services as named_classes
        from portal.platform.checks import district_today

        today = district_today()
        values = {
            "name": "智能制造冠名班",
            "seats": 30,
            "opens_on": today,
            "closes_on": today + timedelta(days=30),
        }
        values.update(overrides)
        named_class = named_classes.create_named_class(
            staff, cooperation_id, named_classes.NamedClassInput(**values), publish=publish
        )
        db.session.commit()
        return named_class


@pytest.fixture
def build(app) -> Builders:
    return Builders()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def refused_unchanged(action, state, *, error=None, match: str | None = None, commit: bool = True):
    """Run a service call that must be refused with `error` (ServiceError unless told), roll back as a
    view would, and assert that `state()` (what may not change) is the same; with `match`, the
    message says it in English. The refusal is returned. The work before is committed first unless
    `commit` is false."""
    from flask_babel import force_locale

    from portal.extensions import db
    from portal.platform.errors import ServiceError

    if commit:
        db.session.commit()
    before = state()
    with pytest.raises(error or ServiceError) as info:
        action()
    db.session.rollback()
    assert state() == before
    if match:
        with force_locale("en"):  # messages are compared in English, whatever is translated already
            assert match in str(info.value.message)
    return info.value


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str = PASSWORD, follow: bool = False):
    return client.post("/auth/login", data={"email": email, "password": password}, follow_redirects=follow)


def client_for(app, who, password: str = PASSWORD):
    """A client of `app` logged in as `who` (a user, or an e-mail address)."""
    client = app.test_client()
    login(client, who if isinstance(who, str) else who.email, password)
    return client


def en_client(app, who=None):
    """A client of `app` reading the site in English, logged in as `who` when given."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    if who is not None:
        login(client, who if isinstance(who, str) else who.email)
    return client


def service_takes(call) -> bool:
    """Whether a service call goes through (True) or is refused (False); either way nothing stays
    written, so the next call starts from the same state."""
    from portal.extensions import db
    from portal.platform.errors import ServiceError

    try:
        call()
        return True
    except ServiceError:
        return False
    finally:
        db.session.rollback()


def shown(client, response):
    """What the user sees after uploading: the import page again when the request refused the
    file outright (not a spreadsheet, too large), else the import job's page (jobs run inline
    in tests)."""
    if response.status_code == 302 and "/auth/jobs/" in response.location:
        return client.get(response.location)
    return response


def imported(response) -> bool:
    return response.status_code == 200 and 'data-testid="import-done"' in response.get_data(as_text=True)


def refused(response) -> bool:
    """Refused in the request (400, the message beside the file field) or by the job (its report)."""
    return response.status_code == 400 or 'data-testid="import-result"' in response.get_data(as_text=True)


def example_url(rule) -> str:
    """A URL for any rule: 1 for each id, the first choice for `any(...)` parts."""
    from werkzeug.routing import AnyConverter

    values = {}
    for arg in rule.arguments:
        converter = rule._converters.get(arg)
        values[arg] = sorted(converter.items)[0] if isinstance(converter, AnyConverter) else 1
    return rule.build(values)[1]
