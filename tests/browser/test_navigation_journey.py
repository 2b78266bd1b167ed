"""Menus that work by keyboard and on a phone (issue 13, item 4)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_menus_by_keyboard(page, live_server):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    partners = page.get_by_test_id("menu-partners")
    link = page.locator("nav a[href='/school/exchanges']")
    expect(link).to_be_hidden()
    partners.focus()
    page.keyboard.press("Enter")
    expect(link).to_be_visible()
    # Opening another menu closes the first; Escape closes it and leaves focus on its title.
    records = page.get_by_test_id("menu-records")
    records.focus()
    page.keyboard.press("Enter")
    expect(link).to_be_hidden()
    expect(page.locator("nav a[href='/school/teachers']")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(page.locator("nav a[href='/school/teachers']")).to_be_hidden()
    expect(records).to_be_focused()
    # Tab into a menu and follow a link with Enter.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/school/majors$"))
    expect(page.locator("nav a[href='/school/majors']")).to_have_attribute("aria-current", "page")
    # The public "Majors" and the school's own majors are two different links with two names.
    expect(page.locator("nav a", has_text=re.compile(r"^专业$"))).to_have_count(1)
    expect(page.locator("nav a", has_text="本校专业")).to_have_count(1)
    # A click outside closes an open menu.
    partners.click()
    expect(link).to_be_visible()
    page.locator("main h1").click()
    expect(link).to_be_hidden()


def test_menus_on_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    expect(page.locator("nav.nav")).to_be_hidden()
    nav_go(page, "/enterprise/exchanges")
    expect(page).to_have_url(re.compile(r"/enterprise/exchanges$"))
    # Every menu title fits on the phone's screen once the menu is unfolded.
    page.click("label.nav-toggle-label")
    for summary in page.locator("nav summary").all():
        box = summary.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()
