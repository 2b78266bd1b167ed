"""Supply against demand by major, in the browser: the public figures and the administrators' page
with its thresholds, in Chinese and in English, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browsing, log_in
from tests.browser.test_every_page import LAYOUT_PROBLEMS
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "zh": {"title": "专业与产业需求对接", "shortage": "短缺", "surplus": "过剩", "error": "请输入比值"},
    "en": {
        "title": "Majors against industry demand",
        "shortage": "Shortage",
        "surplus": "Surplus",
        "error": "Enter a ratio such as 1.2.",
    },
}


def choose_language(page, lang: str) -> None:
    if lang == "zh":
        return  # the default
    toggle = page.locator("label.nav-toggle-label")
    if toggle.is_visible() and not page.locator("nav.nav").is_visible():
        toggle.click()
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def laid_out(page) -> None:
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_public_and_admin_alignment_pages(browser, live_server, device, lang):
    words = WORDS[lang]
    with browsing(browser, live_server, VIEWPORTS[device]) as page:
        page.goto("/stats")
        choose_language(page, lang)
        page.get_by_test_id("stats-alignment").click()
        expect(page.locator("h1")).to_contain_text(words["title"])
        groups = page.get_by_test_id("alignment-groups")
        # The demo data: elderly care wants more than the schools plan to take, equipment less.
        care = groups.locator('tr[data-key="公共管理与服务大类|中职"]')
        expect(care.locator('[data-col="level"]')).to_contain_text(words["shortage"])
        expect(care.locator('[data-col="demand"]')).to_have_text("55")
        expect(groups.locator('tr[data-key="装备制造大类|中职"] [data-col="level"]')).to_contain_text(
            words["surplus"]
        )
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.get_by_test_id("alignment-targets")).to_be_visible()
        laid_out(page)

        log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
        page.goto("/admin/alignment")
        expect(page.locator("h1")).to_contain_text(words["title"])
        laid_out(page)
        # A bad threshold is refused beside its field and changes nothing.
        page.fill("#shortage_above", "abc")
        page.click("[data-testid=threshold-form] button[type=submit]")
        expect(page.locator("#shortage_above-error")).to_contain_text(words["error"])
        expect(
            page.get_by_test_id("alignment-groups").locator(
                'tr[data-key="公共管理与服务大类|中职"] [data-col="level"]'
            )
        ).to_contain_text(words["shortage"])
        # A shortage threshold above the group's ratio (1.38) makes it balanced.
        page.fill("#shortage_above", "1.5")
        page.fill("#surplus_below", "0.8")
        page.click("[data-testid=threshold-form] button[type=submit]")
        expect(page.locator(".flash-success")).to_be_visible()
        expect(
            page.get_by_test_id("alignment-groups").locator(
                'tr[data-key="公共管理与服务大类|中职"] [data-col="level"]'
            )
        ).not_to_contain_text(words["shortage"])
