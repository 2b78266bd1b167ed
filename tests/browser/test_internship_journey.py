"""Internship journey on the demo data: HR posts an internship, answering what the 2021 rules ask
about the post → a 17-year-old student applies → an offer that breaks a rule is refused beside its
field, then a fair one is sent → the student accepts and uploads their own and the guardian's
consent → the school approves, naming its supervisor → the three parties confirm the agreement,
which shows the consent and prints with every clause → the internship runs, both supervisors grade
it, it ends → the enterprise confirms the hire → the administrators' 留莱率 changes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

TITLE = "智能焊接工作站岗位实习（2027春）"
STUDENT = "student@xiaoqi-demo.cn"
STAFF = "school@xiaoqi-demo.cn"
HR = "hr@xiaoqi-demo.cn"


def _as(page, email: str) -> None:
    if page.get_by_test_id("logout").count():
        page.get_by_test_id("logout").click()
    log_in(page, email, DEMO_PASSWORD)


def _confirmed_click(page, locator) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    locator.click()
    expect(page.locator(".flash-success")).to_be_visible()


PDF = b"%PDF-1.4\n% signed consent\n%%EOF\n"


def declare_post(page, *, staff: str = "50") -> None:
    """What HR answers about an internship post for the 2021 rules (an ordinary, safe post)."""
    fill_in(
        page,
        {
            "#post_staff_count": staff,
            "#venue": "workplace",
            "#channel": "direct",
            "#intensity": "2",
        },
    )
    page.check("input[name=hazards][value=none]")
    page.select_option("#minors_forbidden", "no")
    page.select_option("#women_forbidden", "no")


def fill_offer(page, today, *, weekly: str = "40") -> None:
    ends = today + timedelta(days=170)
    fill_in(
        page,
        {
            "#starts_on": today.isoformat(),
            "#ends_on": ends.isoformat(),
            "#daily_hours": "8",
            "#weekly_hours": weekly,
            "#rest_days": "2",
            "#shift_pattern": "白班 8:00–17:00",
            "#pay_monthly": "3000",
            "#post_wage": "3600",
            "#insurance_policy": "实习责任保险 SX-2027-001",
            "#insurer": "人保财险莱芜支公司",
            "#insurance_payer": "school",
            "#cover_starts_on": today.isoformat(),
            "#cover_ends_on": ends.isoformat(),
            "#mentor_name": "高师傅",
            "#lodging_terms": "企业提供宿舍和午餐",
            "#leave_terms": "向导师和指导教师请假",
            "#accident_terms": "保险以外的合理费用由企业先行承担",
            "#assessment_terms": "导师与指导教师共同考核",
        },
    )


def _open_placement(page, area: str) -> None:
    page.goto(f"/{area}/internships/")
    page.get_by_test_id("placements").get_by_role("link", name=TITLE).click()


def _stay_rate(page) -> str:
    _as(page, "admin@xiaoqi-demo.cn")
    page.goto("/admin/dashboard")
    return page.get_by_test_id("stay-rate").inner_text()


def test_the_whole_internship_loop(page, live_server, today):
    before = _stay_rate(page)

    # HR posts and publishes an internship.
    _as(page, HR)
    nav_go(page, "/enterprise/postings")
    page.click("[data-testid=new-posting] a[href$='/new/internship']")
    fill_in(
        page,
        {
            "#title": TITLE,
            "#headcount": "4",
            "#town": "gaozhuang",
            "#deadline": (today + timedelta(days=30)).isoformat(),
            "#positions": "焊接机器人操作员",
            "#months": "6",
        },
    )
    declare_post(page)
    page.click("[data-testid=posting-form] button[type=submit]")
    row = page.locator("[data-testid=own-postings] tr", has_text=TITLE)
    row.locator("form[action$='/publish'] button").click()
    expect(row.locator("[data-state=published]")).to_be_visible()

    # The student finds it on /internships, with the rules, and applies.
    _as(page, STUDENT)
    nav_go(page, "/internships/")
    expect(page.get_by_test_id("internship-rules")).to_contain_text("16")
    card = page.get_by_test_id("internship-card").filter(has_text=TITLE)
    card.get_by_test_id("apply-internship").click()
    fill_in(
        page,
        {
            "#statement": "我想学习机器人焊接，毕业后留在莱芜。",
            "#birth_date": date(today.year - 17, today.month, 1).isoformat(),  # 17 at the start
            "#entry_year": str(today.year - 2),
            "#sex": "m",
        },
    )
    page.click("[data-testid=apply-form] button[type=submit]")
    expect(page.get_by_test_id("placement-status")).to_have_text("已申请")

    # An offer with night shifts is refused beside its field; the fair one goes out.
    _as(page, HR)
    _open_placement(page, "enterprise")
    fill_offer(page, today)
    page.check("#night_shifts")
    page.click("[data-testid=offer-form] button[type=submit]")
    expect(page.locator("#night_shifts-error")).to_contain_text("夜班")
    page.uncheck("#night_shifts")
    page.click("[data-testid=offer-form] button[type=submit]")
    expect(page.get_by_test_id("placement-status")).to_have_text("已发录用")

    # The student accepts and uploads the signed consent, their own and the guardian's (under 18).
    _as(page, STUDENT)
    _open_placement(page, "student")
    _confirmed_click(page, page.get_by_role("button", name="接受录用", exact=True))
    consent = {"name": "consent.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.set_input_files("#student_consent", files=[consent])
    page.set_input_files("#guardian_consent", files=[consent])
    page.click("[data-testid=consent-form] button[type=submit]")
    expect(page.get_by_test_id("guardian-consent-done")).to_be_visible()

    # The school names its supervisor, approves and confirms the agreement.
    _as(page, STAFF)
    _open_placement(page, "school")
    page.fill("#school_supervisor", "李老师")
    page.click("[data-testid=approve-form] button[type=submit]")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("placement-status")).to_have_text("学校已批准")
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))

    # The student and the enterprise confirm too; the agreement is signed.
    _as(page, STUDENT)
    _open_placement(page, "student")
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))
    _as(page, HR)
    _open_placement(page, "enterprise")
    _confirmed_click(page, page.get_by_role("button", name="确认协议", exact=True))
    page.get_by_test_id("agreement-link").click()
    expect(page.get_by_test_id("agreement-signed")).to_be_visible()
    agreement = page.get_by_test_id("agreement")
    expect(agreement).to_contain_text("实习责任保险 SX-2027-001")
    expect(agreement).to_contain_text("李老师")
    expect(page.get_by_test_id("guardian-consent")).to_be_visible()

    # On paper: every clause of the model text, the page's navigation left out.
    page.emulate_media(media="print")
    expect(page.get_by_test_id("clauses").locator("li")).to_have_count(14)
    for heading in ("食宿", "请假", "意外事故", "实习考核", "证件", "知情同意"):
        expect(page.get_by_test_id("clauses")).to_contain_text(heading)
    expect(page.get_by_test_id("print-agreement")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    assert page.pdf()[:4] == b"%PDF"
    page.emulate_media(media="screen")

    # The internship runs, ends, and the enterprise hires the student.
    _open_placement(page, "enterprise")
    page.get_by_role("button", name="开始实习", exact=True).click()
    expect(page.get_by_test_id("placement-status")).to_have_text("实习中")

    # The student writes the weekly log; the mentor evaluates; both see the same timeline.
    _as(page, STUDENT)
    _open_placement(page, "student")
    page.fill("#day", today.isoformat())
    page.fill("#text", "第一周：学习焊接机器人示教编程。")
    page.click("[data-testid=entry-form] button[type=submit]")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(1)
    _as(page, HR)
    _open_placement(page, "enterprise")
    page.fill("#day", today.isoformat())
    page.fill("#text", "学习认真，操作规范。")
    page.fill("#score", "5")
    page.click("[data-testid=entry-form] button[type=submit]")
    expect(page.get_by_test_id("timeline")).to_contain_text("第一周：学习焊接机器人示教编程。")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(2)
    # Both supervisors grade the internship before it ends.
    page.select_option("#grade", "good")
    page.click("[data-testid=grade-form] button[type=submit]")
    _as(page, STAFF)
    _open_placement(page, "school")
    page.select_option("#grade", "excellent")
    page.click("[data-testid=grade-form] button[type=submit]")
    expect(page.get_by_test_id("school-grade")).to_have_text("优秀")
    _as(page, HR)
    _open_placement(page, "enterprise")
    page.get_by_role("button", name="标记为已完成", exact=True).click()
    _confirmed_click(page, page.get_by_role("button", name="确认录用", exact=True))
    expect(page.get_by_test_id("placement-status")).to_have_text("已录用就业")
    page.goto("/enterprise/internships/")
    expect(page.get_by_test_id("pipeline").locator("[data-state=hired] strong")).to_have_text("2")

    # The district's 留莱率 has changed.
    after = _stay_rate(page)
    assert before != after, (before, after)
    assert re.fullmatch(r"\d+\.\d %", after)
