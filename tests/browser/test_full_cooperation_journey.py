"""Issue 5's journey in one run, every step through the UI: HR posts → the matcher proposes the
posting to the school → school staff propose terms → HR accepts → a cooperation → the school
publishes its named class → a student applies → the school admits → the student sees it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    fill_named_class,
    fill_order_class_posting,
    log_in,
    log_out,
    nav_go,
)
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

POSTING = "山东重工激光焊接订单班（2027级）"
MAJOR = "焊接技术应用"
COOPERATION = "山东重工激光焊接订单班合作（2027级）"
CLASS_NAME = "山东重工激光焊接冠名班（2027级）"


def test_posting_to_admission(page, today):
    # 1. HR posts an order class and publishes it; the matcher proposes it at once.
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/enterprise/postings")
    page.click("[data-testid=new-posting] a[href$='/new/order_class']")
    fill_order_class_posting(
        page,
        title=POSTING,
        description="面向焊接技术应用专业招收订单班学生，激光焊接与机器人焊接方向，毕业直接录用。",
        headcount="30",
        skills="激光焊接，机器人焊接、焊接质量检验",
        class_name=CLASS_NAME,
    )
    page.click("[data-testid=posting-form] button[type=submit]")
    row = page.locator("[data-testid=own-postings] tr", has_text=POSTING)
    row.locator("form[action$='/publish'] button").click()
    expect(row.locator("[data-state=published]")).to_be_visible()
    log_out(page)

    # 2. School staff find the posting proposed for their welding major and propose terms.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/school/proposals")
    section = page.locator(f"[data-testid=program-proposals][data-program='{MAJOR}']")
    proposal_row = section.get_by_test_id("proposal-row").filter(has_text=POSTING)
    expect(proposal_row.get_by_test_id("score")).to_have_text(re.compile(r"^\d{1,3}%$"))
    proposal_row.locator("a").click()
    page.locator("[data-testid=terms-form-box] summary").click()
    form = page.get_by_test_id("terms-form")
    form.locator("#kind").select_option("order_class")
    form.locator("#title").fill(COOPERATION)
    form.locator("#seats").fill("30")
    form.locator("#start_date").fill((today + timedelta(days=90)).isoformat())
    form.locator("#duration_months").fill("36")
    form.locator("#school_provides").fill("专业教学、班主任、实训室")
    form.locator("#enterprise_provides").fill("奖学金、企业师傅、岗位")
    form.locator("#admissions_mode").select_option("school")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("proposal")).to_have_attribute("data-status", "negotiating")
    log_out(page)

    # 3. HR accepts the terms: the cooperation exists.
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/enterprise/proposals")
    section = page.locator(f"[data-testid=posting-proposals][data-posting='{POSTING}']")
    section.get_by_test_id("proposal-row").filter(has_text=MAJOR).filter(has_text="莱芜职业中专").locator(
        "a"
    ).click()
    page.once("dialog", lambda dialog: dialog.accept())  # accepting terms asks once
    page.get_by_test_id("terms").locator("form[action$='/accept'] button").click()
    expect(page).to_have_url(re.compile(r"/enterprise/cooperations/\d+$"))
    expect(page.get_by_test_id("cooperation")).to_contain_text(COOPERATION)
    log_out(page)

    # 4. The school publishes the named class of that cooperation.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/school/named-classes")
    page.get_by_test_id("publishable-cooperations").locator("li", has_text=COOPERATION).locator("a").click()
    fill_named_class(page, today, CLASS_NAME)
    page.check("#scholarship")
    page.fill("#criteria", "焊接技术应用专业在校生。")
    page.click("#publish")
    expect(page).to_have_url(re.compile(r"/school/named-classes/\d+$"))
    class_url = page.url
    log_out(page)

    # 5. A student finds it and applies.
    log_in(page, "student@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/named-classes")
    page.get_by_test_id("named-class-card").filter(has_text=CLASS_NAME).locator("h2 a").click()
    page.fill("#statement", "我想学习激光焊接，毕业后到山东重工工作。")
    page.click("[data-testid=apply-form] button[type=submit]")
    row = page.get_by_test_id("application-row").filter(has_text=CLASS_NAME)
    expect(row.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    log_out(page)

    # 6. The school admits alone, as the agreed terms say.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto(class_url)
    page.once("dialog", lambda dialog: dialog.accept())  # admitting asks once
    page.get_by_test_id("class-application-row").filter(has_text="王小明").get_by_test_id("admit").click()
    expect(page.get_by_test_id("taken")).to_have_text("1 / 30")
    log_out(page)

    # 7. The student sees the admission.
    log_in(page, "student@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/student/applications")
    row = page.get_by_test_id("application-row").filter(has_text=CLASS_NAME)
    expect(row.get_by_test_id("application-status")).to_have_attribute("data-status", "admitted")
