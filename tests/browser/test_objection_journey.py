"""公示 that works (issue 13, item 10): on a phone, anyone objects to the demo pilot in its
notice period, sees every problem at once and a live character counter; the administrator
answers on a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_object_then_answer(browser, live_server):
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = phone.new_page()
    page.goto("/pilots")
    page.locator("main a[href^='/pilots/']").first.click()
    form = page.get_by_test_id("objection-form")
    expect(form).to_be_visible()
    page.fill("#contact", "打电话")
    page.get_by_test_id("send-objection").click()
    # Both problems at once, each beside its field; what was typed is kept.
    expect(page.locator("#contact-error")).to_contain_text("电话号码或电子邮箱")
    expect(page.locator("#body-error")).to_be_visible()
    expect(page.locator("#contact")).to_have_value("打电话")
    page.fill("#contact", "13912345678")
    page.fill("#body", "实训岗位与专业不对口")
    expect(page.locator(".counter")).to_have_text("已输入 10 / 2000 字")
    page.get_by_test_id("send-objection").click()
    expect(page.locator(".flash-success")).to_contain_text("异议已提交")
    expect(page.get_by_test_id("objection-counts")).to_contain_text("已收到异议 1 条，已答复 0 条")
    pilot_path = re.sub(r"^https?://[^/]+", "", page.url)
    phone.close()

    desktop = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = desktop.new_page()
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page.get_by_test_id("waiting-objections-count")).to_have_text("1")
    page.goto("/admin" + pilot_path)
    objection = page.get_by_test_id("objection")
    expect(objection).to_contain_text("实训岗位与专业不对口")
    expect(objection.get_by_test_id("objection-contact")).to_have_text("13912345678")
    objection.locator("textarea").fill("经核实，岗位与专业对口，已电话答复。")
    objection.get_by_role("button", name="记录答复").click()
    expect(page.get_by_test_id("objection-answer")).to_contain_text("已电话答复")
    page.goto("/admin/")
    expect(page.get_by_test_id("waiting-objections-count")).to_have_text("0")
    desktop.close()
