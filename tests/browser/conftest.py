"""Browser harness: the app on a free loopback port, driven by Debian's Chromium via Playwright.

Never a downloaded browser: Playwright launches /usr/bin/chromium through
`executable_path`. Without Chromium the tests skip, or fail under CI
(REQUIRE_ALL_BACKENDS=1).
"""

from __future__ import annotations

import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from tests.conftest import _app_for, _put_back, unavailable

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    app: object

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        unavailable("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _buffered(app):
    """Read each response body completely before werkzeug's dev server sends it.

    When the browser drops a connection (a navigation cancels a favicon load),
    werkzeug's server raises while draining the socket and never calls the
    response's close(), leaving the static file open: a ResourceWarning that
    fails the run at random. Buffering closes every file in the app's own time.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """The live server's SQLite file: one path for every test of this process, so its app can be
    lent from test to test (tests.conftest._app_for) instead of being made again (0.18 s)."""
    return tmp_path_factory.mktemp("live") / "live.db"


@pytest.fixture
def live_server(live_database, sqlite_demo_template):
    """The site with demo data and CSRF on, served from a thread on 127.0.0.1:<free port>.
    Each test gets its own copy of the demo database (journeys change it), seeded once."""
    from portal.extensions import db

    for leftover in (live_database.with_name(live_database.name + s) for s in ("-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    # A new file, not the last test's overwritten: a connection the last test's server still held
    # would otherwise write into this test's database.
    shutil.copyfile(sqlite_demo_template, live_database.with_suffix(".new"))
    live_database.with_suffix(".new").replace(live_database)
    app = _app_for(f"sqlite:///{live_database}", {"WTF_CSRF_ENABLED": True, "TESTING": False}, [])
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    # shutdown() waits for the serving loop to look at its flag: every 0.5 s by default, a quarter
    # of a second lost per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _put_back(app)


@pytest.fixture
def today():
    """The district's date, as the live site reckons it."""
    from portal.platform.checks import district_today

    return district_today()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if _unexpected(msg) else None)
    yield page
    context.close()
    # A CSP violation or a script error is a bug even when the journey passed.
    assert not errors, f"browser errors: {errors}"


@contextmanager
def browsing(browser, live_server, viewport: dict, locale: str = "zh-CN"):
    """A page in a context of its own at `viewport`; a script error on it fails the test."""
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"browser errors: {errors}"


def _unexpected(message) -> bool:
    """Console errors fail the test, except Chromium's note that a page answered 4xx:
    every refused form answers 400 on purpose."""
    if message.type != "error":
        return False
    return not re.match(r"Failed to load resource: the server responded with a status of 4\d\d", message.text)


def save_screenshot(target, path, **options) -> None:
    """Keep a picture of the page or element for people to look at. Chromium on a busy machine
    sometimes answers "Unable to capture screenshot" while it is still compositing a frame (the
    CI run of stop 40 failed on it once, with every check of the page passed): try again on the
    next frames before giving up. The picture is evidence, not an assertion."""
    from playwright.sync_api import Error

    page = getattr(target, "page", target)
    for attempt in range(3):
        try:
            target.screenshot(path=str(path), **options)
            return
        except Error as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == 2:
                raise
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def log_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    # The next step must act on the page the login leads to, not on the login page still
    # unloading: wait until the browser has left it.
    page.wait_for_url(lambda url: "/auth/login" not in url)


def nav_go(page, href: str) -> None:
    """Follow a navigation link as a person would: unfold the phone menu, open the
    task menu that holds the link, then click it."""
    link = page.locator(f"nav a[href='{href}']").first
    # Whether the menu is open is only worth asking once the page holding the link is there.
    link.wait_for(state="attached")
    toggle = page.locator("label.nav-toggle-label")
    if toggle.is_visible() and not page.locator("nav.nav").is_visible():
        toggle.click()
    menu = page.locator("nav details[data-nav-menu]", has=page.locator(f"a[href='{href}']")).first
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    link.click()


def fill_in(page, fields: dict[str, str]) -> None:
    """Fill a form as a person does, field by field in the order given: a <select> by choosing the
    option of that value, any other field by typing the value into it."""
    for selector, value in fields.items():
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def fill_named_class(page, today, name: str) -> None:
    """School staff's named-class form (open): `name`, 30 seats, applications open for 20 days."""
    fill_in(
        page,
        {
            "#name": name,
            "#seats": "30",
            "#opens_on": today.isoformat(),
            "#closes_on": (today + timedelta(days=20)).isoformat(),
        },
    )


def log_out(page) -> None:
    page.get_by_test_id("logout").click()


def fill_order_class_posting(
    page, *, title: str, description: str, headcount: str, skills: str, class_name: str
):
    """HR's new order-class posting form, filled for a welding class (the form is open)."""
    from portal.platform.checks import district_today

    today = district_today()
    page.fill("#title", title)
    page.fill("#description", description)
    page.fill("#headcount", headcount)
    page.select_option("#town", "gaozhuang")
    page.fill("#skills", skills)
    page.fill("#certificates", "特殊焊接技术")
    page.fill("#start_date", (today + timedelta(days=90)).isoformat())
    page.fill("#end_date", (today + timedelta(days=1185)).isoformat())
    page.fill("#deadline", (today + timedelta(days=40)).isoformat())
    page.fill("#major", "焊接技术应用")
    page.fill("#class_name", class_name)
    page.fill("#years", "3")
    page.check("#benefits-0")
