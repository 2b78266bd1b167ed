"""Phone journey at 390 px on the demo data: 王小明 signs in with his mobile number and the code the
console provider wrote to the log → the daily reminder of his unanswered offer goes out by SMS and
is recorded on his page → he opens it and accepts → the next day's reminder run sends nothing. The
whole journey's log is scanned: the number (in any format) and his name appear in no line."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser

STUDENT = "student@xiaoqi-demo.cn"
NUMBER = "+8613800000001"
PHONE = {"width": 390, "height": 844}


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def recorder():
    handler = Recorder()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_student_signs_in_by_code_gets_the_reminder_by_sms_accepts_and_it_stops(
    browser, live_server, recorder
):
    from portal.extensions import db
    from portal.messaging import phones, services
    from portal.messaging.models import OutgoingMessage
    from portal.models import Placement, User
    from portal.platform import checks

    app = live_server.app
    with app.app_context():
        student = db.session.scalar(select(User).where(User.email == STUDENT))
        phones.set_number(student, NUMBER)
        db.session.commit()
        student_id, name = student.id, student.name

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Sign in by number and code.
    page.goto("/auth/login")
    page.get_by_test_id("phone-login").click()
    page.fill("#phone", "138 0000 0001")
    page.get_by_test_id("send-code").click()
    expect(page.locator("h1")).to_have_text("输入验证码")
    expect(page.locator("main")).to_contain_text("138 **** 0001")
    sms = [line for line in recorder.lines if line.startswith("portal.messaging.providers")]
    code = re.search(r"验证码(\d{6})", sms[-1]).group(1)
    page.fill("#code", code)
    page.get_by_test_id("submit-code").click()
    expect(page).to_have_url(re.compile(r"/student/$"))

    # The daily reminder run (cron: flask offer-reminders): his open offer → an SMS, recorded.
    with app.app_context():
        assert services.remind_open_offers() == 1
        db.session.commit()  # the send job runs after the commit
        reminder = db.session.scalar(
            select(OutgoingMessage).where(
                OutgoingMessage.user_id == student_id, OutgoingMessage.template == "offer_reminder"
            )
        )
        assert reminder.status == "sent" and reminder.recipient == NUMBER
        reminder_id = reminder.id
    page.goto("/account/channels")
    row = page.get_by_test_id(f"message-{reminder_id}")
    expect(row).to_contain_text("短信")
    expect(row).to_contain_text("已发送")
    expect(row).to_contain_text("138 **** 0001")

    # He follows the SMS's link and accepts the offer.
    page.goto(f"/m/{reminder_id}")
    expect(page).to_have_url(re.compile(r"/student/internships/\d+"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="接受录用", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()

    # The reminder stops: tomorrow's run finds no open offer of his.
    with app.app_context():
        tomorrow = checks.district_today() + timedelta(days=1)
        assert services.remind_open_offers(tomorrow) == 0
        db.session.commit()
        assert (
            db.session.scalar(
                select(Placement.status).where(
                    Placement.student_id == student_id, Placement.status == "offered"
                )
            )
            is None
        )
    context.close()
    assert not errors, errors

    # No personal data in any log line of the journey.
    text = "\n".join(recorder.lines)
    assert "sms code" in text and "message" in text
    for secret in (NUMBER, "13800000001", "138 0000 0001", name):
        assert secret not in text, secret
