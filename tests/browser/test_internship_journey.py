"""Internship journey on the demo data: HR posts an internship → a student applies → an offer that
breaks a rule is refused beside its field, then a fair one is sent → the student accepts → the
school approves → the three parties confirm the agreement → the internship runs and ends → the
enterprise confirms the hire → the administrators' 留莱率 changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

TITLE = "智能焊接工作站岗位实习（2027春）"
STUDENT = "student@xiaoqi-demo.cn"
STAFF = "school@xiaoqi-demo.cn"
HR = "hr@xiaoqi-demo.cn"


def _as(page, email: str) -> None:
    if page.get_by_test_id("logout").count():
        page.get_by_test_id("logout").click()
    log_in(page, email, DEMO_PASSWORD)


def _confirmed_click(page, locator) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    locator.click()
    expect(page.locator(".flash-success")).to_be_visible()


def _open_placement(page, area: str) -> None:
    page.goto(f"/{area}/internships/")
    page.get_by_test_id("placements").get_by_role("link", name=TITLE).click()


def _stay_rate(page) -> str:
    _as(page, "admin@xiaoqi-demo.cn")
    page.goto("/admin/dashboard")
    return page.get_by_test_id("stay-rate").inner_text()


def test_the_whole_internship_loop(page, live_server):
    from portal.services.checks import district_today

    today = district_today()
    before = _stay_rate(page)

    # HR posts and publishes an internship.
    _as(page, HR)
    nav_go(page, "/enterprise/postings")
    page.click("[data-testid=new-posting] a[href$='/new/internship']")
    page.fill("#title", TITLE)
    page.fill("#headcount", "4")
    page.select_option("#town", "gaozhuang")
    page.fill("#deadline", (today + timedelta(days=30)).isoformat())
    page.fill("#positions", "焊接机器人操作员")
    page.fill("#months", "6")
    page.click("[data-testid=posting-form] button[type=submit]")
    row = page.locator("[data-testid=own-postings] tr", has_text=TITLE)
    row.locator("form[action$='/publish'] button").click()
    expect(row.locator("[data-state=published]")).to_be_visible()

    # The student finds it on /internships, with the rules, and applies.
    _as(page, STUDENT)
    nav_go(page, "/internships/")
    expect(page.get_by_test_id("internship-rules")).to_contain_text("16")
    card = page.get_by_test_id("internship-card").filter(has_text=TITLE)
    card.get_by_test_id("apply-internship").click()
    page.fill("#statement", "我想学习机器人焊接，毕业后留在莱芜。")
    page.fill("#birth_date", "2008-05-01")
    page.click("[data-testid=apply-form] button[type=submit]")
    expect(page.get_by_test_id("placement-status")).to_have_text("已申请")

    # An offer with night shifts is refused beside its field; the fair one goes out.
    _as(page, HR)
    _open_placement(page, "enterprise")
    page.fill("#starts_on", today.isoformat())
    page.fill("#ends_on", (today + timedelta(days=220)).isoformat())
    page.fill("#daily_hours", "8")
    page.fill("#shift_pattern", "白班 8:00–17:00")
    page.check("#night_shifts")
    page.fill("#pay_monthly", "3000")
    page.fill("#post_wage", "3600")
    page.fill("#insurance_policy", "实习责任保险 SX-2027-001")
    page.fill("#mentor_name", "高师傅")
    page.fill("#staff_count", "3000")
    page.fill("#post_staff_count", "50")
    page.click("[data-testid=offer-form] button[type=submit]")
    expect(page.locator("#night_shifts-error")).to_contain_text("夜班")
    page.uncheck("#night_shifts")
    page.click("[data-testid=offer-form] button[type=submit]")
    expect(page.get_by_test_id("placement-status")).to_have_text("已发录用")

    # The student accepts; the school approves and confirms the agreement.
    _as(page, STUDENT)
    _open_placement(page, "student")
    _confirmed_click(page, page.get_by_role("button", name="接受录用", exact=True))
    _as(page, STAFF)
    _open_placement(page, "school")
    _confirmed_click(page, page.get_by_role("button", name="批准", exact=True))
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))

    # The student and the enterprise confirm too; the agreement is signed.
    _as(page, STUDENT)
    _open_placement(page, "student")
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))
    _as(page, HR)
    _open_placement(page, "enterprise")
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))
    page.get_by_test_id("agreement-link").click()
    expect(page.get_by_test_id("agreement-signed")).to_be_visible()
    expect(page.get_by_test_id("agreement")).to_contain_text("实习责任保险 SX-2027-001")

    # The internship runs, ends, and the enterprise hires the student.
    _open_placement(page, "enterprise")
    page.get_by_role("button", name="开始实习", exact=True).click()
    expect(page.get_by_test_id("placement-status")).to_have_text("实习中")

    # The student writes the weekly log; the mentor evaluates; both see the same timeline.
    _as(page, STUDENT)
    _open_placement(page, "student")
    page.fill("#day", today.isoformat())
    page.fill("#text", "第一周：学习焊接机器人示教编程。")
    page.click("[data-testid=entry-form] button[type=submit]")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(1)
    _as(page, HR)
    _open_placement(page, "enterprise")
    page.fill("#day", today.isoformat())
    page.fill("#text", "学习认真，操作规范。")
    page.fill("#score", "5")
    page.click("[data-testid=entry-form] button[type=submit]")
    expect(page.get_by_test_id("timeline")).to_contain_text("第一周：学习焊接机器人示教编程。")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(2)
    page.get_by_role("button", name="标记为已完成", exact=True).click()
    _confirmed_click(page, page.get_by_role("button", name="确认录用", exact=True))
    expect(page.get_by_test_id("placement-status")).to_have_text("已录用就业")
    page.goto("/enterprise/internships/")
    expect(page.get_by_test_id("pipeline").locator("[data-state=hired] strong")).to_have_text("2")

    # The district's 留莱率 has changed.
    after = _stay_rate(page)
    assert before != after, (before, after)
    assert re.fullmatch(r"\d+\.\d %", after)
