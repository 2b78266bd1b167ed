"""School staff import a majors spreadsheet: one bad row imports nothing and is reported; then a good one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import DEMO_PASSWORD
from tests.platform.test_spreadsheets import MAJOR_HEADER, xlsx

pytestmark = pytest.mark.browser

GOOD = [
    ["药剂", "", 45, 120, "药品调剂、药品检验", "药物制剂生产", "GMP 模拟车间", "", "面向新医药企业。"],
    [
        "会计事务",
        "",
        40,
        100,
        "出纳、记账、纳税申报",
        "业财一体信息化应用",
        "会计实训室",
        "",
        "面向中小企业财务岗位。",
    ],
    ["物流服务与管理", "", 35, 90, "仓储管理、配送调度", "物流管理", "智慧物流实训室", "", "面向园区物流。"],
]
BAD = [
    GOOD[0],
    ["火箭发射技术", "", 30, 0, "", "", "", "", ""],
    GOOD[1],
    GOOD[2],
]  # line 3 is not a catalogue major


def workbook(rows) -> bytes:
    return xlsx(MAJOR_HEADER, rows)


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files(
        "#file",
        files=[
            {
                "name": name,
                "buffer": data,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    page.locator("main form button[type=submit]").click()


def test_import_majors_with_a_bad_row_then_a_good_file(page, live_server):
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    page.goto("/school/majors")
    page.locator("details.sheet-tools summary").click()
    page.get_by_test_id("import-majors").click()
    expect(page).to_have_url(re.compile(r"/school/import/majors$"))

    upload(page, "专业.xlsx", workbook(BAD))
    # The import runs as a job: its page reports every bad row, and offers a corrected upload.
    report = page.get_by_test_id("import-result")
    expect(report).to_be_visible()
    expect(report.locator("li")).to_have_count(1)
    expect(report.locator("li")).to_contain_text("3")  # the bad row's line
    expect(page.get_by_test_id("import-again")).to_have_attribute("href", "/school/import/majors")
    page.goto("/school/majors")
    table = page.get_by_test_id("program-table")
    for name in ("药剂", "会计事务", "物流服务与管理"):
        expect(table).not_to_contain_text(name)

    page.goto("/school/import/majors")
    upload(page, "专业.xlsx", workbook(GOOD))
    expect(page.get_by_test_id("import-done")).to_contain_text("3")
    page.get_by_role("link", name="查看").click()
    expect(page).to_have_url(re.compile(r"/school/majors$"))
    table = page.get_by_test_id("program-table")
    for name in ("药剂", "会计事务", "物流服务与管理"):
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("工业机器人技术应用")  # the demo majors are still there
