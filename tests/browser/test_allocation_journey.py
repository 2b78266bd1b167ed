"""Apprenticeship allocation: a student ranks places, school staff preview and then publish;
the student sees the result only after publishing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PROGRAMME = "汇金工业机器人现代学徒制 2026 秋季（演示）"
STUDENT = "student@xiaoqi-demo.cn"
STAFF = "school@xiaoqi-demo.cn"


def open_programme(page, area: str) -> None:
    nav_go(page, f"/{area}/apprenticeships")
    page.get_by_role("link", name=PROGRAMME).click()
    expect(page.locator("h1")).to_have_text(PROGRAMME)


def switch_to(page, email: str) -> None:
    page.get_by_test_id("logout").click()
    log_in(page, email, DEMO_PASSWORD)


def test_preview_then_publish_and_the_student_sees_the_result_only_after(page, live_server):
    # The student ranks both places with the plain form: the second place first.
    log_in(page, STUDENT, DEMO_PASSWORD)
    open_programme(page, "student")
    selects = page.locator("[data-testid=ranking-form] select")
    expect(selects).to_have_count(2)
    selects.nth(0).select_option("2")
    selects.nth(1).select_option("1")
    page.get_by_test_id("save-ranking").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("result-hidden")).to_be_visible()
    expect(selects.nth(1)).to_have_value("1")

    # School staff run a preview: a stable allocation, not shown to students.
    switch_to(page, STAFF)
    open_programme(page, "school")
    page.click("form[action$='/preview'] button")
    expect(page).to_have_url(re.compile(r"/school/apprenticeships/runs/\d+$"))
    expect(page.get_by_test_id("run-preview")).to_be_visible()
    expect(page.get_by_test_id("blocking-pairs")).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("blocking-pairs")).to_contain_text("通过")
    expect(page.get_by_test_id("how-decided")).to_contain_text("抽签")
    results = page.get_by_test_id("run-results")
    expect(results).to_contain_text("王小明（演示）")
    run_url = page.url

    switch_to(page, STUDENT)
    open_programme(page, "student")
    expect(page.get_by_test_id("result-hidden")).to_be_visible()
    expect(page.get_by_test_id("result-placed")).to_have_count(0)

    # School staff publish that preview; the programme is frozen.
    switch_to(page, STAFF)
    page.goto(run_url)
    # Applications are still open: publishing says so and asks the school to close them first.
    expect(page.get_by_test_id("publish-early")).to_contain_text("截止")
    page.check("input[name=close_early]")
    page.click("form[action$='/publish'] button")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("run-published")).to_be_visible()
    expect(page.locator("form[action$='/publish']")).to_have_count(0)

    # Now the student sees the result and can no longer change the ranking.
    switch_to(page, STUDENT)
    open_programme(page, "student")
    expect(page.get_by_test_id("result-hidden")).to_have_count(0)
    expect(page.locator("[data-testid=result-placed], [data-testid=result-unplaced]")).to_have_count(1)
    expect(page.get_by_test_id("ranking-form")).to_have_count(0)
    page.get_by_test_id("notifications-link").click()
    expect(page.locator("main")).to_contain_text(PROGRAMME)
