"""The 2021 internship rules refuse in the browser, each beside its field with its article: a KTV
posting (Art. 16(5)), a posting with work at height (Art. 17), a first-year student (Art. 16(1)),
a 16-year-old on a post with work forbidden to minors (Art. 16(3)) and a 46-hour week (40 hours,
国务院关于职工工作时间的规定 Art. 3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, nav_go
from tests.browser.test_internship_journey import HR, STUDENT, _as, declare_post, fill_offer

pytestmark = pytest.mark.browser

TITLE = "总装车间登高检修岗位实习"


def _new_internship(page, today, title: str) -> None:
    nav_go(page, "/enterprise/postings")
    page.click("[data-testid=new-posting] a[href$='/new/internship']")
    fill_in(
        page,
        {
            "#title": title,
            "#headcount": "4",
            "#town": "gaozhuang",
            "#start_date": (today + timedelta(days=40)).isoformat(),
            "#deadline": (today + timedelta(days=30)).isoformat(),
            "#positions": "设备检修助理",
            "#months": "6",
        },
    )
    declare_post(page)


def test_forbidden_posts_first_year_minors_and_long_weeks_are_refused(page, live_server, today):
    submit = "[data-testid=posting-form] button[type=submit]"

    # A KTV: refused beside "where the intern works", with the article.
    _as(page, HR)
    _new_internship(page, today, "KTV 包厢服务员实习")
    page.select_option("#venue", "entertainment")
    page.click(submit)
    expect(page.locator("#venue-error")).to_contain_text("第十六条第五项")

    # Work at height: refused beside the high-risk answers (Art. 17), whoever the student.
    _new_internship(page, today, TITLE)
    page.uncheck("input[name=hazards][value=none]")
    page.check("input[name=hazards][value=height]")
    page.click(submit)
    hazards = page.locator(".field.has-error", has=page.locator("input[name=hazards]"))
    expect(hazards).to_contain_text("第十七条")
    expect(hazards.locator(".error")).to_contain_text("高空作业")

    # Declared without height but with work forbidden to minors: published.
    page.uncheck("input[name=hazards][value=height]")
    page.check("input[name=hazards][value=none]")
    page.select_option("#minors_forbidden", "yes")
    page.click(submit)
    row = page.locator("[data-testid=own-postings] tr", has_text=TITLE)
    row.locator("form[action$='/publish'] button").click()
    expect(row.locator("[data-state=published]")).to_be_visible()

    # A first-year student is refused on applying (the posting starts in 40 days).
    _as(page, STUDENT)
    nav_go(page, "/internships/")
    page.get_by_test_id("internship-card").filter(has_text=TITLE).get_by_test_id("apply-internship").click()
    starts = today + timedelta(days=40)
    first_year = starts.year if starts.month >= 9 else starts.year - 1
    fill_in(
        page,
        {
            "#statement": "想学设备检修。",
            "#birth_date": date(today.year - 16, today.month, 1).isoformat(),  # 16 at the start
            "#entry_year": str(first_year),
            "#sex": "m",
        },
    )
    page.click("[data-testid=apply-form] button[type=submit]")
    expect(page.locator("#entry_year-error")).to_contain_text("第十六条第一项")

    # In the second year the application goes through.
    page.fill("#entry_year", str(first_year - 1))
    page.click("[data-testid=apply-form] button[type=submit]")
    expect(page.get_by_test_id("placement-status")).to_have_text("已申请")

    # HR's offer: a 46-hour week is refused beside the hours a week; the 16-year-old is refused
    # on a post with work forbidden to minors, beside the start date.
    _as(page, HR)
    page.goto("/enterprise/internships/")
    page.get_by_test_id("placements").get_by_role("link", name=TITLE).click()
    fill_offer(page, today + timedelta(days=40), weekly="46")
    page.fill("#rest_days", "1")
    page.click("[data-testid=offer-form] button[type=submit]")
    expect(page.locator("#weekly_hours-error")).to_contain_text("40小时")
    expect(page.locator("#starts_on-error")).to_contain_text("第十六条第三项")
    expect(page.get_by_test_id("placement-status")).to_have_text("已申请")
