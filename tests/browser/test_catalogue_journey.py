"""The 2021 major catalogue (issue 23): from the menu to /catalogue, filtered by level, 大类 and 类
and searched by code and fragment; a school picks a major from the grouped list, narrowed by the
filter box, and the name fills itself in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_catalogue_filter_and_search(page):
    page.goto("/majors")
    page.get_by_test_id("catalogue-link").click()
    expect(page).to_have_url(re.compile(r"/catalogue$"))
    expect(page.get_by_test_id("result-count")).to_contain_text("1102")
    page.select_option("#level", "中职")
    page.select_option("#category", "装备制造大类")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"level="))
    table = page.get_by_test_id("catalogue-table")
    expect(table).to_contain_text("660303")
    expect(table).not_to_contain_text("专科")
    page.select_option("#class", "自动化类")
    page.locator("main form button[type=submit]").click()
    expect(table.locator("tbody tr")).to_have_count(7)
    page.fill("#q", "机器人")
    page.locator("main form button[type=submit]").click()
    expect(table.locator("tbody tr").first).to_contain_text("工业机器人技术应用")
    page.goto("/catalogue?q=520101")
    expect(page.get_by_test_id("catalogue-table")).to_contain_text("520101K")
    nav_go(page, "/catalogue")
    expect(page.get_by_test_id("result-count")).to_contain_text("1102")


def test_a_school_picks_a_major_from_the_grouped_list(page):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/majors/new")
    filter_box = page.locator("input[data-catalogue-filter]")
    expect(filter_box).to_be_visible()  # shown only with JavaScript
    filter_box.fill("养老")
    # Options of a closed list are never "visible" to the browser: read what the filter set.
    expect(page.locator("#code option[value='790302']")).to_have_js_property("hidden", False)
    expect(page.locator("#code option[value='660303']")).to_have_js_property("hidden", True)
    page.select_option("#code", "790302")
    expect(page.locator("#name")).to_have_value("智慧健康养老服务")
    page.fill("#name", "护理（老年护理方向）")
    page.locator("#name").dispatch_event("change")
    expect(page.locator("#code")).to_have_value("720201")
    page.fill("#intake_capacity", "30")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("program-table")).to_contain_text("护理（老年护理方向）")
    expect(page.get_by_test_id("program-table")).to_contain_text("720201")
