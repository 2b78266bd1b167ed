"""The base cost of a page (issue 31): a logged-in home reads its figures in a few queries, and the
session cookie is written only when the session changed or its lifetime needs sliding."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.platform import bulk, security
from portal.platform.model_base import utcnow
from portal.rules.models import RuleSetting
from tests.conftest import client_for
from tests.platform.test_bounded_pages import counted


def test_the_enterprise_home_costs_two_queries(app, build):
    hr = build.enterprise()
    client = client_for(app, hr)
    client.get("/enterprise/")
    with counted() as count:
        page = client.get("/enterprise/")
    assert page.status_code == 200 and 'data-testid="waiting' in page.get_data(as_text=True)
    # The user with the organisation and the unread notifications (the nav and the home both show
    # them); the inbox's counts in one. The colleagues asking to join are listed only when the
    # counts say there are some (none here).
    assert count[0] <= 2, count[0]


def test_the_school_home_reads_its_counts_in_one_query(app, build):
    staff = build.school()
    client = client_for(app, staff)
    client.get("/school/")
    with counted() as count:
        assert client.get("/school/").status_code == 200
    school_home = count[0]
    hr_client = client_for(app, build.enterprise())
    with counted() as count:
        assert hr_client.get("/enterprise/").status_code == 200
    assert school_home <= count[0] + 4, (school_home, count[0])  # its own lists, not one query a count


def test_the_session_cookie_is_written_when_the_session_changes_or_to_slide_its_lifetime(
    app, build, monkeypatch
):
    hr = build.enterprise()
    client = client_for(app, hr)
    now = security.time.time()
    monkeypatch.setattr(security.time, "time", lambda: now + 60)
    client.get("/enterprise/")  # the first page's forms may keep a CSRF token in the session
    assert "Set-Cookie" not in client.get("/enterprise/").headers  # nothing changed
    later = now + security.SESSION_REFRESH_SECONDS + 1
    monkeypatch.setattr(security.time, "time", lambda: later)
    first = client.get("/enterprise/")
    assert "xq_session=" in first.headers.get("Set-Cookie", "")  # the lifetime slides
    assert "Set-Cookie" not in client.get("/enterprise/").headers
    client.get("/auth/logout")
    anonymous = client.get("/postings")
    assert "xq_session=" not in anonymous.headers.get("Set-Cookie", "")


def test_messages_follow_the_language_being_rendered_though_the_catalogue_is_kept(app):
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    from portal.platform import i18n

    with app.test_request_context("/"):
        assert i18n.gettext("Log in") == "登录" and str(i18n.lazy_gettext("Search")) == "搜索"
        with force_locale("en"):  # an e-mail in its reader's language, within a request
            assert i18n.gettext("Log in") == "Log in"
            assert render_template_string("{{ _('Search') }}") == "Search"
        assert i18n.gettext("Log in") == "登录"
        assert (
            render_template_string("{{ ngettext('%(num)d posting', '%(num)d postings', 2) }}") == "2 条需求"
        )
        refresh()  # the language chosen again
        assert i18n.gettext("Log in") == "登录"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        refresh()  # the test's app context (and `g`) outlives each request context
        assert i18n.gettext("Log in") == "Log in" and render_template_string("{{ _('Search') }}") == "Search"
    with app.app_context():
        assert i18n.gettext("Log in") in ("登录", "Log in")  # outside a request: no failure


def _postgres_only(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's (psycopg)")


def test_a_request_that_only_read_leaves_its_statements_prepared(app_factory, db_url):
    """psycopg forgets its prepared statements on a rollback: a request that wrote nothing ends with
    a commit instead (portal/platform/transactions.py), so the page's statements, sent more than
    five times, stay prepared and PostgreSQL no longer plans them on every request."""
    _postgres_only(db_url)
    app = app_factory()
    client = app.test_client()  # no app context around the requests: each ends as in production
    for _ in range(7):
        assert client.get("/named-classes").status_code == 200
    with app.app_context():
        prepared = db.session.connection().exec_driver_sql("SELECT count(*) FROM pg_prepared_statements")
        assert prepared.scalar() > 0


def _flushed() -> None:
    db.session.add(RuleSetting(key="written", value="1"))
    db.session.flush()


def _copied() -> None:  # COPY on the driver's connection: no SQLAlchemy statement event sees it
    bulk.insert_rows(
        RuleSetting.__table__, [{"key": "written", "value": "1", "note": "", "set_at": utcnow()}]
    )


def _after_a_read(write):
    def both() -> None:
        db.session.scalar(select(func.count()).select_from(RuleSetting))
        write()

    return both


@pytest.mark.fresh_app
@pytest.mark.parametrize(
    "write", [_flushed, _copied, _after_a_read(_copied)], ids=["flush", "copy", "read-copy"]
)
def test_a_request_that_wrote_and_did_not_commit_is_still_rolled_back(app_factory, db_url, write):
    _postgres_only(db_url)
    app = app_factory()

    @app.get("/test/write-and-forget")
    def write_and_forget():
        write()  # written, never committed
        return "ok"

    assert app.test_client().get("/test/write-and-forget").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RuleSetting)) == 0
