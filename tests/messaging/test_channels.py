"""Channels: a student's offer by SMS (recorded, shown on the notification page), the daily
reminder that stops once the offer is answered, e-mail as a job through a local SMTP server, a
killed worker that neither loses nor doubles a message, and who may see a number."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.internships import services as internships
from portal.internships.models import Placement, PlacementStatus
from portal.messaging import phones, sending, services
from portal.messaging.models import OutgoingMessage, WecomRobot
from portal.platform.model_base import utcnow
from tests.conftest import client_for
from tests.internships.test_internships import applied, make_world, terms
from tests.messaging.conftest import sms_config
from tests.notifications.test_notifications import smtp_server  # noqa: F401  (a fixture)

NUMBER = "+8613800000001"


@pytest.fixture
def world(app, build):
    world = make_world(build)
    phones.set_number(world.student, NUMBER)
    db.session.commit()
    return world


def _sms(student, template: str | None = None) -> list[OutgoingMessage]:
    query = select(OutgoingMessage).where(
        OutgoingMessage.user_id == student.id, OutgoingMessage.channel == "sms"
    )
    if template:
        query = query.where(OutgoingMessage.template == template)
    return list(db.session.scalars(query.order_by(OutgoingMessage.id)))


def _offered(world):
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    db.session.commit()
    return placement


def test_an_offer_reaches_the_student_by_sms_and_the_page_says_so(app, world):
    placement = _offered(world)
    (message,) = _sms(world.student, "offer")
    assert message.status == "sent" and message.provider == "console" and message.recipient == NUMBER
    assert message.about == f"placement:{placement.id}"
    assert set(message.params) == {"name", "link"} and message.params["link"].endswith(f"/m/{message.id}")
    page = client_for(app, world.student).get("/auth/notifications").get_data(as_text=True)
    assert 'data-testid="sent-sms"' in page
    # The SMS's short link opens the offer for its recipient, and for nobody else.
    own = client_for(app, world.student).get(f"/m/{message.id}")
    assert own.status_code == 302 and f"/{placement.id}" in own.headers["Location"]
    assert client_for(app, world.hr).get(f"/m/{message.id}").status_code == 404


def test_the_reminder_stops_once_the_offer_is_answered(world):
    placement = _offered(world)
    today = utcnow().date()
    assert services.remind_open_offers(today) == 1
    db.session.commit()
    assert services.remind_open_offers(today) == 0  # once a day
    (reminder,) = _sms(world.student, "offer_reminder")
    assert reminder.status == "sent"
    # A reminder queued before the student answers, sent after: cancelled, not sent.
    services.remind_open_offers(today + timedelta(days=1))
    late = _sms(world.student, "offer_reminder")[-1]
    db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id == late.id)
        .values(next_attempt_at=utcnow() + timedelta(hours=1))
    )
    db.session.commit()
    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    db.session.execute(
        update(OutgoingMessage).where(OutgoingMessage.id == late.id).values(next_attempt_at=utcnow())
    )
    db.session.commit()
    sending.send_due(wait=False)
    db.session.refresh(late)
    assert late.status == "cancelled"
    assert services.remind_open_offers(today + timedelta(days=2)) == 0


def test_a_student_who_chose_site_only_gets_no_sms(app, world):
    client = client_for(app, world.student)
    response = client.post("/account/channels", data={"offers": "site", "logs": "sms", "other": "site"})
    assert response.status_code == 302
    _offered(world)
    assert _sms(world.student) == []
    assert services.remind_open_offers() == 0


def test_sms_cannot_be_chosen_without_a_number(app, build):
    staff = build.school()
    client = client_for(app, staff)
    response = client.post("/account/channels", data={"offers": "sms", "logs": "email", "other": "email"})
    assert response.status_code == 400
    assert services.preferences(staff)["offers"] == "email"
    bad = client.post("/account/channels", data={"offers": "fax", "logs": "email", "other": "email"})
    assert bad.status_code == 400


def test_email_goes_through_the_smtp_server_as_a_job(app_factory, smtp_server):  # noqa: F811
    from tests.conftest import Builders

    inbox, port = smtp_server
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, SITE_URL="https://xqt.example.cn")
    with app.app_context():
        hr = Builders().enterprise()  # verifying the enterprise notifies its HR
        ((to, mail),) = inbox.wait_for(1)
        assert to == [hr.email]
        message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.user_id == hr.id))
        assert message.channel == "email" and message.status == "sent"
        assert mail["Message-ID"] == f"<{message.idempotency_key}@xiaoqi>"
        job = db.session.scalar(
            select(func.count()).select_from(sending.Job).where(sending.Job.kind == "send_messages")
        )
        assert job >= 1


def test_staff_notices_go_to_the_organisations_robot_once(app_factory, provider_server, build):
    app = app_factory(MESSAGE_RETRY_SECONDS=0)
    with app.app_context():
        from tests.conftest import Builders

        build = Builders()
        staff = build.school()
        db.session.add(
            WecomRobot(
                organisation_id=staff.organisation_id,
                url=f"http://{provider_server.url}/cgi-bin/webhook/send?key=k",
            )
        )
        db.session.commit()
        build.student(staff, confirmed=False)  # the school's staff are told someone wants to join
        from portal.notifications import services as notifications

        notifications.notify_organisation(staff.organisation, "member_approved", "", organisation="x")
        notifications.notify_organisation(staff.organisation, "member_approved", "", organisation="x")
        db.session.commit()
    bodies = [r.body.decode() for r in provider_server.requests]
    assert len(bodies) == 1 and "msgtype" in bodies[0]


# --- a worker killed mid-send ---------------------------------------------------------------------


def _send_in_child(db_url: str, config: dict, message_id: int) -> None:
    from portal.messaging import sending as child_sending
    from tests.conftest import make_app

    app = make_app(db_url, **config)
    with app.app_context():
        child_sending.attempt(message_id)


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_the_message(app_factory, db_url, provider_server):
    import threading

    config = sms_config("aliyun", provider_server)
    app = app_factory(**config, JOBS_BACKEND="inline")
    with app.app_context():
        db.session.info["messaging_job_submitted"] = True  # no job: the worker below sends it
        message = sending.queue_sms(NUMBER, "notice", {"name": "小明", "link": "x"})
        db.session.commit()
        message_id = message.id
        provider_server.hold = threading.Event()  # the provider takes the request and never answers
        child = multiprocessing.get_context("spawn").Process(
            target=_send_in_child, args=(db_url, config, message_id), daemon=True
        )
        child.start()
        assert provider_server.arrived.wait(60), "the worker never called the provider"
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        db.session.expire_all()
        row = db.session.get(OutgoingMessage, message_id)
        assert row.status == "sending" and row.attempts == 1  # not lost: claimed, not finished
        # While the dead worker's lease runs, nobody else sends it (it might still be working).
        provider_server.hold.set()
        provider_server.hold = None
        assert sending.send_due(wait=False)["attempts"] == 0
        assert len(provider_server.requests) == 1
        # The lease runs out (moved into the past instead of waiting): another worker sends it, once.
        db.session.execute(
            update(OutgoingMessage)
            .where(OutgoingMessage.id == message_id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert sending.send_due(wait=False)["sent"] == 1
        db.session.expire_all()
        row = db.session.get(OutgoingMessage, message_id)
        assert row.status == "sent" and row.attempts == 2
        key = row.idempotency_key
        # Sent is final: no later run sends it again.
        assert sending.send_due(wait=False)["attempts"] == 0
    assert provider_server.accepted == 1
    keys = {dict(parse_qsl(urlsplit(r.path).query))["OutId"] for r in provider_server.requests}
    assert keys == {key}  # the repeat carried the same key, for the provider's reports


# --- who sees a number ----------------------------------------------------------------------------


def test_a_number_is_masked_for_another_organisation_until_the_offer_is_accepted(app, build, world):
    placement = _offered(world)
    assert phones.visible_to(world.student, world.student) == "138 0000 0001"
    assert phones.visible_to(world.hr, world.student) == "138 **** 0001"
    assert phones.visible_to(world.staff, world.student) == "138 0000 0001"  # the student's own school
    page = f"/enterprise/internships/{placement.id}"
    assert 'data-testid="student-phone"' not in client_for(app, world.hr).get(page).get_data(as_text=True)
    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    assert phones.visible_to(world.hr, world.student) == "138 0000 0001"
    shown = client_for(app, world.hr).get(page).get_data(as_text=True)
    assert 'data-testid="student-phone"' in shown and "138 0000 0001" in shown
    # Another enterprise never sees it, not even masked.
    other = build.enterprise()
    assert phones.visible_to(other, world.student) == "138 **** 0001"
    assert phones.contact_number(other, world.student) == ""


def test_no_number_or_name_in_any_log_line_of_the_journey(app, world, caplog):
    """Sign in by code, an offer by SMS, a reminder, the answer: the log never carries the
    number (in any format) or the student's name."""
    world.student.name = "李小红"  # short enough to go into an SMS whole
    db.session.commit()
    with caplog.at_level(logging.DEBUG):
        client = app.test_client()
        client.post("/auth/phone", data={"phone": "138 0000 0001"})
        code = re.search(
            r"\d{6}", [r.getMessage() for r in caplog.records if r.name == "portal.messaging.providers"][-1]
        ).group(0)
        posted = client.post("/auth/phone/code", data={"code": "000000" if code != "000000" else "111111"})
        assert posted.status_code == 400
        assert client.post("/auth/phone/code", data={"code": code}).status_code == 302
        placement = _offered(world)
        services.remind_open_offers()
        db.session.commit()
        client.post(f"/student/internships/{placement.id}/accept")
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "sms code" in text and "message" in text  # the journey did log
    for secret in (NUMBER, "13800000001", "138 0000 0001", "138-0000-0001", world.student.name):
        assert secret not in text


def test_a_missing_weekly_log_reaches_the_student_by_sms_once(world):
    """A student's log reminders default to SMS (issue 30): the weekly reminder of a missing log
    goes out as the `log_late` template, once per week however often the reminders run."""
    placement = _offered(world)
    today = utcnow().date()
    # An internship running since three weeks (the steps before it are tested in tests/internships).
    db.session.execute(
        update(Placement)
        .where(Placement.id == placement.id)
        .values(status=PlacementStatus.IN_PROGRESS.value, starts_on=today - timedelta(days=21))
    )
    db.session.commit()
    assert internships.send_reminders(today) >= 1
    db.session.commit()
    sending.send_due(wait=False)
    (message,) = _sms(world.student, "log_late")
    assert message.status == "sent" and message.recipient == NUMBER
    assert set(message.params) == {"name", "link"}
    internships.send_reminders(today)
    db.session.commit()
    assert len(_sms(world.student, "log_late")) == 1
