"""Notifications: the right people are told, only they see them, in their language, e-mail when configured."""

from __future__ import annotations

import logging
import socket
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.extensions import db
from portal.messaging.models import OutgoingMessage
from portal.models import Notification, Organisation, User
from portal.notifications import services as notifications
from portal.organisations import services as organisations
from portal.platform.errors import NotFound
from tests.conftest import Builders, client_for


def _notes(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _total() -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


# --- who is told ---------------------------------------------------------------------------


def test_verification_tells_the_active_staff_only(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False, name="莱芜重工")
    pending = Builders.member(hr, "pending@example.com", "P")
    db.session.commit()
    assert client_for(app, admin).post(f"/admin/organisations/{hr.organisation_id}/verify").status_code == 302
    [note] = _notes(hr)
    assert note.kind == "organisation_verified"
    assert note.params == {"organisation": "莱芜重工"}  # parameters, not a sentence
    assert note.link == "/enterprise/" and note.read_at is None
    assert _notes(pending) == [] and _notes(admin) == []


def test_rejection_tells_members_with_the_reason(app, build):
    admin = build.admin()
    staff = build.school(verified=False)
    db.session.commit()
    client = client_for(app, admin)
    posted = client.post(
        f"/admin/organisations/{staff.organisation_id}/reject", data={"reason": "办学许可证缺失"}
    )
    assert posted.status_code == 302
    [note] = _notes(staff)
    assert note.kind == "organisation_rejected" and note.params["reason"] == "办学许可证缺失"
    assert note.link == "/school/"
    page = client_for(app, staff).get("/auth/notifications").get_data(as_text=True)
    assert "办学许可证缺失" in page


def test_member_decisions_tell_that_member(app, build):
    hr = build.enterprise(name="钢城新材")
    joiner = Builders.member(hr, "join@example.com")
    declined = Builders.member(hr, "no@example.com", "N")
    db.session.commit()
    client = client_for(app, hr)
    client.post(f"/enterprise/members/{joiner.id}/approve")
    client.post(f"/enterprise/members/{declined.id}/reject", data={"reason": "非本单位员工"})
    [approved] = _notes(joiner)
    assert approved.kind == "member_approved" and approved.params == {"organisation": "钢城新材"}
    [rejected] = _notes(declined)
    assert rejected.kind == "member_rejected" and rejected.params["reason"] == "非本单位员工"
    assert _notes(hr) == [n for n in _notes(hr) if n.kind == "organisation_verified"]
    # A declined member can still read why.
    page = client_for(app, declined).get("/auth/notifications")
    assert page.status_code == 200 and "非本单位员工" in page.get_data(as_text=True)


def test_student_confirmation_tells_the_student(app, build):
    staff = build.school(name="莱芜职业中专", programs=("焊接技术应用",))
    student = build.student(staff, confirmed=False)
    assert client_for(app, staff).post(f"/school/members/{student.id}/approve").status_code == 302
    [note] = _notes(student)
    assert note.kind == "student_confirmed" and note.link == "/student/"
    assert note.params == {"organisation": "莱芜职业中专", "program": "焊接技术应用"}


def test_students_are_not_told_about_their_schools_affairs(app, build):
    staff = build.school()
    student = build.student(staff)
    told = notifications.notify_organisation(
        staff.organisation, "organisation_verified", "/school/", organisation="x"
    )
    assert [n.user_id for n in told] == [staff.id]
    assert _notes(student) == [n for n in _notes(student) if n.kind == "student_confirmed"]


def test_refused_action_tells_nobody(app, build):
    admin = build.admin()
    hr = build.enterprise()
    db.session.commit()
    before = _total()
    client = client_for(app, admin)
    assert client.post(f"/admin/organisations/{hr.organisation_id}/verify").status_code == 400
    rejected = client.post(f"/admin/organisations/{hr.organisation_id}/reject", data={"reason": "x"})
    assert rejected.status_code == 400
    assert _total() == before


def test_links_must_be_relative_and_kinds_known(app, build):
    hr = build.enterprise()
    with pytest.raises(ValueError):
        notifications.notify(hr, "organisation_verified", "https://evil.example/", organisation="x")
    with pytest.raises(ValueError):
        notifications.notify(hr, "no_such_kind", "/enterprise/")


# --- the notification centre ---------------------------------------------------------------


def test_centre_unread_count_and_marking(app, build):
    hr = build.enterprise()  # told of its verification
    for i in range(2):
        notifications.notify(hr, "member_approved", "/enterprise/members", organisation=f"单位{i}")
    db.session.commit()
    assert notifications.unread_count(hr) == 3
    client = client_for(app, hr)
    page = client.get("/auth/notifications").get_data(as_text=True)
    assert 'data-testid="unread-count">3<' in page
    assert "单位0" in page and "单位1" in page
    assert notifications.unread_count(hr) == 3  # reading the list marks nothing

    first, second, third = _notes(hr)
    response = client.post(f"/auth/notifications/{second.id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/enterprise/members"
    assert notifications.unread_count(hr) == 2
    assert client.post(f"/auth/notifications/{second.id}/read").status_code == 302  # again: harmless
    assert 'data-testid="unread-count">2<' in client.get("/enterprise/").get_data(as_text=True)

    assert client.post("/auth/notifications/read-all").status_code == 302
    assert notifications.unread_count(hr) == 0
    assert 'data-testid="unread-count"' not in client.get("/enterprise/").get_data(as_text=True)
    assert all(n.read_at is not None for n in _notes(hr))


def test_badge_for_every_role(app, build):
    staff = build.school()
    people = [build.enterprise(), staff, build.student(staff), build.admin()]
    db.session.commit()
    for person in people:
        notifications.notify(person, "member_approved", "/", organisation="x")
    db.session.commit()
    for person in people:
        html = client_for(app, person).get("/auth/notifications").get_data(as_text=True)
        expected = notifications.unread_count(person)
        assert f'data-testid="unread-count">{expected}<' in html, person.role
    assert 'data-testid="notifications-link"' not in app.test_client().get("/").get_data(as_text=True)


def test_the_badge_is_read_with_the_session_user(app, build):
    """The unread count costs no statement of its own: it is a column of the session user's."""
    from sqlalchemy import event

    hr = build.enterprise()
    notifications.notify(hr, "member_approved", "/", organisation="x")
    db.session.commit()
    client = client_for(app, hr)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/enterprise/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert 'data-testid="unread-count">2<' in page  # told of its verification, then "x"
    [user_statement] = [s for s in statements if s.startswith(("select user.id", 'select "user".id'))]
    assert "notification" in user_statement
    others = [s for s in statements if "from notification" in s and s != user_statement]
    assert others == [], others


def test_nobody_sees_or_marks_another_users_notifications(app, build):
    hr_a = build.enterprise(name="甲企业")
    hr_b = build.enterprise(name="乙企业")
    [note_a] = _notes(hr_a)
    client_b = client_for(app, hr_b)
    page = client_b.get("/auth/notifications").get_data(as_text=True)
    assert "甲企业" not in page
    assert client_b.post(f"/auth/notifications/{note_a.id}/read").status_code == 404
    assert client_b.post(f"/auth/notifications/{note_a.id}/read", data={"open": "1"}).status_code == 404
    assert client_b.post("/auth/notifications/read-all").status_code == 302
    [again] = _notes(hr_a)
    assert again.read_at is None
    with pytest.raises(NotFound):
        notifications.mark_read(hr_b, note_a.id)
    db.session.rollback()
    assert client_b.post("/auth/notifications/999999/read").status_code == 404


def test_centre_needs_login(app):
    client = app.test_client()
    response = client.get("/auth/notifications")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post("/auth/notifications/read-all").status_code == 302
    assert client.post("/auth/notifications/1/read").status_code == 302


def test_text_in_the_readers_language(app, build):
    hr = build.enterprise(name="莱芜重工")
    [note] = _notes(hr)
    with force_locale("en"):
        english = notifications.render(note.kind, note.params)
    assert english == "莱芜重工 has been verified: you can now publish."
    client = client_for(app, hr)
    client.post("/lang", data={"lang": "en"})
    assert english in client.get("/auth/notifications").get_data(as_text=True)
    client.post("/lang", data={"lang": "zh"})
    page = client.get("/auth/notifications").get_data(as_text=True)
    with force_locale("zh"):
        assert notifications.render(note.kind, note.params) in page
    assert 'lang="zh-CN"' in page


def test_script_in_parameters_is_escaped(app, build):
    hr = build.enterprise()
    notifications.notify(
        hr, "organisation_rejected", "/enterprise/", organisation="x", reason="<script>alert(1)</script>"
    )
    db.session.commit()
    page = client_for(app, hr).get("/auth/notifications").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_deleting_an_account_takes_its_notifications(app, build):
    hr = build.enterprise()
    joiner = Builders.member(hr, "join@example.com")
    organisations.approve_member(hr, joiner.id)
    db.session.commit()
    assert _notes(joiner)
    db.session.delete(db.session.get(User, joiner.id))
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == joiner.id)
        )
        == 0
    )


