"""One round of errors (issue 26): each form named in the issue, submitted with every field wrong
at once, shows every problem on the first answer, each beside its field; a postings spreadsheet
reports every problem of every row on the first upload."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def submit(page) -> None:
    page.locator("main form:has(#csrf_token) button[type=submit]").last.click()


def every_error(page, fields) -> None:
    for field in fields:
        expect(page.locator(f"#{field}-error")).to_be_visible()


def test_enterprise_registration(page):
    page.goto("/auth/register/enterprise")
    fill_in(
        page,
        {
            "#credit_code": "91350100M000100Y44",  # 18 characters, wrong check character
            "#email": "hr@xiaoqi-demo.cn",  # taken
            "#password": "short",
            "#confirm": "other",
        },
    )
    submit(page)
    every_error(page, ("org_name", "credit_code", "address", "contact_person", "name", "email", "password"))
    expect(page.locator("#credit_code-error")).to_contain_text("统一社会信用代码")


def _proposal_id(app) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Proposal, User

    with app.app_context():
        hr = db.session.scalar(select(User).where(User.email == "hr@xiaoqi-demo.cn"))
        found = db.session.scalar(
            select(Proposal.id)
            .where(
                Proposal.enterprise_id == hr.organisation_id, Proposal.status.in_(("proposed", "interested"))
            )
            .order_by(Proposal.id)
        )
        db.session.remove()
    return found


def test_proposal_terms(page, live_server):
    from portal.platform.checks import district_today

    proposal_id = _proposal_id(live_server.app)
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto(f"/enterprise/proposals/{proposal_id}")
    box = page.get_by_test_id("terms-form-box")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    fill_in(
        page,
        {
            "#title": "",
            "#seats": "0",
            "#start_date": (district_today() + timedelta(days=366 * 6)).isoformat(),
            "#duration_months": "",
        },
    )
    box.locator("button[type=submit]").click()
    every_error(page, ("title", "seats", "start_date", "duration_months"))


def test_named_class_publishing(page):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/named-classes")
    page.get_by_test_id("publishable-cooperations").locator("a[href$='/named-class']").first.click()
    page.fill("#name", "")
    page.fill("#seats", "100000")
    page.fill("#closes_on", "")
    if page.locator("#free_choice").is_checked():
        page.locator("#free_choice").uncheck()
    page.locator("main form [name=publish]").click()
    every_error(page, ("name", "seats", "closes_on", "free_choice"))


def test_new_major(page):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/majors/new")
    page.fill("#name", "火箭发射技术")  # not a catalogue major: a service rule
    page.fill("#intake_capacity", "")
    page.fill("#enrolment", "-3")
    submit(page)
    every_error(page, ("name", "intake_capacity", "enrolment"))
    expect(page.locator("#name")).to_have_attribute("aria-describedby", "name-hint name-error")


def test_dashboard_inputs(page):
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/dashboard/inputs")
    page.fill("#year", "1999")
    page.fill("#value", "")
    page.fill("#source", "")
    submit(page)
    every_error(page, ("year", "value", "source"))


def test_alignment_thresholds(page):
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/alignment")
    page.fill("#shortage_above", "")
    page.fill("#surplus_below", "1.5")
    page.locator("form:has(#surplus_below) button[type=submit]").click()
    every_error(page, ("shortage_above", "surplus_below"))


HEADER = [
    "类型",
    "标题",
    "人数",
    "镇街",
    "报名截止日期",
    "所需专业",
    "培养年限",
    "每月补贴",
    "工学交替安排",
    "企业师傅",
]


def test_postings_import_reports_every_problem_of_every_row_on_the_first_upload(page):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["现代学徒制", "焊工学徒", "很多", "高庄街道", "明天", "", 3, -5, "", "王师傅"])
    sheet.append(["订单班", "", 10, "高庄街道", "2099-01-01", "焊接技术应用", 99, "", "", ""])
    out = io.BytesIO()
    book.save(out)
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/enterprise/postings/import")
    page.set_input_files(
        "#file",
        files=[{"name": "岗位.xlsx", "buffer": out.getvalue(), "mimeType": "application/octet-stream"}],
    )
    page.locator("main form button[type=submit]").click()
    report = page.get_by_test_id("import-result")
    expect(report).to_be_visible()
    lines = report.locator("li")
    # Row 2: 人数, 报名截止日期, 培养年限 (not an apprenticeship's), 每月补贴, 工学交替安排, 企业师傅;
    # row 3: 标题, 培养年限 and the deadline too far ahead.
    expect(lines.filter(has_text="第 2 行")).to_have_count(6)
    for column in ("人数", "截止", "培养年限", "补贴", "工学交替", "师傅"):
        expect(lines.filter(has_text="第 2 行").filter(has_text=column)).not_to_have_count(0)
    expect(lines.filter(has_text="第 3 行").filter(has_text="标题")).to_have_count(1)
    expect(lines.filter(has_text="第 3 行").filter(has_text="培养年限")).to_have_count(1)


def test_student_registration_picks_no_major_by_itself(page):
    page.goto("/auth/register/student")
    expect(page.locator("#program")).to_have_value("")
    page.select_option("#school", index=1)  # a school chosen: its majors are offered, none is picked
    expect(page.locator("#program")).to_have_value("")
    assert page.locator("#program option:not([hidden])").count() > 1
    submit(page)
    every_error(page, ("program",))


def test_chart_labels_stay_readable_on_a_phone(browser, live_server):
    """A chart is no longer shrunk to the phone's width (its labels were about 7 px): it keeps its
    size and its box scrolls sideways; the page itself stays within 390 px."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/stats/alignment")
    label = page.locator("figure.chart-box svg.chart text").first
    expect(label).to_be_visible()
    assert label.bounding_box()["height"] >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    context.close()


