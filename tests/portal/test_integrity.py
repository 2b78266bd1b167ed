"""Integrity under hostile input and faults (issue 9): no 500 where a message belongs, no
markup from names, no secret in logs, no cached personal exports, seats within the agreement."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_babel import force_locale
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from portal.apprenticeships import services as apprenticeships
from portal.extensions import db
from portal.models import AllocationRun, NamedClass, User
from portal.named_classes import services as nc
from portal.platform.errors import ALREADY_EXISTS, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.web import REFUSED, attempt
from portal.programs import services as programs
from tests.apprenticeships.test_apprenticeships import choose, make_world
from tests.conftest import client_for, login
from tests.named_classes.test_named_classes import class_input, make_cooperation

HUGE_IDS = [2**31, 2**31 + 1, 2**63, 10**30]
HOSTILE = '<meta http-equiv=refresh content="0;url=//e.cn">'


# --- item 7: ids beyond what a column holds ----------------------------------------------


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_huge_ids_in_any_url_are_404_not_500(app, client, build, ident):
    build.admin()
    db.session.commit()
    assert client.get(f"/postings/{ident}").status_code == 404
    login(client, "admin@example.com")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or not (rule.methods & {"GET", "POST"}):
            continue
        values = {
            arg: ident
            for arg in rule.arguments
            if type(rule._converters[arg]).__name__ == "BoundedIntConverter"
        }
        if len(values) != len(rule.arguments):
            continue
        url = rule.rule
        for arg, value in values.items():
            url = url.replace(f"<int:{arg}>", str(value))
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 404, (url, response.status_code)
        checked += 1
    assert checked > 50


# --- item 8: digits that are not ASCII ----------------------------------------------------


@pytest.mark.parametrize("odd", ["²", "①", "٣", "１", "-1", "9" * 40])
def test_odd_numbers_in_query_strings_are_ignored(app, client, build, odd):
    build.school()
    for url in ["/postings", "/enterprises", "/schools", "/majors", "/named-classes"]:
        assert client.get(url, query_string={"page": odd}).status_code == 200, url
    assert client.get("/majors", query_string={"school": odd}).status_code == 200


@pytest.mark.parametrize("digits", ["０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩"], ids=["full-width", "arabic-indic"])
def test_digits_that_are_not_ascii_in_a_path_are_not_an_id(app, client, build, digits):
    """Issue 22.6: /majors/１２ answered as /majors/12 (the converter's \\d matches full-width digits and
    int() reads them); an id in a path is ASCII digits or nothing."""
    staff = build.school()
    program = staff.organisation.programs[0]
    programs.publish_program(program, staff)
    db.session.commit()
    odd = str.maketrans("0123456789", digits)
    for url in (f"/majors/{program.id}", f"/schools/{staff.organisation_id}"):
        assert client.get(url).status_code == 200, url
        assert client.get(url.translate(odd)).status_code == 404, url.translate(odd)


@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_an_id_beyond_the_column_is_a_404_whatever_the_method(app, client, method):
    """werkzeug judges a rule's method before its converter: /api/v1/school/majors/<huge> has a GET
    and a PUT rule, and a PUT with an id the converter refused was a 405. The bound is in the pattern."""
    for ident in (2**31, 10**21):
        response = client.open(f"/api/v1/school/majors/{ident}", method=method)
        assert response.status_code == 404, (method, ident, response.status_code)


def test_an_odd_rank_is_a_message_not_a_500(app, build):
    w = make_world(build)
    login_client = client_for(app, w.students[0])
    place = w.places[0]
    response = login_client.post(
        f"/student/apprenticeships/{w.programme.id}/choices", data={f"rank-{place.id}": "²"}
    )
    assert response.status_code < 500


# --- item 9: a unique key refusing a concurrent duplicate --------------------------------


def test_a_duplicate_caught_by_the_unique_key_says_it_already_exists(app, build):
    staff = build.school()
    email = staff.email
    with app.test_request_context("/"):
        # The service checked (no such e-mail) and meanwhile another request saved it:
        # the unique key refuses the write; the user reads a message, not a 500.
        result = attempt(
            lambda: db.session.add(User(email=email, name="二次", password_hash="x", role="school_staff"))
        )
        assert result is REFUSED
        assert str(ALREADY_EXISTS) in get_flashed_messages()
    assert db.session.scalar(select(User).where(User.email == email)).name == staff.name


def test_a_service_error_keeps_its_message_lazy_until_shown():
    error = ServiceError(_l("Only a draft can be published."))
    assert error.message is error.args[0]


# --- items 10 and 11: a rate limiter without Redis, errors that are not wrong passwords -----


def test_redis_down_login_still_works(app_factory, monkeypatch):
    from portal.extensions import limiter

    # The limiter is one object for the whole process and remembers that its storage died;
    # put that back afterwards, or a later test's app (memory storage) counts its first
    # requests in the fallback and then, when the limiter sees the storage "recovered",
    # starts again from zero.
    monkeypatch.setattr(limiter, "_storage_dead", False)
    app = app_factory(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    with app.app_context():
        from tests.conftest import Builders

        staff = Builders().school()
        client = app.test_client()
        assert login(client, staff.email, "wrong-password").status_code < 500
        assert login(client, staff.email).status_code == 302
        # Counting in this process's memory now; flask-limiter logged "falling back to in-memory
        # storage" once, when it first found Redis gone (once per process, so not asserted here).
        assert limiter._storage_dead


def test_a_failing_database_during_login_does_not_lock_the_account(app, client, build, monkeypatch):
    staff = build.school()
    from portal.accounts import views

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(views.accounts, "authenticate", broken)
    for _ in range(8):
        assert login(client, staff.email).status_code == 500
    monkeypatch.undo()
    assert login(client, staff.email).status_code == 302


def test_wrong_passwords_still_lock_the_account(app, client, build):
    staff = build.school()
    statuses = [login(client, staff.email, "wrong-password").status_code for _ in range(6)]
    assert statuses[-1] == 429 and 429 not in statuses[:5]


# --- item 12: names are text, never markup ------------------------------------------------


def test_hostile_names_are_escaped_on_every_page_that_shows_them(app, build):
    staff = build.school(name="学校" + HOSTILE)
    hr = build.enterprise(name="企业" + HOSTILE)
    other = build.school()
    outsider = build.student(other)
    cooperation = make_cooperation(staff, hr)
    named = nc.create_named_class(staff, cooperation.id, class_input(name="班" + HOSTILE), publish=True)
    db.session.commit()
    pages = {
        outsider.email: [f"/named-classes/{named.id}", "/named-classes", "/student/"],
        hr.email: ["/notifications", "/enterprise/", "/enterprise/named-classes"],
        staff.email: [f"/school/named-classes/{named.id}", "/school/"],
        None: [
            f"/named-classes/{named.id}",
            f"/enterprises/{hr.organisation_id}",
            "/schools",
            "/enterprises",
        ],
    }
    shown = 0
    for email, urls in pages.items():
        client = app.test_client()
        if email:
            login(client, email)
        for url in urls:
            response = client.get(url, follow_redirects=True)
            body = response.get_data(as_text=True)
            assert "<meta http-equiv=refresh" not in body, url
            shown += "&lt;meta http-equiv=refresh" in body
    assert shown >= 6  # the names were on the pages, escaped


def test_lazy_messages_escape_what_they_interpolate(app):
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string(
            "{{ m }}", m=_l("Only students of %(school)s can apply to this class.", school="<b>x</b>")
        )
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# --- item 13: no secret in a log line ---------------------------------------------------------


def test_failed_statements_do_not_carry_their_parameters(app, build):
    secret = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0$c2VjcmV0aGFzaA"
    with pytest.raises(Exception) as caught:
        db.session.execute(text("SELECT no_such_column FROM no_such_table WHERE x = :x"), {"x": secret})
    db.session.rollback()
    assert secret not in str(caught.value)


# --- item 15: exports with personal data -----------------------------------------------------


def test_personal_exports_are_not_stored_and_name_one_charset(app, build):
    staff = build.school()
    client = client_for(app, staff)
    for url in ["/school/export/teachers.csv", "/school/export/teachers.xlsx", "/school/export/majors.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Content-Type"].count("charset") <= 1, response.headers["Content-Type"]
    assert client.get("/school/export/teachers.csv").headers["Content-Type"] == "text/csv; charset=utf-8"


# --- item 5: seats of all classes within the agreement -----------------------------------------


def test_classes_of_one_cooperation_never_offer_more_seats_than_agreed(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = make_cooperation(staff, hr, seats=20)
    nc.create_named_class(staff, cooperation.id, class_input(name="第一期", seats=15), publish=True)
    db.session.commit()
    with pytest.raises(ServiceError) as caught:
        nc.create_named_class(staff, cooperation.id, class_input(name="第二期", seats=6), publish=True)
    db.session.rollback()
    with force_locale("en"):
        assert caught.value.field == "seats" and "at most 5" in str(caught.value.message)
    assert db.session.scalar(select(db.func.count()).select_from(NamedClass)) == 1
    nc.create_named_class(staff, cooperation.id, class_input(name="第二期", seats=5), publish=True)
    db.session.commit()
    # A draft may plan more; publishing it is what must fit.
    draft = nc.create_named_class(staff, cooperation.id, class_input(name="第三期", seats=1))
    db.session.commit()
    with pytest.raises(ServiceError):
        nc.open_named_class(staff, draft.id)
    db.session.rollback()
    assert db.session.get(NamedClass, draft.id).status == "draft"


# --- item 6: publishing an allocation before the deadline asks first --------------------------


def test_publishing_before_the_deadline_is_refused_unless_the_school_closes_applications(app, build):
    w = make_world(build)
    choose(w, w.students[0], *w.places)
    run = apprenticeships.preview(w.staff, w.programme.id, seed=1)
    db.session.commit()
    assert apprenticeships.accepts_choices(w.programme)
    client = client_for(app, w.staff)
    page = client.get(f"/school/apprenticeships/runs/{run.id}").get_data(as_text=True)
    assert 'name="close_early"' in page
    response = client.post(f"/school/apprenticeships/runs/{run.id}/publish", follow_redirects=True)
    assert "Tick" in response.get_data(as_text=True) or "勾选" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AllocationRun, run.id).status == "preview" and not w.programme.is_frozen
    client.post(f"/school/apprenticeships/runs/{run.id}/publish", data={"close_early": "1"})
    db.session.expire_all()
    assert db.session.get(AllocationRun, run.id).status == "published" and w.programme.is_frozen
