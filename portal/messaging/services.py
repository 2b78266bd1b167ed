"""Channels: how each person is told, per topic of notification, and the organisation's robot.

`deliver` is the one hook portal.notifications.services calls for each notification it writes
(in the same transaction): it reads the person's choice for the notification's topic (or their
role's default) and queues the message (portal.messaging.sending). A staff notice is also
posted to the organisation's 企业微信 robot, once per transaction and notice.

    channel:  site (nothing more) | email | sms | digest (one e-mail a day, send_digests)

SMS falls back to e-mail when the person has no number or SMS is off; e-mail is sent only when
MAIL_SERVER is set (as before). Reminders (`remind_open_offers`) stop by themselves once the
offer is answered: none is queued for an answered offer, and one already queued is cancelled
when its turn comes (sending.STILL_NEEDED).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.internships.models import Placement, PlacementStatus
from portal.messaging import phones, sending
from portal.messaging.models import Channel, ChannelPreference, OutgoingMessage, WecomRobot
from portal.messaging.sms_templates import KIND_TEMPLATES, NAME_MAX
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.platform import checks, links
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.security import area_of

TOPICS = {
    "offers": _l("Internship offers"),
    "logs": _l("Reminders of logs and evaluations"),
    "other": _l("Everything else"),
}
TOPIC_OF_KIND = {
    "internship_offered": "offers",
    "internship_log_late": "logs",
    "internship_evaluation_late": "logs",
}
PERSON_CHANNELS = (Channel.SITE, Channel.EMAIL, Channel.SMS, Channel.DIGEST)
# A student lives on the phone: offers and log reminders by SMS; staff read e-mail.
DEFAULTS = {
    Role.STUDENT.value: {"offers": "sms", "logs": "sms", "other": "email"},
}
STAFF_DEFAULT = {"offers": "email", "logs": "email", "other": "email"}
_ROBOT_POSTED = "messaging_robot_posted"


def topic_of(kind: str) -> str:
    return TOPIC_OF_KIND.get(kind, "other")


def preferences(user: User) -> dict[str, str]:
    chosen = dict(DEFAULTS.get(user.role, STAFF_DEFAULT))
    for row in db.session.scalars(select(ChannelPreference).where(ChannelPreference.user_id == user.id)):
        if row.topic in chosen:
            chosen[row.topic] = row.channel
    return chosen


def set_preferences(user: User, wanted: dict[str, str]) -> dict[str, str]:
    problems = Problems()
    allowed = {c.value for c in PERSON_CHANNELS}
    for topic in TOPICS:
        if wanted.get(topic) not in allowed:
            problems.add(_l("Please choose a valid value."), field=topic)
    if wanted.get("offers") == "sms" or wanted.get("logs") == "sms" or wanted.get("other") == "sms":
        if phones.number_of(user) is None:
            problems.add(_l("Add and verify your mobile number first to receive SMS."), field="phone")
    problems.raise_if_any()
    rows = {
        row.topic: row
        for row in db.session.scalars(select(ChannelPreference).where(ChannelPreference.user_id == user.id))
    }
    for topic in TOPICS:
        row = rows.get(topic) or ChannelPreference(user_id=user.id, topic=topic)
        row.channel = wanted[topic]
        db.session.add(row)
    db.session.flush()
    return preferences(user)


# --- the hook -----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return (current_app.config.get("SITE_URL") or "").rstrip("/") + (path or "")


def _short_link(message_path: str) -> str:
    site = (current_app.config.get("SITE_URL") or "").split("://")[-1].rstrip("/")
    return site + message_path


def _locale(user: User) -> str:
    config = current_app.config
    return user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _email(user: User, note: Notification, *, dedupe_key: str | None = None) -> OutgoingMessage | None:
    if not current_app.config.get("MAIL_SERVER") or not user.email:
        return None
    with force_locale(_locale(user)):
        text = notifications.render(note.kind, note.params)
        lines = [text, ""]
        if note.link:
            lines += [_("Open it here: %(link)s", link=_absolute(note.link)), ""]
        lines.append(_("You receive this e-mail because you have an account on Xiaoqi Bridge."))
        subject = f"{_('Xiaoqi Bridge')}: {text}"
    if len(subject) > notifications.SUBJECT_MAX:
        subject = subject[: notifications.SUBJECT_MAX - 1] + "…"
    return sending.queue_email(
        user.email, subject, "\n".join(lines), user=user, notification_id=note.id, dedupe_key=dedupe_key
    )


def _sms(user: User, note: Notification, phone: str) -> OutgoingMessage:
    template = KIND_TEMPLATES.get(note.kind, "notice")
    about = None
    if note.kind == "internship_offered" and note.link:
        about = _placement_about(note)
    message = sending.queue_sms(
        phone, template, {"name": user.name[:NAME_MAX]}, user=user, notification_id=note.id, about=about
    )
    message.params = {**message.params, "link": _short_link(f"/m/{message.id}")}
    db.session.flush()
    return message


def _placement_about(note: Notification) -> str | None:
    tail = note.link.rstrip("/").rsplit("/", 1)[-1]
    return f"placement:{tail}" if tail.isdigit() else None


_SEEN = "messaging_seen"  # per transaction: a person's choices and number, an organisation's robot


def _remembered(key: tuple, compute):
    """Read once per transaction: a recompute that notifies hundreds of people reads each
    person's choices once, not once per notification."""
    seen = db.session.info.setdefault(_SEEN, {})
    if key not in seen:
        seen[key] = compute()
    return seen[key]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_SEEN, None)
    session.info.pop(_ROBOT_POSTED, None)


