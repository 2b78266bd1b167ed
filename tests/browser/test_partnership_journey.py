"""HR sees the majors proposed for a posting and proposes terms; school staff see the proposal for
their major and accept; the cooperation then exists for both."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

POSTING = "重卡总装线岗位实习（焊接、装配、涂装）"
SCHOOL = "莱芜职业中专"
MAJOR = "焊接技术应用"
TITLE = "山东重工重卡总装线岗位实习（2026年秋）"


def test_hr_proposes_terms_school_accepts_and_both_see_the_cooperation(page, live_server, today):
    start = (today + timedelta(days=75)).isoformat()

    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    nav_go(page, "/enterprise/proposals")
    section = page.locator(f"[data-testid=posting-proposals][data-posting='{POSTING}']")
    row = section.get_by_test_id("proposal-row").filter(has_text=SCHOOL).filter(has_text=MAJOR)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("score")).to_have_text(re.compile(r"^\d{1,3}%$"))
    row.locator("a").click()

    proposal = page.get_by_test_id("proposal")
    expect(proposal).to_have_attribute("data-status", "proposed")
    reasons = proposal.get_by_test_id("reasons")
    for criterion in ("text", "skills", "industry", "capacity", "distance"):
        expect(reasons.locator(f"[data-criterion={criterion}]")).to_have_count(1)
    expect(reasons.locator("[data-criterion=distance]")).to_contain_text(
        re.compile(r"\d+\.\d")
    )  # km, either language

    page.locator("[data-testid=terms-form-box] summary").click()
    form = page.get_by_test_id("terms-form")
    form.locator("#kind").select_option("internship")
    form.locator("#title").fill(TITLE)
    form.locator("#seats").fill("30")
    form.locator("#start_date").fill(start)
    form.locator("#duration_months").fill("6")
    form.locator("#school_provides").fill("带队教师、实习前安全培训")
    form.locator("#enterprise_provides").fill("岗位、师傅、住宿和每月3200元实习补贴")
    form.locator("#admissions_mode").select_option("enterprise_review")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("proposal")).to_have_attribute("data-status", "negotiating")
    expect(page.get_by_test_id("terms")).to_contain_text(TITLE)
    page.get_by_test_id("logout").click()

    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    nav_go(page, "/school/proposals")
    section = page.locator(f"[data-testid=program-proposals][data-program='{MAJOR}']")
    row = section.get_by_test_id("proposal-row").filter(has_text=POSTING)
    expect(row.locator("[data-state=negotiating]")).to_be_visible()
    row.locator("a").click()
    terms = page.get_by_test_id("terms")
    expect(terms).to_contain_text(TITLE)
    expect(terms).to_contain_text("岗位、师傅、住宿")
    page.once("dialog", lambda dialog: dialog.accept() if "建立合作" in dialog.message else dialog.dismiss())
    terms.locator("form[action$='/accept'] button").click()

    expect(page).to_have_url(re.compile(r"/school/cooperations/\d+$"))
    cooperation = page.get_by_test_id("cooperation")
    expect(cooperation).to_contain_text(TITLE)
    expect(cooperation.get_by_test_id("partners")).to_contain_text("山东重工")
    expect(cooperation.get_by_test_id("terms-facts")).to_contain_text(start)
    nav_go(page, "/school/cooperations")
    expect(page.get_by_test_id("cooperation-row").filter(has_text=TITLE)).to_have_count(1)
    page.get_by_test_id("logout").click()

    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    nav_go(page, "/enterprise/cooperations")
    row = page.get_by_test_id("cooperation-row").filter(has_text=TITLE)
    expect(row).to_contain_text(SCHOOL)
    row.locator("a").click()
    expect(page.get_by_test_id("cooperation")).to_contain_text(MAJOR)
    # The demo cooperations are there too, from the first start.
    nav_go(page, "/enterprise/cooperations")
    expect(page.get_by_test_id("cooperation-row").filter(has_text="山东重工智能制造冠名班")).to_have_count(1)
