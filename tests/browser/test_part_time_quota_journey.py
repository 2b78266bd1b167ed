"""The 20% rule as the plan writes it (莱芜政发〔2020〕5号 item 5), in the browser: a school over its
part-time quota sees the warning, and an expert exchange still goes through, with the warning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_an_expert_exchange_at_a_school_over_20_percent_goes_through_with_a_warning(page, live_server):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    nav_go(page, "/school/exchanges")
    # A staffing quota of 4 allows no part-time post (20% of 4, rounded down); 王师傅 holds one: over.
    page.fill("#staffing_quota", "4")
    page.locator("form[action$='/exchanges/quota'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("share-warning")).to_be_visible()
    expect(page.get_by_test_id("part-time-allowed")).to_have_text("0")

    experts = page.get_by_test_id("exchange-suggestions").locator(
        "form[action$='/suggestions/expert_to_school/accept']"
    )
    expect(experts.first).to_be_visible()
    experts.first.locator("button").click()
    expect(page.locator(".flash-success")).to_be_visible()  # accepted: never refused for the quota
    expect(page.locator(".flash-warning")).to_contain_text("莱芜政发〔2020〕5号")
    expect(page.locator(".flash-error")).to_have_count(0)
