"""Each role's home lists what waits, with counts and links, on a desktop and a phone (issue 13, item 3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

HOMES = [
    ("hr@xiaoqi-demo.cn", "/enterprise/", "waiting-proposals", "/enterprise/proposals"),
    ("school@xiaoqi-demo.cn", "/school/", "waiting-applicants", "/school/named-classes"),
    ("admin@xiaoqi-demo.cn", "/admin/", "waiting-postings", "/admin/postings"),
]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_homes_say_what_waits(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    for email, home, item, target in HOMES:
        log_in(page, email, DEMO_PASSWORD)
        expect(page).to_have_url(re.compile(re.escape(home) + "$"))
        expect(page.get_by_test_id("waiting")).to_be_visible()
        expect(page.get_by_test_id("waiting").locator("h2")).to_have_text("待办事项")
        count = page.get_by_test_id(f"{item}-count")
        expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
        expect(page.get_by_test_id("waiting-notifications")).to_be_visible()
        page.get_by_test_id(item).locator("a").click()
        expect(page).to_have_url(re.compile(re.escape(target)))
        page.goto(home)
        page.get_by_test_id("logout").click() if viewport["width"] > 800 else _phone_logout(page)
    # The student sees their applications with states, and their apprenticeship result.
    log_in(page, "student@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/student/$"))
    expect(page.get_by_test_id("home-application").first).to_be_visible()
    expect(page.get_by_test_id("home-programme").first).to_be_visible()
    context.close()


def _phone_logout(page):
    page.click("label.nav-toggle-label")
    page.get_by_test_id("logout").click()