# --- e-mail against a real local SMTP server ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def wait_for(self, n: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app_factory, smtp_server):
    inbox, port = smtp_server
    app = app_factory(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_FROM="noreply@xiaoqi.test",
        SITE_URL="https://xqt.example.cn",
    )
    with app.app_context():
        yield app, inbox


def test_mail_sent_after_commit_in_the_recipients_language(mail_app):
    from tests.conftest import Builders

    app, inbox = mail_app
    build = Builders()
    admin = build.admin()
    zh_hr = build.enterprise(verified=False, name="莱芜重工")
    en_hr = build.enterprise(verified=False, name="Laiwu Steel")
    accounts.set_locale(en_hr, "en")
    db.session.commit()
    assert inbox.messages == []  # nothing to tell yet

    client = client_for(app, admin)
    assert client.post(f"/admin/organisations/{zh_hr.organisation_id}/verify").status_code == 302
    posted = client.post(
        f"/admin/organisations/{en_hr.organisation_id}/reject", data={"reason": "licence unreadable"}
    )
    assert posted.status_code == 302
    messages = inbox.wait_for(2)
    assert len(messages) == 2
    (zh_to, zh_msg), (en_to, en_msg) = messages
    assert zh_to == [zh_hr.email] and zh_msg["To"] == zh_hr.email
    assert zh_msg["From"] == "noreply@xiaoqi.test"
    with force_locale("zh"):
        zh_text = notifications.render("organisation_verified", {"organisation": "莱芜重工"})
    assert zh_msg["Subject"].strip().startswith("校企通") and zh_text in zh_msg["Subject"]
    assert zh_text in zh_msg.get_content() and "https://xqt.example.cn/enterprise/" in zh_msg.get_content()
    assert en_to == [en_hr.email]
    # strip(): Python's parser keeps the space of a folded long header.
    expected = "Xiaoqi Bridge: Laiwu Steel was not verified. Reason: licence unreadable"
    assert en_msg["Subject"].strip() == expected
    assert "Laiwu Steel was not verified" in en_msg.get_content()


