"""The organisation's 企业微信 robot (who may connect it, which addresses), and the daily digest."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update

from portal.extensions import db
from portal.messaging import services
from portal.messaging.models import ChannelPreference, OutgoingMessage, WecomRobot
from portal.models import Notification
from portal.notifications import services as notifications
from portal.platform import checks
from tests.conftest import client_for
from tests.notifications.test_notifications import smtp_server  # noqa: F401  (a fixture)

ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"


def _robots() -> int:
    return db.session.scalar(select(func.count()).select_from(WecomRobot))


def test_staff_connect_their_organisations_robot(app, build):
    hr = build.enterprise()
    client = client_for(app, hr)
    assert client.get("/account/robot").status_code == 200
    bad = client.post("/account/robot", data={"url": "https://evil.example/send?key=abc"})
    assert bad.status_code == 400 and _robots() == 0
    assert client.post("/account/robot", data={"url": ROBOT}).status_code == 302
    robot = db.session.get(WecomRobot, hr.organisation_id)
    assert robot.url == ROBOT and robot.created_by_id == hr.id
    # Another organisation's staff see and change only their own.
    other = build.school()
    other_client = client_for(app, other)
    assert "abc-123" not in other_client.get("/account/channels").get_data(as_text=True)
    assert other_client.post("/account/robot/remove").status_code == 404  # it has none
    assert _robots() == 1


def test_students_have_no_robot_page(app, build):
    student = build.student(build.school())
    client = client_for(app, student)
    assert client.get("/account/robot").status_code == 404
    assert client.post("/account/robot", data={"url": ROBOT}).status_code == 404
    assert _robots() == 0


def test_the_daily_digest_gathers_yesterdays_notices_of_the_chosen_topics(app_factory, smtp_server):  # noqa: F811
    from tests.conftest import Builders

    inbox, port = smtp_server
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        hr = Builders().enterprise()
        inbox.wait_for(1)
        inbox.messages.clear()
        db.session.add(ChannelPreference(user_id=hr.id, topic="other", channel="digest"))
        db.session.commit()
        for reason in ("one", "two"):
            notifications.notify(hr, "posting_taken_down", "", posting="p", reason=reason)
        db.session.commit()
        assert inbox.messages == []  # digest, not one e-mail each
        today = checks.district_today()
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == hr.id)
            .values(
                created_at=datetime.combine(today - timedelta(days=1), time(12), tzinfo=checks.DISTRICT_TZ)
            )
        )
        db.session.commit()
        assert services.send_digests(today) == 1
        db.session.commit()
        assert services.send_digests(today) == 0  # once a day
        db.session.commit()
        ((to, mail),) = inbox.wait_for(1)
        assert to == [hr.email]
        body = mail.get_content()
        assert "one" in body and "two" in body
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutgoingMessage)
                .where(OutgoingMessage.dedupe_key.like("digest:%"))
            )
            == 1
        )