def deliver(user: User, note: Notification) -> None:
    """The notifications hook: send `note` the way `user` chose (flushes, never commits)."""
    if user.disabled:
        return
    chosen = _remembered(("prefs", user.id), lambda: preferences(user))
    channel = chosen.get(topic_of(note.kind), "site")
    if channel == "sms":
        phone = _remembered(("phone", user.id), lambda: phones.number_of(user))
        if phone and current_app.config["SMS_PROVIDER"] != "none":
            _sms(user, note, phone)
        else:
            _email(user, note)
    elif channel == "email":
        _email(user, note)
    if user.role != Role.STUDENT.value and user.organisation_id is not None:
        _robot(user.organisation_id, note)


def _robot(organisation_id: int, note: Notification) -> None:
    url = _remembered(("robot", organisation_id), lambda: _robot_url(organisation_id))
    if url is None:
        return
    posted = db.session.info.setdefault(_ROBOT_POSTED, set())
    key = (organisation_id, note.kind, repr(sorted(note.params.items())))
    if key in posted:  # the same notice to each of the organisation's staff: one post
        return
    posted.add(key)
    with force_locale("zh"):
        text = notifications.render(note.kind, note.params)
    if note.link:
        text += "\n" + _absolute(note.link)
    sending.queue_wecom(url, text, organisation_id=organisation_id)


def _robot_url(organisation_id: int) -> str | None:
    robot = db.session.get(WecomRobot, organisation_id)
    return robot.url if robot else None


# --- reminders and digests ----------------------------------------------------------------------


def _offer_still_open(message: OutgoingMessage) -> bool:
    if not (message.about or "").startswith("placement:"):
        return True
    placement = db.session.get(Placement, int(message.about.split(":")[1]))
    return placement is not None and placement.status == PlacementStatus.OFFERED.value


sending.STILL_NEEDED["offer"] = _offer_still_open
sending.STILL_NEEDED["offer_reminder"] = _offer_still_open


def remind_open_offers(today: date | None = None) -> int:
    """One SMS a day to each student whose offer is still unanswered (those who chose SMS for
    offers and have a number); the number of reminders queued."""
    today = today or checks.district_today()
    queued = 0
    open_offers = db.session.scalars(
        select(Placement).where(Placement.status == PlacementStatus.OFFERED.value).order_by(Placement.id)
    )
    for placement in open_offers:
        student = db.session.get(User, placement.student_id)
        if student is None or student.disabled or preferences(student).get("offers") != "sms":
            continue
        phone = phones.number_of(student)
        key = f"offer_reminder:{placement.id}:{today.isoformat()}"
        if phone is None or db.session.scalar(
            select(OutgoingMessage.id).where(OutgoingMessage.dedupe_key == key)
        ):
            continue
        message = sending.queue_sms(
            phone,
            "offer_reminder",
            {"name": student.name[:NAME_MAX]},
            user=student,
            about=f"placement:{placement.id}",
            dedupe_key=key,
        )
        message.params = {**message.params, "link": _short_link(f"/m/{message.id}")}
        message.params["path"] = links.path("student", "placement", placement.id)
        queued += 1
    db.session.flush()
    return queued


