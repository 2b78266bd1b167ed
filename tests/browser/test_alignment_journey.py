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
    "zh": {
        "title": "专业与产业需求对接",
        "shortage": "短缺",
        "surplus": "过剩",
        "error": "请输入比值",
        "care": "公共管理与服务大类 · 中职",
        "pool": "全区统招（面向全区招生的学校） · 中职",
    },
    "en": {
        "title": "Majors against industry demand",
        "care": "Public Administration and Services · secondary",
        "pool": "District pool (schools recruiting district-wide) · secondary",
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
        expect(care.locator("th")).to_have_text(words["care"])
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.get_by_test_id("alignment-targets")).to_be_visible()
        # By town: both demo schools recruit district-wide, so their intake is the district pool's and
        # each town with demand leaves it to the pool (the rule is on the page).
        towns = page.get_by_test_id("alignment-towns")
        pool = towns.locator('tr[data-key="|中职"]')
        expect(pool.locator("th")).to_have_text(words["pool"])
        expect(pool.locator('[data-col="intake"]')).to_have_text("720")
        gaozhuang = towns.locator('tr[data-key="gaozhuang|中职"]')
        expect(gaozhuang.locator('[data-col="intake"]')).to_have_text("0")
        expect(gaozhuang.get_by_test_id("no-local-school")).to_be_visible()
        expect(page.get_by_test_id("town-rule")).to_be_visible()
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_schools_suggestions_on_the_demo_stay_on_screen_and_never_close_a_major(browser, live_server, lang):
    """At 1280 px the suggested change and intake are on screen without scrolling; no major is suggested
    to zero; the group of each reads in the page's language."""
    with browsing(browser, live_server, VIEWPORTS["desktop"]) as page:
        page.goto("/")
        choose_language(page, lang)
        log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
        page.goto("/school/alignment")
        table = page.get_by_test_id("alignment-suggestions")
        rows = table.locator("tbody tr")
        assert rows.count() >= 8
        for cell in table.locator('[data-col="suggested"]').all():
            assert int(cell.inner_text()) > 0
            box = cell.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1280
        figures = table.locator('tr[data-key="焊接技术应用"] td.small')
        expect(figures).to_contain_text("装备制造大类" if lang == "zh" else "Equipment Manufacturing")
        expect(page.get_by_test_id("recruitment-form")).to_be_visible()
        laid_out(page)
