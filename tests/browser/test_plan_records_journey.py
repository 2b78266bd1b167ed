"""Issue 29's journeys in the browser, on the demo data: a school records a 3+2 pathway and a cohort's
transfer and the dashboard's pathway target moves; a school records an exam session and results, the
student's profile shows the certificate and a posting asking for it ranks that school's major first
with a reason that says so; an enterprise generates, edits, prints and publishes its 2026 report, each
figure linking to its records, and an administrator sees who published."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.programs import catalogue
from tests.browser.conftest import fill_in, log_in
from tests.conftest import DEMO_PASSWORD, Builders

pytestmark = pytest.mark.browser


def test_a_school_records_a_pathway_and_the_dashboard_target_moves(page):
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/dashboard")
    expect(page.get_by_test_id("value-pathway_colleges")).to_have_text("2")  # the demo's two colleges
    expect(page.get_by_test_id("value-pathway_majors")).to_have_text("3")

    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/pathways/")
    expect(page.get_by_test_id("pathways").locator("tbody tr")).to_have_count(3)
    entry = catalogue.entry_for_name("数控技术应用", catalogue.SECONDARY)
    page.select_option("#kind", "3+2")
    page.select_option("#program_id", label=f"{entry.code} {entry.name}")
    fill_in(
        page, {"#college": "济南演示职业学院（演示）", "#higher_major": "不存在的专业", "#yearly_quota": "30"}
    )
    page.click("[data-testid=pathway-form] button[type=submit]")
    expect(page.locator("#higher_major-error")).to_contain_text("2021")  # refused beside its field
    page.fill("#higher_major", "460103")  # 数控技术 (专科)
    page.click("[data-testid=pathway-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    fill_in(
        page,
        {
            "#entry_year": "2023",
            "#enrolled": "30",
            "#transferred": "27",
            "#not_transferred": "3",
            "#assessed_on": "2026-06-30",
        },
    )
    page.click("[data-testid=cohort-form] button[type=submit]")
    expect(page.get_by_test_id("cohort-2023")).to_contain_text("90.0%")

    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/dashboard")
    expect(page.get_by_test_id("value-pathway_colleges")).to_have_text("3")
    expect(page.get_by_test_id("value-pathway_majors")).to_have_text("4")
    expect(page.get_by_test_id("value-pathway_transfer_rate")).to_have_text("91.5%")  # 140 / 153
    page.get_by_test_id("records-pathway_colleges").click()
    expect(page.get_by_test_id("district-pathways")).to_contain_text("济南演示职业学院（演示）")


def test_exam_results_reach_the_profile_and_the_matcher(page, live_server):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/certificates/")
    page.select_option("#session-certificate_id", label="特殊焊接技术（演示）（初级）")
    page.fill("#session-held_on", "2026-11-20")
    page.click("[data-testid=session-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    page.get_by_label("陈强（演示）").select_option("passed")  # of 工业机器人技术应用, new to welding
    page.click("[data-testid=results-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()

    log_in(page, "student.chen@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/student/internships/profile/")
    expect(page.get_by_test_id("student-certificates")).to_contain_text("特殊焊接技术（演示）")
    expect(page.get_by_test_id("student-certificates")).to_contain_text("2026-11-20")

    # 山东重工 publishes an order class asking for the certificate (through the service, as the
    # posting form would); proposals are ranked when it is published.
    from portal.extensions import db
    from portal.models import User

    with live_server.app.app_context():
        hr = db.session.scalar(db.select(User).where(User.email == "hr@xiaoqi-demo.cn"))
        posting = Builders.posting(
            hr,
            "order_class",
            title="焊接技术应用订单班（演示）",
            description="面向焊接技术应用专业的订单培养，学习焊接与装配。",
            skills="焊接、装配",
            certificates="特殊焊接技术（演示）",
            details={"major": "焊接技术应用", "years": 3},
        )
        posting_id = posting.id
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto(f"/enterprise/proposals?of={posting_id}")
    rows = page.get_by_test_id("proposal-row")
    expect(rows.first).to_contain_text("莱芜职业中专")
    expect(rows.first).to_contain_text("焊接技术应用")
    rows.first.locator("a").click()
    reason = page.locator('[data-criterion="certified"]')
    expect(reason).to_contain_text("特殊焊接技术（演示）")
    expect(reason).to_contain_text("学生已通过")


def test_an_enterprise_generates_edits_prints_and_publishes_its_2026_report(page, tmp_path):
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/enterprise/reports/")
    page.locator("[data-testid=report-years] a", has_text="2026").click()
    figures = page.get_by_test_id("report-figures")
    expect(figures.locator("tbody tr")).to_have_count(9)
    # The demo's interns of 山东重工 (dates relative to today): hosted this year.
    hosted = page.get_by_test_id("report-value-interns_hosted").inner_text()
    assert int(hosted) >= 1

    page.fill("#description", "捐赠焊接机器人工作站（演示）")
    page.fill("#amount_yuan", "150000")
    page.click("[data-testid=investment-form] button[type=submit]")
    expect(page.locator("#evidence-error")).to_be_visible()  # no evidence: refused beside the field
    evidence = tmp_path / "invoice.pdf"
    evidence.write_bytes(b"%PDF-1.4 demo invoice")
    page.fill("#description", "捐赠焊接机器人工作站（演示）")
    page.fill("#amount_yuan", "150000")
    page.set_input_files("#evidence", str(evidence))
    page.click("[data-testid=investment-form] button[type=submit]")
    expect(page.get_by_test_id("investments")).to_contain_text("150,000")
    page.fill("#outcomes", "订单班学生全部顶岗，录用率提高（演示）")
    page.click("[data-testid=texts-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/publish'] button").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("hr@xiaoqi-demo.cn")

    with page.expect_download() as download:
        page.get_by_test_id("report-docx").click()
    assert download.value.suggested_filename == "enterprise-report-2026.docx"
    page.get_by_test_id("report-print").click()
    expect(page.get_by_test_id("report-printable")).to_contain_text("订单班学生全部顶岗")
    expect(page.get_by_test_id("investment-total")).to_have_text("150,000")
    for link in page.locator("[data-testid^=report-source-]").all():
        assert link.get_attribute("href")  # every figure links to its records
    page.get_by_test_id("report-source-interns_hosted").click()
    expect(page.get_by_test_id("source-total")).to_have_text(hosted)
    expect(page.get_by_test_id("sources").locator("tbody tr")).to_have_count(int(hosted))

    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/admin/enterprise-reports/?year=2026")
    expect(page.get_by_test_id("report-publications")).to_contain_text("hr@xiaoqi-demo.cn")
