"""HR posts a named class through the UI; anyone finds it on /postings, also on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_order_class_posting, log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CLASS_NAME = "山东重工激光焊接冠名班"


def test_hr_posts_a_named_class_and_the_public_finds_it(page, live_server):
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    nav_go(page, "/enterprise/postings")
    page.click("[data-testid=new-posting] a[href$='/new/order_class']")

    fill_order_class_posting(
        page,
        title=f"{CLASS_NAME}（2026级）",
        description="面向焊接技术应用专业，第三学年进厂，毕业直接录用。<script>alert(1)</script>",
        headcount="36",
        skills="激光焊接，机器人焊接、装配",
        class_name=CLASS_NAME,
    )
    page.check("#benefits-1")
    page.fill("#expectations", "能适应倒班")
    page.click("[data-testid=posting-form] button[type=submit]")

    expect(page).to_have_url(re.compile(r"/enterprise/postings$"))
    row = page.locator("[data-testid=own-postings] tr", has_text=CLASS_NAME)
    expect(row.locator("[data-state=draft]")).to_be_visible()
    row.locator("form[action$='/publish'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(row.locator("[data-state=published]")).to_be_visible()
    page.get_by_test_id("logout").click()

    page.goto("/postings")
    page.fill("#q", "激光焊接")
    page.select_option("#kind", "order_class")
    page.click("[data-testid=posting-search] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/postings\?q=.*kind=order_class"))
    card = page.get_by_test_id("posting-card").filter(has_text=CLASS_NAME)
    expect(card).to_have_count(1)
    card.locator("h2 a").click()
    detail = page.get_by_test_id("posting-detail")
    expect(detail).to_contain_text(CLASS_NAME)
    expect(detail).to_contain_text("山东重工")
    expect(detail).to_contain_text("<script>alert(1)</script>")  # shown as text, never run


def test_postings_page_fits_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto("/postings?q=焊接")
    expect(page.get_by_test_id("posting-card").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_test_id("posting-card").first.locator("h2 a").click()
    expect(page.get_by_test_id("posting-detail")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