def _mails(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutgoingMessage).where(OutgoingMessage.user_id == user.id)
    )


def test_no_mail_when_the_change_is_rolled_back(mail_app):
    from tests.conftest import Builders

    app, inbox = mail_app
    hr = Builders().enterprise()
    inbox.wait_for(1)
    inbox.messages.clear()
    before = _mails(hr)
    notifications.notify(hr, "member_approved", "/enterprise/", organisation="x")
    db.session.rollback()
    db.session.commit()
    # Mail is an outgoing message written with the notification (portal.messaging): the rollback
    # took both, and the job (inline in tests) had nothing to send.
    assert inbox.messages == []
    assert _mails(hr) == before


def test_no_mail_unless_configured(app_factory, smtp_server):
    from tests.conftest import Builders

    inbox, _ = smtp_server
    app = app_factory()  # MAIL_SERVER unset
    with app.app_context():
        assert app.config["MAIL_SERVER"] is None
        build = Builders()
        admin = build.admin()
        hr = build.enterprise(verified=False)
        db.session.commit()
        response = client_for(app, admin).post(f"/admin/organisations/{hr.organisation_id}/verify")
        assert response.status_code == 302
        assert len(_notes(hr)) == 1  # in-app all the same
    assert inbox.messages == []


def test_smtp_down_never_breaks_the_request(app_factory, caplog):
    from tests.conftest import Builders

    # Nothing listens there; the send job gives up at once instead of waiting for its retries.
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MESSAGE_MAX_WAIT_SECONDS=0)
    with app.app_context():
        build = Builders()
        admin = build.admin()
        hr = build.enterprise(verified=False)
        db.session.commit()
        with caplog.at_level(logging.WARNING, logger="portal.messaging.sending"):
            response = client_for(app, admin).post(f"/admin/organisations/{hr.organisation_id}/verify")
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(Organisation, hr.organisation_id).status == "verified"
        assert len(_notes(hr)) == 1
        assert any("attempt 1 failed" in r.getMessage() for r in caplog.records)
        mail = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.user_id == hr.id))
        assert mail.status == "pending" and mail.attempts == 1 and mail.last_error.startswith("smtp")