def send_digests(today: date | None = None) -> int:
    """One e-mail per person who chose the digest for some topic, with that topic's notifications
    of the district day before `today`; the number of digests queued."""
    today = today or checks.district_today()
    day = today - timedelta(days=1)
    start = datetime.combine(day, time.min, tzinfo=checks.DISTRICT_TZ)
    end = start + timedelta(days=1)
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    user_ids = db.session.scalars(
        select(ChannelPreference.user_id).where(ChannelPreference.channel == "digest").distinct()
    )
    queued = 0
    for user_id in list(user_ids):
        user = db.session.get(User, user_id)
        key = f"digest:{user_id}:{day.isoformat()}"
        if (
            user is None
            or user.disabled
            or db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.dedupe_key == key))
        ):
            continue
        topics = {t for t, c in preferences(user).items() if c == "digest"}
        notes = [
            n
            for n in db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.created_at >= start,
                    Notification.created_at < end,
                )
                .order_by(Notification.id)
            )
            if topic_of(n.kind) in topics
        ]
        if not notes:
            continue
        with force_locale(_locale(user)):
            lines = [f"· {notifications.render(n.kind, n.params)}" for n in notes]
            subject = _("Xiaoqi Bridge: %(n)d notifications of %(day)s", n=len(notes), day=day.isoformat())
            body = "\n".join([*lines, "", _absolute("/auth/notifications")])
        sending.queue_email(user.email, subject, body, user=user, dedupe_key=key)
        queued += 1
    return queued


# --- reading ------------------------------------------------------------------------------------


def sent_where(notes: list[Notification]) -> dict[int, list[OutgoingMessage]]:
    """For the notification page: the messages each notification went out as."""
    ids = [n.id for n in notes]
    found: dict[int, list[OutgoingMessage]] = {}
    if not ids:
        return found
    for message in db.session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.notification_id.in_(ids)).order_by(OutgoingMessage.id)
    ):
        found.setdefault(message.notification_id, []).append(message)
    return found


def messages_of(user: User, limit: int = 50) -> list[OutgoingMessage]:
    return list(
        db.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.user_id == user.id)
            .order_by(OutgoingMessage.id.desc())
            .limit(limit)
        )
    )


def open_link(user: User, message_id: int) -> str:
    """Where an SMS's short link leads its recipient (another person's message: not found)."""
    message = db.session.get(OutgoingMessage, message_id) if checks.is_id(message_id) else None
    if message is None or message.user_id != user.id:
        raise NotFound(_l("Message not found."))
    if message.params.get("path"):
        return message.params["path"]
    if message.notification_id:
        note = db.session.get(Notification, message.notification_id)
        if note is not None and note.link:
            return note.link
    return notifications.home_link(user) if area_of(user.role) else "/"


# --- the organisation's robot --------------------------------------------------------------------

ROBOT_PREFIX = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="


def robot_of(user: User) -> WecomRobot | None:
    if user.organisation_id is None or user.role == Role.STUDENT.value:
        return None
    return db.session.get(WecomRobot, user.organisation_id)


def connect_robot(user: User, url: str) -> WecomRobot:
    """An active staff member connects their organisation's 企业微信 group robot."""
    if user.role == Role.STUDENT.value or user.organisation_id is None or not user.is_member_active:
        raise ServiceError(_l("Only active members of an enterprise or a school can connect a robot."))
    url = (url or "").strip()
    local = current_app.config["ENV"] != "production" and url.startswith("http://127.0.0.1:")
    if not (url.startswith(ROBOT_PREFIX) and len(url) > len(ROBOT_PREFIX) or local) or len(url) > 300:
        raise ServiceError(
            _l("Paste the robot's webhook address, beginning with %(prefix)s", prefix=ROBOT_PREFIX),
            field="url",
        )
    robot = db.session.get(WecomRobot, user.organisation_id) or WecomRobot(
        organisation_id=user.organisation_id
    )
    robot.url, robot.created_by_id = url, user.id
    db.session.add(robot)
    db.session.flush()
    return robot


def disconnect_robot(user: User) -> None:
    robot = robot_of(user)
    if robot is None:
        raise NotFound(_l("No robot is connected."))
    db.session.delete(robot)
    db.session.flush()
