"""The road to 70 % double-qualified teachers in the browser: the school's roadmap and a teacher's
ledger (a bad evidence file refused beside its field, a practice period recorded), and the
administrators' dashboard section, in Chinese and English, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browsing, fill_in, log_in
from tests.browser.test_alignment_journey import VIEWPORTS, choose_language, laid_out
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {
        "title": "迈向 70% 双师型教师",
        "evidence": "证明材料必须是 PDF、PNG 或 JPEG 文件。",
        "saved": "企业实践已录入。",
    },
    "en": {
        "title": "The road to 70% double-qualified teachers",
        "evidence": "The evidence must be a PDF, PNG or JPEG file.",
        "saved": "The practice period has been recorded.",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_school_roadmap_ledger_and_dashboard(browser, live_server, device, lang, tmp_path):
    words = WORDS[lang]
    with browsing(browser, live_server, VIEWPORTS[device]) as page:
        page.goto("/stats")  # the language is chosen on a public page, as a visitor would, then kept
        choose_language(page, lang)
        log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
        page.goto("/school/double-qualified")
        expect(page.locator("h1")).to_contain_text(words["title"])
        # The demo school: 76 of 110 full-time teachers, one short of 70 %.
        expect(page.get_by_test_id("dq-share-value")).to_have_text("69.1%")
        expect(page.get_by_test_id("dq-needed")).to_have_text("1")
        nearest = page.get_by_test_id("dq-candidates").locator("tbody tr").first
        expect(nearest).to_have_attribute("data-key", "王海燕（演示）")
        expect(nearest.locator('[data-col="months"]')).to_have_text("5.3")
        laid_out(page)

        nearest.locator("a").first.click()
        expect(page.get_by_test_id("ledger-summary")).to_contain_text("5.3")
        page.get_by_test_id("practice-open").click()
        fill_in(
            page,
            {
                "#enterprise": "山东重工（演示）",
                "#starts_on": "2026-10-01",
                "#ends_on": "2026-10-31",
                "#description": "焊装线机器人调试，车间主任签字证明。",
            },
        )
        bad = tmp_path / "evidence.pdf"
        bad.write_bytes(b"GIF89a not a pdf")
        page.set_input_files("#evidence", str(bad))
        page.click("[data-testid=practice-form] button[type=submit]")
        expect(page.locator("#evidence-error")).to_contain_text(words["evidence"])
        good = tmp_path / "evidence-ok.pdf"
        good.write_bytes(b"%PDF-1.4 practice certificate")
        page.set_input_files("#evidence", str(good))
        page.click("[data-testid=practice-form] button[type=submit]")
        expect(page.locator(".flash-success")).to_contain_text(words["saved"])
        expect(page.get_by_test_id("ledger-summary")).to_contain_text("6.3")  # 160 + 31 days
        laid_out(page)

        page.goto("/school/double-qualified")
        wang = page.get_by_test_id("dq-candidates").locator('tr[data-key="王海燕（演示）"]')
        expect(wang.locator('[data-col="missing"]')).to_have_text("0.0")  # Art. 4's six months now
        expect(page.get_by_test_id("ledger-summary")).to_have_count(0)
        wang.get_by_test_id("certify-dq").click()  # the next step: record the certification
        expect(page).to_have_url(re.compile(r"/school/teachers/\d+/edit"))
        expect(page.locator("#dq_level")).to_be_visible()
        page.goto("/school/double-qualified")
        expect(page.get_by_test_id("dq-subject-share")).to_have_text("90.5%")  # 76 of 84 subject teachers

        log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
        page.goto("/admin/dashboard#double-qualified")
        row = page.get_by_test_id("dq-schools").locator('tr[data-key="莱芜职业中专"]')
        expect(row.locator('[data-col="share"]')).to_have_text("69.1%")
        expect(row.locator('[data-col="subject-share"]')).to_have_text("90.5%")  # 26 teach public courses
        laid_out(page)
