"""Each role starts on its home and reaches the internship step waiting on it from the to-do link
(issue 26): the student's offer and weekly log, the school's approval, HR's new applicant."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def from_home(page, email: str, key: str) -> None:
    log_in(page, email, DEMO_PASSWORD)
    line = page.get_by_test_id(f"waiting-{key}")
    expect(line.get_by_test_id(f"waiting-{key}-count")).not_to_have_text("0")
    line.locator("a").click()
    expect(page.get_by_test_id("placements-only")).to_be_visible()
    page.get_by_test_id("placements").locator("tbody a").first.click()


def test_the_student_reaches_the_offer_to_answer(page):
    from_home(page, "student@xiaoqi-demo.cn", "internship_offers")
    expect(page.get_by_test_id("offer-terms")).to_be_visible()
    expect(page.get_by_role("button", name="接受录用")).to_be_visible()


def test_the_student_reaches_this_weeks_log(page):
    from_home(page, "student.zhou@xiaoqi-demo.cn", "internship_logs")
    expect(page.get_by_test_id("entry-form")).to_be_visible()


def test_the_school_reaches_the_accepted_offer_to_approve(page):
    from_home(page, "school@xiaoqi-demo.cn", "internship_approvals")
    expect(page.get_by_test_id("approve-form")).to_be_visible()


def test_hr_reaches_the_new_applicant(page):
    from_home(page, "hr@xiaoqi-demo.cn", "internship_applicants")
    expect(page.get_by_role("button", name="列入候选")).to_be_visible()
