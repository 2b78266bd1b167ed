"""The administrator opens the dashboard, checks a figure against the demo data, enters an input, stores a
snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go, save_screenshot
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DEMO = json.loads(
    (Path(__file__).resolve().parents[2] / "seed" / "data" / "demo.json").read_text(encoding="utf-8")
)


def demo_full_time_teachers() -> int:
    secondary = {
        o["name"]
        for o in DEMO["organisations"]
        if o.get("school_kind") == "secondary_vocational" and o["status"] == "verified"
    }
    return sum(
        1
        for t in DEMO["teachers"]
        if t["school"] in secondary and t.get("employment", "full_time") == "full_time"
    )


def test_admin_reads_the_dashboard_and_enters_an_input(page, live_server):
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/admin/dashboard")
    expect(page).to_have_url(live_server("/admin/dashboard"))

    expected = demo_full_time_teachers()
    assert expected > 0
    expect(page.get_by_test_id("value-full_time_teachers")).to_have_text(str(expected))
    card = page.get_by_test_id("figure-full_time_teachers")
    expect(card).to_contain_text("230")  # the plan's target beside the figure
    expect(card.locator("svg.progress")).to_have_count(1)
    # Each chart has its figures in a table beside it.
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_test_id("progress-table")).to_contain_text(str(expected))
    expect(page.get_by_test_id("by-school")).to_contain_text("莱芜职业中专")
    expect(page.get_by_test_id("trend-table")).to_be_visible()  # the snapshot taken when the demo was loaded

    # An input without a source is refused, nothing recorded; with its source it counts.
    page.get_by_test_id("inputs-link").click()
    page.select_option("#key", "high_level_major_groups")
    page.fill("#value", "1")
    page.fill("#source", "")
    page.click("[data-testid=input-form] button[type=submit]")
    expect(page.locator("#source-error")).to_be_visible()
    expect(page.get_by_test_id("inputs-history")).not_to_contain_text("区教体局")
    page.fill("#value", "1")
    page.fill("#source", "省教育厅关于高水平专业群的通知")
    page.click("[data-testid=input-form] button[type=submit]")
    expect(page.get_by_test_id("inputs-history")).to_contain_text("省教育厅关于高水平专业群的通知")

    page.goto("/admin/dashboard")
    expect(page.get_by_test_id("value-high_level_major_groups")).to_have_text("1")
    page.locator("#trend form button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.get_by_test_id("report-link").click()
    expect(page.get_by_test_id("yearly-report")).to_contain_text("莱芜政发〔2020〕5号")
    expect(page.get_by_test_id("report-by-town")).to_be_visible()


def test_admin_finds_any_school_when_the_dashboard_shows_only_some(page, live_server):
    from portal.extensions import db
    from portal.statistics.admin_views import DASHBOARD_SCHOOLS
    from tests.statistics.test_statistics import _schools

    with live_server.app.app_context():
        _schools(DASHBOARD_SCHOOLS + 50)
        db.session.remove()
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/dashboard")
    expect(page.get_by_test_id("schools-fold")).to_contain_text(str(DASHBOARD_SCHOOLS + 52))
    expect(page.get_by_test_id("by-school").locator("tbody tr")).to_have_count(DASHBOARD_SCHOOLS)
    save_screenshot(
        page.locator("section[aria-labelledby=schools-h]"),
        Path(__file__).parent / "screens" / "admin-dashboard-folded.png",
    )

    page.get_by_test_id("schools-all").click()
    expect(page.get_by_test_id("school-count")).to_contain_text(str(DASHBOARD_SCHOOLS + 52))
    page.fill("#q", "莱芜职业")
    page.locator("main form[role=search] button").click()
    expect(page.get_by_test_id("by-school").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("by-school")).to_contain_text("莱芜职业中专")
    save_screenshot(page, Path(__file__).parent / "screens" / "admin-all-schools.png", full_page=True)

    page.goto("/admin/dashboard#double-qualified")
    page.get_by_test_id("dq-all").click()
    page.locator("a[rel=next]").click()
    expect(page.locator("a[rel=prev]")).to_be_visible()  # on page 2 of the 双师型 rows
    expect(page.get_by_test_id("dq-schools").locator("tbody tr").first).to_be_visible()
