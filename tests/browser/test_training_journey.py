"""育训并举 journeys (issue 28), on the demo data:

1. A resident signs up on a phone for a run at 凤城街道's community education centre; the school
   confirms the place, records attendance and completion; 凤城街道's figures on /stats change.
2. 山东重工 enrols 30 staff from a spreadsheet; a first file with 4 bad rows shows all four at once.
3. 莱芜职业中专 books 山东重工's training base; a second booking of the same slot is refused; the owner
   confirms.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.platform.checks import district_today
from tests.browser.conftest import log_in
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

RESIDENT = "周芳"


def _town_completed(page, town: str = "fengcheng") -> int:
    page.goto("/stats")
    row = page.get_by_test_id("training-by-town").locator(f"tr[data-key='{town}']")
    if not row.count():
        return 0
    return int(row.locator("td").nth(2).inner_text())


def test_a_resident_signs_up_on_a_phone_and_completes(browser, live_server, page):
    before = _town_completed(page)
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    resident = phone.new_page()
    resident.goto("/training/towns/fengcheng")
    expect(resident.get_by_test_id("centre-list")).to_contain_text("凤城街道社区教育中心")
    resident.get_by_test_id("run-list").get_by_role("link").first.click()
    form = resident.get_by_test_id("signup-form")
    # The click navigates: measure the run's page once it is there, not the town's while it unloads.
    expect(form).to_be_visible()
    # Phone width: the form fits, nothing scrolls sideways.
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    # Sent empty (the town is the centre's, filled in): name, phone, group and consent at once.
    form.get_by_test_id("signup-submit").click()
    expect(resident.locator(".field.has-error")).to_have_count(4)
    resident.fill("#name", RESIDENT)
    resident.fill("#phone", "13912345678")
    resident.select_option("#town", "fengcheng")
    resident.locator("input[name=groups][value=unemployed]").check()
    resident.locator("input[name=groups][value=poverty_registered]").check()
    resident.locator("#consent").check()
    resident.get_by_test_id("signup-submit").click()
    expect(resident.get_by_test_id("signed-up")).to_be_visible()
    phone.close()

    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/training/")
    page.get_by_test_id("run-table").get_by_role("link", name=re.compile("养老护理")).click()
    row = page.get_by_test_id("trainee-row").filter(has_text=RESIDENT)
    row.get_by_role("button", name="确认名额").click()
    row = page.get_by_test_id("trainee-row").filter(has_text=RESIDENT)
    expect(row).to_contain_text("名额已确认")
    row.locator("input[name=trainee_ids]").check()
    page.fill("#hours", "4")
    page.get_by_test_id("attendance-submit").click()
    row = page.get_by_test_id("trainee-row").filter(has_text=RESIDENT)
    expect(row.locator("td.num")).to_have_text("4")
    row.locator("select[name=certificate_kind]").select_option("school")
    row.locator("input[name=certificate_name]").fill("养老护理培训结业证书")
    row.get_by_role("button", name="登记结业").click()
    row = page.get_by_test_id("trainee-row").filter(has_text=RESIDENT)
    expect(row).to_contain_text("已完成")

    assert _town_completed(page) == before + 1


# Row index → (column, bad value): a short phone, an unknown town, no name, an unknown group.
BAD_CELLS = {2: (1, "123"), 8: (2, "不存在镇"), 14: (0, ""), 27: (3, "宇航员")}


def _sheet(bad: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "电话", "镇（街道）", "人员类别"])
    for i in range(30):
        row = [f"新职工{i}", f"1371234{i:04d}", "张家洼街道", "退役军人" if i == 5 else ""]
        if bad and i in BAD_CELLS:
            column, value = BAD_CELLS[i]
            row[column] = value
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _upload(page, data: bytes) -> None:
    page.set_input_files("#file", files=[{"name": "职工.csv", "buffer": data, "mimeType": "text/csv"}])
    page.get_by_test_id("enrol-submit").click()


def test_an_enterprise_enrols_thirty_staff_seeing_four_bad_rows_at_once(page, live_server):
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/enterprise/training/")
    before = page.get_by_test_id("staff-row").count()
    page.get_by_test_id("enrol-staff").first.click()
    _upload(page, _sheet(bad=True))
    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(4)
    for line in ("4", "10", "16", "29"):
        expect(page.get_by_test_id("import-errors")).to_contain_text(f"第 {line} 行")
    _upload(page, _sheet(bad=False))
    expect(page).to_have_url(re.compile(r"/enterprise/training/$"))
    expect(page.get_by_test_id("staff-row")).to_have_count(before + 30)


def test_a_school_books_an_enterprises_base_and_the_owner_confirms(browser, live_server, page):
    day = (district_today() + timedelta(days=9)).isoformat()
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    page.goto("/school/bases/")
    page.get_by_test_id("bookable-bases").get_by_role("link").first.click()
    for attempt in range(2):
        page.fill("#day", day)
        page.select_option("#period", "afternoon")
        page.fill("#purpose", "焊接实训课")
        page.get_by_test_id("book-submit").click()
        if attempt == 0:
            expect(page.locator(".flash-success")).to_be_visible()
            expect(page.get_by_test_id(f"slot-{day}-afternoon")).to_contain_text("待确认")
    expect(page.locator("#period-error")).to_contain_text("该时段已被预约")

    owner = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    log_in(owner, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    owner.goto("/enterprise/bases/")
    owner.get_by_test_id("own-bases").get_by_role("link").first.click()
    row = owner.get_by_test_id("booking-row").filter(has_text=day)
    row.get_by_role("button", name="确认", exact=True).click()
    expect(owner.get_by_test_id("booking-row").filter(has_text=day)).to_contain_text("预约已确认")
    owner.context.close()
