"""The SECURITY.md checklist items of the foundation, each as a test."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.config import ConfigError
from portal.extensions import db
from portal.models import Organisation, OrgStatus, Program, User
from portal.platform.security import is_safe_next
from tests.conftest import PASSWORD, Builders, client_for, csrf_token, example_url, login, make_app
from tests.portal.test_accounts import school_form

ROLE_AREAS = ("enterprise", "school", "student", "admin")


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("xq_session")
    return cookie.value if cookie else None


# 7. cookie flags ---------------------------------------------------------------------


def test_session_cookie_flags(client, build):
    hr = build.enterprise()
    response = login(client, hr.email)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Expires=" in set_cookie  # a logged-in session has a lifetime, not "until the browser closes"
    assert "Secure" not in set_cookie  # development over http


def test_production_cookies_are_secure(app, db_url, monkeypatch):
    # `app` empties the test's database first: production refuses to start on one that an earlier
    # test of this process left holding the demo accounts.
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = make_app(db_url, ENV="production", SECRET_KEY="k" * 32, TESTING=False)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["MAX_CONTENT_LENGTH"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" in response.headers
    with app.app_context():
        db.engine.dispose()


# Production refuses to start without its secret, or with demo accounts ---------------


def test_production_requires_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    from portal import create_app

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_demo_accounts(app, db_url, monkeypatch):
    app.test_cli_runner().invoke(args=["seed"])
    monkeypatch.setenv("DATABASE_URL", db_url)
    with pytest.raises(ConfigError, match="Demo accounts"):
        make_app(db_url, ENV="production", SECRET_KEY="k" * 32)
    # An explicit demo server may run them, with a loud warning.
    make_app(db_url, ENV="production", SECRET_KEY="k" * 32, ALLOW_DEMO_IN_PRODUCTION=True)


# 8, 9, 10. sessions --------------------------------------------------------------------


def test_new_session_at_login(client, build):
    hr = build.enterprise()
    client.get("/auth/login")
    client.post("/lang", data={"lang": "zh"})  # give the anonymous visitor a session
    before = session_cookie(client)
    login(client, hr.email)
    after = session_cookie(client)
    assert after and after != before


def test_logout_kills_a_copied_cookie(client, app, build):
    hr = build.enterprise()
    login(client, hr.email)
    stolen = session_cookie(client)
    assert client.get("/enterprise/").status_code == 200
    client.post("/auth/logout")
    replay = app.test_client()
    replay.set_cookie("xq_session", stolen)
    response = replay.get("/enterprise/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_disabled_user_loses_every_session(client, app, build):
    hr = build.enterprise()
    admin = build.admin()
    db.session.commit()
    login(client, hr.email)
    admin_client = client_for(app, admin)
    assert admin_client.post(f"/admin/users/{hr.id}/disable").status_code == 302
    response = client.get("/enterprise/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert login(client, hr.email).status_code == 400  # and cannot log in again


def test_password_change_ends_other_sessions(app, build):
    hr = build.enterprise()
    first, second = app.test_client(), app.test_client()
    login(first, hr.email)
    login(second, hr.email)
    first.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "password": "another long secret",
            "confirm": "another long secret",
        },
    )
    assert first.get("/enterprise/").status_code == 200
    assert second.get("/enterprise/").status_code == 302


# 4, 25. throttling ------------------------------------------------------------------------


def test_login_throttled_per_account_even_with_right_password(app, build):
    hr = build.enterprise()
    attacker = app.test_client()
    for _ in range(5):
        assert login(attacker, hr.email, "wrong password!").status_code == 400
    assert login(attacker, hr.email).status_code == 429
    # The account is protected from other addresses too.
    other = app.test_client()
    response = other.post(
        "/auth/login",
        data={"email": hr.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 429
    assert "尝试次数过多" in response.get_data(as_text=True)


def test_login_throttled_per_address(app_factory, build):
    app = app_factory(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    with app.app_context():
        for i in range(3):
            login(client, f"nobody{i}@example.com", "wrong password!")
        assert login(client, "someone-else@example.com", "wrong password!").status_code == 429


def test_successful_logins_do_not_count(app, build):
    hr = build.enterprise()
    client = app.test_client()
    for _ in range(8):
        assert login(client, hr.email).status_code == 302
        client.post("/auth/logout")


def test_registration_burst_throttled(app_factory):
    app = app_factory(REGISTER_LIMIT="3 per hour")
    client = app.test_client()
    with app.app_context():
        statuses = [client.post("/auth/register/school", data={"org_name": ""}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


# 11. role x route matrix --------------------------------------------------------------------


def _area_routes(app, area):
    for rule in app.url_map.iter_rules():
        # A moved address (redirect_to) answers before any guard by pointing at its new,
        # guarded address; it is not a page of its own.
        # A domain's blueprint for a role is named after it ("school_pathways", issue 29).
        in_area = rule.endpoint.startswith((area + ".", area + "_"))
        if in_area and "GET" in rule.methods and not rule.redirect_to:
            yield rule, example_url(rule)


@pytest.fixture
def people(build):
    return build.one_of_each()


def test_role_route_matrix(app, people):
    db.session.commit()
    anonymous = app.test_client()
    for area in ROLE_AREAS:
        for rule, url in _area_routes(app, area):
            response = anonymous.get(url)
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    for role, user in people.items():
        client = client_for(app, user)
        for area in ROLE_AREAS:
            for rule, url in _area_routes(app, area):
                status = client.get(url).status_code
                if area == role:
                    assert status in (200, 404), (role, url, status)  # 404: id 1 is not theirs
                    if not rule.arguments:
                        assert status == 200, (role, url)
                else:
                    assert status == 403, (role, url, status)


# 12. object-level access ------------------------------------------------------------------


def test_foreign_member_approval_is_404(app, build):
    hr_a = build.enterprise()
    hr_b = build.enterprise()

    joiner = Builders.member(hr_a, "join@example.com")
    db.session.commit()
    client = client_for(app, hr_b)
    assert client.post(f"/enterprise/members/{joiner.id}/approve").status_code == 404
    assert client.post(f"/enterprise/members/{joiner.id}/reject", data={"reason": "x"}).status_code == 404
    db.session.refresh(joiner)
    assert joiner.membership_status == "pending"
    assert joiner.email not in client.get("/enterprise/members").get_data(as_text=True)


def test_foreign_program_publish_is_404(app, build):
    staff_a = build.school()
    staff_b = build.school()
    program = staff_a.organisation.programs[0]
    client = client_for(app, staff_b)
    assert client.post(f"/school/majors/{program.id}/publish").status_code == 404
    db.session.refresh(program)
    assert program.status == "draft"
    assert (
        program.name not in client.get("/school/majors").get_data(as_text=True)
        or staff_b.organisation.programs[0].name == program.name
    )


def test_enterprise_cannot_confirm_students(app, build):
    hr = build.enterprise()
    student = build.student(build.school(), confirmed=False)
    client = client_for(app, hr)
    assert client.post(f"/enterprise/members/{student.id}/approve").status_code == 404
    db.session.refresh(student)
    assert student.membership_status == "pending"


# 15. workflow order -------------------------------------------------------------------------


def test_cannot_decide_twice_or_reject_verified(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False)
    db.session.commit()
    client = client_for(app, admin)
    org_id = hr.organisation_id
    assert client.post(f"/admin/organisations/{org_id}/verify").status_code == 302
    again = client.post(f"/admin/organisations/{org_id}/verify")
    assert again.status_code == 400 and "该单位已通过认证" in again.get_data(as_text=True)
    reject = client.post(f"/admin/organisations/{org_id}/reject", data={"reason": "late"})
    assert reject.status_code == 400
    assert db.session.get(Organisation, org_id).status == OrgStatus.VERIFIED.value


def test_a_decision_on_a_stale_page_is_refused(app, build):
    """Issue 22.4: two administrators open the same pending organisation; one rejects it; the other's
    verify, made on a page that still shows it pending, is refused, and the rejection stands."""
    first, (second, _) = build.admin(), accounts.create_admin("admin2@example.com", "Admin 2", PASSWORD)
    hr = build.enterprise(verified=False)
    db.session.commit()
    org_id = hr.organisation_id
    page = client_for(app, second).get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    assert 'name="seen" value="pending"' in page  # the state the buttons were shown for
    rejected = client_for(app, first).post(
        f"/admin/organisations/{org_id}/reject", data={"reason": "执照模糊", "seen": "pending"}
    )
    assert rejected.status_code == 302
    late = client_for(app, second).post(f"/admin/organisations/{org_id}/verify", data={"seen": "pending"})
    assert late.status_code == 400 and "刚刚有人修改了" in late.get_data(as_text=True)
    db.session.expire_all()
    org = db.session.get(Organisation, org_id)
    assert org.status == OrgStatus.REJECTED.value and org.verified_by_id is None
    # Verifying a rejected organisation stays possible from a page that shows it rejected.
    again = client_for(app, second).post(f"/admin/organisations/{org_id}/verify", data={"seen": "rejected"})
    assert again.status_code == 302


def test_admin_cannot_disable_self(app, build):
    admin = build.admin()
    db.session.commit()
    client = client_for(app, admin)
    assert client.post(f"/admin/users/{admin.id}/disable").status_code == 400
    assert not db.session.get(User, admin.id).disabled


# 16. CSRF ------------------------------------------------------------------------------------


def test_post_without_csrf_token_refused(csrf_client):
    response = csrf_client.post(
        "/auth/register/school",
        data=school_form(),
    )
    assert response.status_code == 400
    assert "表单已失效" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_post_with_csrf_token_accepted(csrf_client):
    token = csrf_token(csrf_client.get("/auth/register/school").get_data(as_text=True))
    response = csrf_client.post(
        "/auth/register/school",
        data=school_form(csrf_token=token),
    )
    assert response.status_code == 302


def test_logout_and_language_need_csrf(csrf_client):
    assert csrf_client.post("/lang", data={"lang": "en"}).status_code == 400
    assert csrf_client.get("/auth/logout").status_code == 405


# 17. GET never changes state ---------------------------------------------------------------


def _snapshot():
    rows = []
    for table in db.metadata.sorted_tables:
        rows.append((table.name, sorted(map(repr, db.session.execute(table.select()).all()))))
    return rows


def test_get_requests_change_nothing(app, people):
    db.session.commit()
    before = _snapshot()
    clients = {"anonymous": app.test_client()}
    for role, user in people.items():
        clients[role] = app.test_client()
        login(clients[role], user.email)
    before_after_login = _snapshot()  # logging in records last_login_at: that is a POST
    for client in clients.values():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            client.get(example_url(rule))
            db.session.expire_all()
    assert _snapshot() == before_after_login
    assert len(before) == len(before_after_login)


# 18. output encoding --------------------------------------------------------------------------


def test_script_in_names_is_escaped(app, build):
    admin = build.admin()
    db.session.commit()
    client = app.test_client()
    client.post(
        "/auth/register/school",
        data=school_form(
            org_name="<script>alert(1)</script>学校", address="<img src=x onerror=alert(2)>", name="<b>n</b>"
        ),
    )
    client.post("/auth/logout")
    login(client, admin.email)
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;学校" in page
    assert "<script>alert(1)" not in page


FUZZ = [
    "",
    " ",
    "'",
    '"; DROP TABLE user; --',
    "%00",
    "\x00",
    "😀" * 300,
    "9" * 400,
    "-1",
    "1e309",
    "<svg onload=alert(1)>",
    "../../etc/passwd",
    "{{7*7}}",
]


def test_fuzzed_forms_never_500(app, build):
    staff = build.school()
    logged_in = client_for(app, staff)
    anonymous = app.test_client()
    targets = [
        (anonymous, "/auth/login", ["email", "password"]),
        (
            anonymous,
            "/auth/register/enterprise",
            ["org_name", "credit_code", "industry", "town", "phone", "email", "password"],
        ),
        (anonymous, "/auth/register/student", ["school", "program", "email", "password"]),
        (anonymous, "/auth/register/join", ["organisation", "email"]),
        (logged_in, "/school/majors/new", ["name", "code", "intake_capacity", "description"]),
        (logged_in, "/school/members/1/reject", ["reason"]),
        (logged_in, "/auth/password", ["current_password", "password", "confirm"]),
    ]
    for client, url, fields in targets:
        for value in FUZZ:
            response = client.post(url, data={f: value for f in fields})
            assert response.status_code < 500, (url, value)


# 19. safe redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target,safe",
    [
        ("/school/", True),
        ("/postings?q=焊接", True),
        ("//evil.example", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
        ("/ok\n//evil", False),
    ],
)
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_login_ignores_offsite_next(client, build):
    hr = build.enterprise()
    response = client.post(
        "/auth/login?next=//evil.example/x", data={"email": hr.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/enterprise/")
    client.post("/auth/logout")
    response = client.post(
        "/auth/login?next=/enterprise/members", data={"email": hr.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/enterprise/members")


# 20. headers ------------------------------------------------------------------------------------


def test_security_headers_and_nonce_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.get_data(as_text=True)
    assert f'nonce="{nonce}"' in html
    # Every script is an external file with the nonce; no inline script, no inline handlers.
    assert html.count("<script") == html.count(f'nonce="{nonce}"')
    assert "<script>" not in html and " onclick=" not in html and "style=" not in html
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # development
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a fresh nonce per response


# 22. errors ---------------------------------------------------------------------------------------


@pytest.mark.fresh_app
def test_unexpected_error_shows_friendly_page(app_factory):
    app = app_factory(TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in body and "Traceback" not in body and "secret internals" not in body


@pytest.mark.parametrize("lang,text", [("zh", "页面不存在"), ("en", "Page not found")])
def test_404_in_both_languages(client, lang, text):
    client.set_cookie("lang", lang)
    response = client.get("/no/such/page")
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_403_in_both_languages(client, build):
    hr = build.enterprise()
    login(client, hr.email)
    assert "无权访问" in client.get("/admin/").get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    response = client.get("/admin/")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)


def test_oversized_upload_413(client):
    response = client.post(
        "/auth/login", data="x" * (7 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413


# 23. security log -----------------------------------------------------------------------------------


def test_failed_login_and_refused_access_logged_without_secrets(client, build, caplog):
    hr = build.enterprise()
    with caplog.at_level(logging.INFO, logger="portal.platform.security"):
        login(client, hr.email, "my-secret-guess")
        login(client, hr.email)
        client.get("/admin/")
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.platform.security"]
    assert any("login failed" in m and hr.email in m for m in messages)
    assert any("access refused" in m and "/admin/" in m for m in messages)
    assert not any("my-secret-guess" in m or PASSWORD in m for m in messages)


# Pending organisations keep drafts but publish nothing -----------------------------------------------


def test_pending_school_cannot_publish(app, build):
    staff = build.school(verified=False)
    program = staff.organisation.programs[0]
    client = client_for(app, staff)
    response = client.post(f"/school/majors/{program.id}/publish")
    assert response.status_code == 400
    assert "尚未通过认证" in response.get_data(as_text=True)
    db.session.refresh(program)
    assert program.status == "draft"
    assert (
        db.session.scalar(select(func.count()).select_from(Program).where(Program.status == "published")) == 0
    )


def test_oversized_upload_413_when_logged_in(client, build):
    # The error page must render without re-reading the refused body.
    staff = build.school()
    login(client, staff.email)
    response = client.post(
        "/school/majors/new", data="x" * (7 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)