def _placement_to_offer(app) -> int:
    """A placement of the demo HR's enterprise that waits for an offer (the demo student applies to one
    of its published internships when none waits)."""
    from datetime import date

    from sqlalchemy import select

    from portal.extensions import db
    from portal.internships import services as internships
    from portal.models import Placement, Posting, User
    from portal.platform.checks import district_today

    with app.app_context():
        hr = db.session.scalar(select(User).where(User.email == "hr@xiaoqi-demo.cn"))
        found = db.session.scalar(
            select(Placement.id)
            .where(
                Placement.enterprise_id == hr.organisation_id,
                Placement.status.in_(("applied", "shortlisted")),
            )
            .order_by(Placement.id)
        )
        if found is None:
            student = db.session.scalar(select(User).where(User.email == "student@xiaoqi-demo.cn"))
            today = district_today()
            posting = db.session.scalar(
                select(Posting)
                .where(
                    Posting.organisation_id == hr.organisation_id,
                    Posting.kind == "internship",
                    Posting.status == "published",
                )
                .order_by(Posting.id)
            )
            found = internships.apply(
                student,
                posting.id,
                "想实习。",
                date(today.year - 18, 1, 1),
                entry_year=today.year - 2,
                sex="m",
            ).id
            db.session.commit()
        db.session.remove()
    return found


def test_internship_offer(page, live_server):
    """The offer of the issue (10 h a day, night shifts, overtime, holiday work, pay 2,000 against a
    3,800 wage, a 300 fee) with every other term wrong or missing too: every problem on the first answer."""
    from portal.platform.checks import district_today

    placement_id = _placement_to_offer(live_server.app)
    today = district_today()
    starts, ends = today + timedelta(days=40), today + timedelta(days=200)
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto(f"/enterprise/internships/{placement_id}")
    fill_in(
        page,
        {
            "#starts_on": starts.isoformat(),
            "#ends_on": ends.isoformat(),
            "#daily_hours": "10",
            "#weekly_hours": "60",
            "#rest_days": "0",
            "#shift_pattern": "",
        },
    )
    for box in ("#night_shifts", "#overtime", "#holiday_work"):
        page.check(box)
    fill_in(
        page,
        {
            "#pay_monthly": "2000",
            "#post_wage": "3800",
            "#fee_charged": "300",
            "#insurance_policy": "",
            "#insurer": "",
            "#insurance_payer": "",
            "#cover_starts_on": starts.isoformat(),
            "#cover_ends_on": (starts + timedelta(days=10)).isoformat(),  # not the whole internship
        },
    )
    for text in ("#mentor_name", "#lodging_terms", "#leave_terms", "#accident_terms", "#assessment_terms"):
        page.fill(text, "")
    page.click("[data-testid=offer-form] button[type=submit]")
    every_error(
        page,
        (
            "daily_hours",
            "weekly_hours",
            "rest_days",
            "shift_pattern",
            "night_shifts",
            "overtime",
            "holiday_work",
            "pay_monthly",
            "fee_charged",
            "insurance_policy",
            "insurer",
            "insurance_payer",
            "cover_ends_on",
            "mentor_name",
            "lodging_terms",
            "leave_terms",
            "accident_terms",
            "assessment_terms",
        ),
    )
    expect(page.get_by_test_id("placement-status")).not_to_have_text("已发录用")
