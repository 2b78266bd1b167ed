"""Search finds what people type (issue 13, item 6): from the home page's search box, on a
desktop and a phone; an empty result offers the nearest searches; /stats is in the menu."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import nav_go

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_search_from_home(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_test_id("recruiting").locator("li").first).to_be_visible()
    page.fill("#home-q", "新能源")
    page.get_by_test_id("home-search").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/postings\?q="))
    expect(page.locator(".posting-card").first).to_be_visible()
    page.goto("/postings?q=焊接&kind=staff_training&town=xueye")
    expect(page.get_by_test_id("no-results")).to_be_visible()
    suggestion = page.get_by_test_id("nearest-searches").locator("a").first
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator(".posting-card").first).to_be_visible()
    nav_go(page, "/stats")
    expect(page).to_have_url(re.compile(r"/stats$"))
    context.close()
