"""Every problem of a form at once, beside its field; long texts count their characters; a
refused ranking stays as typed (issue 13 item 1), on a desktop and on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_posting_form_shows_every_problem_beside_its_field(browser, live_server, viewport, today):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/enterprise/postings/new/internship")
    counter = page.locator("#description + .counter")
    page.fill("#description", "实习" * 10)
    expect(counter).to_contain_text("20")  # a live count, no silent cut
    fill_in(
        page,
        {
            "#headcount": "0",
            "#start_date": (today + timedelta(days=90)).isoformat(),
            "#end_date": (today + timedelta(days=60)).isoformat(),
            "#deadline": (today - timedelta(days=3)).isoformat(),
        },
    )
    page.locator("main form button[type=submit]").last.click()
    for field in ("title", "headcount", "deadline", "end_date"):
        expect(page.locator(f"#{field}-error")).to_be_visible()
    expect(page.locator("#description")).to_have_value("实习" * 10)  # what was typed stays
    context.close()
