"""An administrator approves a pilot partnership a school submitted; recommends the pilot enterprise an HR
applied for (a public notice starts: 发改社会〔2019〕590号 has the province confirm) and records the
province's decision for the demo enterprise whose notice is over; all appear on the public /pilots page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_in, log_in, nav_go
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

COOPERATION = "汇金精密制造现代学徒制班"  # a demo cooperation of 莱芜职业中专 without a pilot yet


def test_admin_approves_a_pilot_and_an_enterprise_goes_recommend_notice_provincial_decision(
    page, live_server
):
    # The school submits its cooperation with a plan.
    log_in(page, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/school/$"))
    nav_go(page, "/school/pilots")
    row = page.locator("[data-testid=school-cooperations] tr", has_text=COOPERATION)
    row.get_by_test_id("apply-pilot").click()
    fill_in(
        page,
        {
            "#goals": "三年培养数控加工学徒60名，双证书获取率100%",
            "#content": "企业师傅带徒，工学交替，共同考核",
            "#resources": "学校：数控实训中心；企业：带徒师傅6名、学徒岗位20个",
            "#timeline": "第一学期招收学徒；第二学年轮岗；第三学年定岗",
        },
    )
    page.get_by_test_id("submit-pilot").click()
    expect(page).to_have_url(re.compile(r"/school/pilots/\d+$"))
    expect(page.locator("h1 [data-testid=pilot-state]")).to_have_attribute("data-state", "submitted")
    page.get_by_test_id("logout").click()

    # 山东重工's HR applies to become a pilot enterprise; the figures come from the records.
    log_in(page, "hr@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/$"))
    nav_go(page, "/enterprise/pilot")
    expect(page.locator("[data-figure=active_cooperations]").first).not_to_have_text("0")
    page.fill("#statement", "与莱芜职业中专共建智能制造冠名班，技师到校兼职授课，接收教师企业实践。")
    page.get_by_test_id("apply-pilot-enterprise").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("application-state")).to_have_attribute("data-state", "submitted")
    page.get_by_test_id("logout").click()

    # The administrator sees both waiting and approves them.
    log_in(page, "admin@xiaoqi-demo.cn", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_test_id("waiting-pilots-count")).to_have_text("1")
    expect(page.get_by_test_id("waiting-pilot_enterprises-count")).to_have_text("1")
    page.get_by_test_id("waiting-pilots-count").click()
    page.locator("[data-testid=pilot-queue] a", has_text=COOPERATION).click()
    expect(page.get_by_test_id("pilot-plan")).to_contain_text("双证书获取率100%")
    page.once("dialog", lambda dialog: dialog.accept() if "公示期" in dialog.message else dialog.dismiss())
    page.locator("[data-testid=pilot-decision] form[action$='/approve'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("h1 [data-testid=pilot-state]")).to_have_attribute("data-state", "notice")
    expect(page.get_by_test_id("notice-dates")).to_be_visible()

    nav_go(page, "/admin/pilot-enterprises")
    page.locator("[data-testid=application-queue] a", has_text="山东重工").click()
    expect(page.get_by_test_id("evidence-figures").first).to_be_visible()
    expect(page.get_by_test_id("enterprise-criteria")).to_contain_text("590")
    page.get_by_test_id("recommend").click()  # without its text: refused beside the field
    expect(page.locator("#recommendation-error")).to_be_visible()
    page.fill("#recommendation", "与莱芜职业中专合作稳定，推荐申报产教融合型企业。")
    page.get_by_test_id("recommend").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("h1 [data-testid=application-state]")).to_have_attribute("data-state", "recommended")
    expect(page.get_by_test_id("in-notice")).to_be_visible()
    expect(page.get_by_test_id("notice-dates")).to_contain_text("7")

    # 山东汇金 (demo) was recommended earlier and its notice is over: the province's decision is recorded.
    nav_go(page, "/admin/pilot-enterprises")
    page.locator("nav.tabs a[href$='status=recommended']").click()
    page.locator("[data-testid=application-queue] a", has_text="山东汇金股份有限公司").click()
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=confirmed][value=yes]").check()
    page.fill("#document", "鲁发改社会〔2026〕12号（演示）")
    page.fill("#decided_on", date.today().isoformat())
    page.get_by_test_id("record-decision").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("h1 [data-testid=application-state]")).to_have_attribute("data-state", "confirmed")
    expect(page.get_by_test_id("provincial-decision")).to_contain_text("鲁发改社会〔2026〕12号")

    # All are public: the pilot in its notice period, 山东重工 in its notice, 山东汇金 confirmed.
    nav_go(page, "/pilots")
    pilots = page.get_by_test_id("public-pilots")
    row = pilots.locator("tr", has_text=COOPERATION)
    expect(row.get_by_test_id("pilot-state")).to_have_attribute("data-state", "notice")
    expect(pilots.locator("tr", has_text="山东重工智能制造冠名班")).to_have_count(1)  # the demo pilot
    enterprises = page.get_by_test_id("public-pilot-enterprises")
    expect(enterprises.locator("li", has_text="山东重工").get_by_test_id("public-notice")).to_be_visible()
    expect(enterprises.locator("li", has_text="山东汇金股份有限公司")).to_contain_text(
        "鲁发改社会〔2026〕12号"
    )
    row.locator("a").first.click()
    expect(page.get_by_test_id("pilot-plan")).to_contain_text("企业师傅带徒")
