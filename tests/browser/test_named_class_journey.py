"""Named class journey on the demo data: school staff publish a named class from the demo
order-class cooperation → a student applies → the enterprise approves (the demo partnership
lets it review first) → the school admits → the student sees "admitted". The public list
works on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_named_class, log_in, log_out, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CLASS_NAME = "山东重工智能制造冠名班（2027级）"
STUDENT = "student@xiaoqi-demo.cn"
STUDENT_NAME = "王小明"


def test_publish_apply_review_admit(page, live_server, today):
    # School staff publish a named class from the agreed order-class cooperation.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    nav_go(page, "/school/named-classes")
    page.get_by_test_id("publishable-cooperations").locator("a[href$='/named-class']").first.click()
    fill_named_class(page, today, CLASS_NAME)
    page.check("#scholarship")
    page.check("#guaranteed_job")
    page.fill("#criteria", "焊接技术应用专业在校生，经企业面试。")
    page.click("#publish")
    # The demo cooperation agreed on 40 seats and its 2026 class already offers 30: the form
    # says how many are left, beside the seats field, and keeps what was typed.
    expect(page.locator("#seats-error")).to_contain_text("最多只能设 10 个名额")
    expect(page.locator("#name")).to_have_value(CLASS_NAME)
    page.fill("#seats", "10")
    page.click("#publish")
    expect(page).to_have_url(re.compile(r"/school/named-classes/\d+$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("class-status")).to_have_text(re.compile("Open|开放"))
    log_out(page)

    # The student finds it on the public list and applies.
    log_in(page, STUDENT, DEMO_PASSWORD)
    nav_go(page, "/named-classes")
    page.fill("#q", "2027级")
    page.click("[data-testid=named-class-search] button[type=submit]")
    card = page.get_by_test_id("named-class-card").filter(has_text=CLASS_NAME)
    expect(card).to_have_count(1)
    card.locator("h2 a").click()
    expect(page.get_by_test_id("named-class-detail")).to_contain_text("山东重工")
    page.fill("#statement", "我想成为山东重工的焊接机器人技术员。<script>alert(1)</script>")
    page.click("[data-testid=apply-form] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/student/applications$"))
    row = page.get_by_test_id("application-row").filter(has_text=CLASS_NAME)
    expect(row.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    log_out(page)

    # The enterprise reviews first (AdmissionsMode.ENTERPRISE_REVIEW in the demo cooperation).
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/enterprise/named-classes")
    page.get_by_test_id("named-class-table").get_by_role("link", name=CLASS_NAME).click()
    applicant = page.get_by_test_id("class-application-row").filter(has_text=STUDENT_NAME)
    expect(applicant.get_by_test_id("admit")).to_have_count(0)
    applicant.get_by_test_id("review").click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_out(page)

    # The school admits.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/named-classes")
    page.get_by_test_id("named-class-table").get_by_role("link", name=CLASS_NAME).click()
    applicant = page.get_by_test_id("class-application-row").filter(has_text=STUDENT_NAME)
    expect(applicant).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    # Admitting cannot be undone: the browser asks once, saying what will happen.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    applicant.get_by_test_id("admit").click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert asked and "占用班级一个名额" in asked[0]
    expect(page.get_by_test_id("taken")).to_have_text("1 / 10")
    log_out(page)

    # The student sees the admission, in the list and as a notification.
    log_in(page, STUDENT, DEMO_PASSWORD)
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.goto("/student/applications")
    row = page.get_by_test_id("application-row").filter(has_text=CLASS_NAME)
    expect(row.get_by_test_id("application-status")).to_have_attribute("data-status", "admitted")
    expect(row.locator("form[action$='/withdraw']")).to_have_count(0)


def test_named_classes_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/named-classes?benefit=scholarship")
    card = page.get_by_test_id("named-class-card").filter(has_text="山东重工智能制造冠名班")
    expect(card).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    card.locator("h2 a").click()
    expect(page.get_by_test_id("seats-left")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