# --- where links lead: one table, no endpoint named in a service ---------------------------


def test_every_page_a_service_may_link_to_builds(app):
    from portal.platform import links

    with app.test_request_context():
        for (area, subject), (_endpoint, parameter) in links.PAGES.items():
            path = links.path(area, subject, 7 if parameter else None)
            assert path.startswith(f"/{area}" if area != "public" else "/"), (area, subject, path)
        for area, key in links.INBOX:
            assert links.inbox_url(area, key).startswith(f"/{area}"), (area, key)


def test_services_name_no_blueprint_endpoint():
    """Services say what a link is about; `portal.platform.links` alone knows endpoints (issue 10, 5)."""
    import pathlib
    import re

    endpoint = re.compile(r"""["'](school|enterprise|student|admin|public|auth)\.[a-z_]+["'.]|url_for\(""")
    portal = pathlib.Path(notifications.__file__).parents[1]
    areas = {"admin", "api", "auth", "enterprise", "public", "school", "student", "rules", "models"}
    plumbing = {"locking", "jobs", "checks", "errors", "events", "uploads", "spreadsheets"}
    services = [
        f
        for f in [*portal.glob("*/*.py"), *portal.glob("*/services/*.py"), portal / "inbox.py"]
        if f.parts[-2] not in areas
        and not f.stem.endswith(("views", "models"))
        and f.stem not in {"forms", "__init__", "school", "enterprise", "student"}
        and (f.parts[-2] != "platform" or f.stem in plumbing)
    ]
    assert len(services) > 40
    named = [
        f"{f.name}:{n}"
        for f in services
        for n, line in enumerate(f.read_text().splitlines(), 1)
        if endpoint.search(line)
    ]
    assert named == []


def test_a_notification_opens_the_readers_own_page(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = build.cooperation(staff, hr)
    link = notifications.link("school", "named_class", 3)
    assert link == "/school/named-classes/3"
    assert (
        notifications.link("enterprise", "proposal", cooperation.id)
        == f"/enterprise/proposals/{cooperation.id}"
    )
    assert notifications.home_link(staff) == "/school/"
