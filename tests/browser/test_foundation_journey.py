"""First journey: register an enterprise, have the administrator verify it, log in as its HR."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

NEW_CODE = "91370116MA3C8XKP44"  # valid check character, not in the demo data


def test_register_verify_login(page, browser, live_server):
    page.goto("/")
    page.click("text=注册")
    page.click("text=注册企业")
    fill_in(
        page,
        {
            "#org_name": "莱芜精工机械有限公司",
            "#credit_code": NEW_CODE,
            "#industry": "equipment",
            "#size": "medium",
            "#town": "kouzhen",
            "#address": "口镇工业园 8 号",
            "#contact_person": "周工",
            "#phone": "0531-76001234",
            "#name": "周红",
            "#email": "hr@jinggong.example.com",
            "#password": "laiwu welding 2026",
            "#confirm": "laiwu welding 2026",
        },
    )
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("org-pending")).to_be_visible()
    page.get_by_test_id("logout").click()

    # The administrator verifies, in a browser without JavaScript: the question comes as a page.
    plain = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    admin = plain.new_page()
    log_in(admin, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(admin).to_have_url(re.compile(r"/admin/$"))
    admin.goto("/admin/organisations?status=pending")
    row = admin.locator("tr", has_text="莱芜精工机械有限公司")
    row.get_by_role("button", name="通过认证").click()
    expect(admin.get_by_test_id("confirm-page")).to_contain_text("认证该单位")
    admin.get_by_test_id("confirm").click()
    expect(admin.locator(".flash-success")).to_contain_text("莱芜精工机械有限公司")
    plain.close()

    log_in(page, "hr@jinggong.example.com", "laiwu welding 2026")
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    expect(page.get_by_test_id("org-pending")).to_have_count(0)
    expect(page.locator("h2", has_text="莱芜精工机械有限公司")).to_contain_text("已认证")


def test_phone_layout_and_language_switch(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto("/")
    # On a phone the menu is folded behind the toggle.
    expect(page.locator("nav.nav")).to_be_hidden()
    page.click("label.nav-toggle-label")
    expect(page.locator("nav.nav")).to_be_visible()
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/auth/login")
    expect(page.locator("h1")).to_have_text("Log in")  # the choice is remembered
    context.close()
