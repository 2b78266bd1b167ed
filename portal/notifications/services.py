"""Notifications: in-app, in the reader's language, and by e-mail, SMS or robot (portal.messaging).

A notification is a kind code plus parameters; `KINDS` maps each kind to a
message with %(param)s placeholders, translated when it is shown. Workflows call
`notify` / `notify_organisation` in the same transaction as the change they
report.

Each notification is also handed to the delivery hooks (portal.messaging): they
queue an e-mail, SMS or robot post as the person chose, sent by a background job
after the commit; a rollback discards it, and a failed send never undoes or
breaks anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from sqlalchemy import select, update

from portal.accounts.models import MembershipStatus, Role, User
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.platform import checks, links
from portal.platform.errors import NotFound
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow
from portal.platform.search import MAX_PAGE
from portal.platform.security import area_of, is_safe_next

log = logging.getLogger(__name__)

PER_PAGE = 30
SUBJECT_MAX = 150

# kind -> message. Later workflows add: proposal, reply, admission, allocation_published, approval, rejection.
KINDS: dict[str, Any] = {
    "organisation_verified": _l("%(organisation)s has been verified: you can now publish."),
    "organisation_rejected": _l("%(organisation)s was not verified. Reason: %(reason)s"),
    "member_approved": _l("Your request to join %(organisation)s has been approved."),
    "member_rejected": _l("Your request to join %(organisation)s was declined. Reason: %(reason)s"),
    "student_confirmed": _l("%(organisation)s has confirmed you as a student of %(program)s."),
    # Named classes (portal.named_classes.services).
    "named_class_published": _l("%(school)s has published the named class %(named_class)s."),
    "application_submitted": _l("%(student)s has applied to %(named_class)s."),
    "application_withdrawn": _l("%(student)s has withdrawn the application to %(named_class)s."),
    "application_reviewed": _l(
        "%(enterprise)s has approved %(student)s for %(named_class)s; the school can admit."
    ),
    "admission": _l("You have been admitted to %(named_class)s (%(enterprise)s)."),
    "rejection": _l("Your application to %(named_class)s was not successful. Reason: %(reason)s"),
    # Partnership proposals (portal.partnerships.services).
    "proposal": _l("%(organisation)s asks to cooperate on “%(posting)s” with the major %(program)s."),
    "reply": _l("%(organisation)s is interested in the proposal “%(posting)s” – %(program)s."),
    "proposal_declined": _l(
        "%(organisation)s declined the proposal “%(posting)s” – %(program)s. Reason: %(reason)s"
    ),
    "terms_proposed": _l(
        "%(organisation)s proposed terms for “%(posting)s” – %(program)s: accept them or propose others."
    ),
    "cooperation_agreed": _l("%(organisation)s accepted the terms: the cooperation “%(title)s” is agreed."),
    # Administration: postings moderation and pilots (portal.postings.services, portal.pilots.services).
    "posting_taken_down": _l(
        "Your posting “%(posting)s” was taken down by an administrator. Reason: %(reason)s"
    ),
    "pilot_approved": _l(
        "“%(cooperation)s” has been approved as a pilot partnership; public notice until %(notice_ends_on)s."
    ),
    "pilot_rejected": _l("The pilot application for “%(cooperation)s” was rejected. Reason: %(reason)s"),
    "pilot_returned": _l("The pilot application for “%(cooperation)s” was returned for changes: %(reason)s"),
    "pilot_withdrawn": _l("The pilot approval of “%(cooperation)s” was withdrawn. Reason: %(reason)s"),
    "pilot_enterprise_recommended": _l(
        "The district recommends %(organisation)s to the province as an industry–education integration "
        "enterprise; the public notice runs until %(notice_ends_on)s."
    ),
    "pilot_enterprise_confirmed": _l(
        "The province confirmed %(organisation)s as an industry–education integration enterprise "
        "(%(document)s, %(date)s)."
    ),
    "pilot_enterprise_not_confirmed": _l(
        "The province did not confirm %(organisation)s as an industry–education integration enterprise "
        "(%(document)s, %(date)s)."
    ),
    "pilot_enterprise_withdrawn": _l(
        "The district withdrew its recommendation of %(organisation)s. Reason: %(reason)s"
    ),
    "pilot_enterprise_rejected": _l(
        "The district does not recommend %(organisation)s to the province. Reason: %(reason)s"
    ),
    "pilot_enterprise_revoked": _l(
        "The pilot enterprise status of %(organisation)s was revoked. Reason: %(reason)s"
    ),
    # Two-way exchange (portal.exchanges.services).
    "exchange_proposed": _l(
        "%(organisation)s accepted an exchange: %(person)s – %(placement)s (%(term)s, %(hours)s hours). "
        "Your acceptance is awaited."
    ),
    "exchange_agreed": _l("Exchange agreed: %(person)s – %(placement)s (%(term)s, %(hours)s hours)."),
    "exchange_cancelled": _l(
        "%(organisation)s cancelled the exchange %(person)s – %(placement)s. Reason: %(reason)s"
    ),
    # Modern apprenticeship allocation (portal.apprenticeships.services).
    "allocation_published": _l("The apprenticeship allocation of “%(programme)s” has been published."),
    # Internships (portal.internships.services).
    "internship_applied": _l("%(student)s has applied for the internship “%(posting)s”."),
    "internship_offered": _l(
        "%(enterprise)s offers you the internship “%(posting)s”: read the terms and answer."
    ),
    "internship_accepted": _l(
        "%(student)s accepted the internship “%(posting)s” at %(enterprise)s; the school approves next."
    ),
    "internship_declined": _l("%(student)s declined the internship “%(posting)s”."),
    "internship_rejected": _l(
        "The internship “%(posting)s” of %(student)s will not go ahead. Reason: %(reason)s"
    ),
    "internship_approved": _l(
        "The school approved the internship of %(student)s at %(enterprise)s (“%(posting)s”)."
    ),
    "internship_agreement_signed": _l(
        "The school, %(enterprise)s and %(student)s have all confirmed the "
        "internship agreement for “%(posting)s”."
    ),
    "internship_log_late": _l("Your internship log for the week of %(week)s is missing: write it now."),
    "internship_evaluation_late": _l("The monthly evaluation of %(student)s for %(month)s is missing."),
    "internship_completed": _l("The internship of %(student)s at %(enterprise)s is completed."),
    "internship_hired": _l("%(enterprise)s has hired %(student)s after the internship."),
}


class _Params(dict):
    """Formatting never fails on a parameter an older notification lacks."""

    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, params: dict[str, Any] | None) -> str:
    """The notification's text in the current locale."""
    message = KINDS.get(kind)
    if message is None:
        return kind
    return str(message) % _Params(params or {})


def link(area: str, subject: str, subject_id: int | None = None) -> str:
    """The page a notification about `subject` opens for a reader in `area` (`portal.platform.links`)."""

    return links.path(area, subject, subject_id)


def home_link(user: User) -> str:
    return link(area_of(user.role), "home")


# --- writing ----------------------------------------------------------------------


def notify(user: User, kind: str, link: str, **params: Any) -> Notification:
    """Tell one person; flushes, never commits. E-mail follows the commit when configured."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if link and not is_safe_next(link):
        raise ValueError(f"notification links are relative paths, got {link!r}")
    params = {
        key: value if isinstance(value, (int, float)) or value is None else str(value)
        for key, value in params.items()
    }
    note = Notification(user_id=user.id, kind=kind, params=params, link=link or "")
    db.session.add(note)
    db.session.flush()
    for hook in DELIVERY_HOOKS:
        hook(user, note)
    return note


def organisation_recipients(org: Organisation) -> list[User]:
    """The organisation's confirmed, enabled staff (students are not told about its affairs)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == org.id,
                User.membership_status == MembershipStatus.ACTIVE.value,
                User.disabled.is_(False),
                User.role != Role.STUDENT.value,
            )
            .order_by(User.id)
        )
    )


def notify_organisation(org: Organisation, kind: str, link: str, **params: Any) -> list[Notification]:
    return [notify(user, kind, link, **params) for user in organisation_recipients(org)]


# --- reading ----------------------------------------------------------------------


def unread_count(user: User) -> int:
    """Counted now (pages read `User.unread_notifications` with the session's user instead)."""
    return db.session.scalar(select(User.unread_notifications).where(User.id == user.id)) or 0


def list_for(user: User, page: int = 1, per_page: int = PER_PAGE):
    """The user's notifications, newest first, one page (Flask-SQLAlchemy Pagination)."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = min(max(int(page), 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


@dataclass(frozen=True)
class Day:
    """The notifications of one district day, newest first; `ago` is 0 for today, 1 for yesterday."""

    day: date
    ago: int
    items: list[Notification]


def by_day(items: list[Notification], today: date | None = None) -> list[Day]:
    """Group a page of notifications (already newest first) by the district date they arrived."""
    today = today or checks.district_today()
    days: list[Day] = []
    for note in items:
        created = note.created_at if note.created_at.tzinfo else note.created_at.replace(tzinfo=UTC)
        day = created.astimezone(checks.DISTRICT_TZ).date()
        if not days or days[-1].day != day:
            days.append(Day(day, (today - day).days, []))
        days[-1].items.append(note)
    return days


GROUPED_MAX = 500  # unread notices gathered into groups; past this, "mark all as read" still works


# The parameter that names what a notice is about, first found wins: twelve applications to one
# posting are one group; notices with none of these group by their kind alone.
SUBJECT_PARAMS = ("posting", "named_class", "programme", "cooperation", "title")


def subject_of(note: Notification) -> str:
    params = note.params or {}
    return next((str(params[key]) for key in SUBJECT_PARAMS if params.get(key)), "")


@dataclass(frozen=True)
class Group:
    """Unread notices of one kind about one subject, newest first."""

    kind: str
    subject: str
    items: list[Notification]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def newest(self) -> Notification:
        return self.items[0]


def _unread(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    order = (Notification.created_at.desc(), Notification.id.desc())
    return list(db.session.scalars(query.order_by(*order).limit(GROUPED_MAX)))


def unread_groups(user: User) -> list[Group]:
    """The user's unread notices grouped by kind and subject, the group with the newest notice first."""
    groups: dict[tuple[str, str], Group] = {}
    for note in _unread(user):
        key = (note.kind, subject_of(note))
        if key not in groups:
            groups[key] = Group(*key, [])
        groups[key].items.append(note)
    return list(groups.values())


def mark_group_read(user: User, kind: str, subject: str) -> int:
    """Mark read the user's own unread notices of one kind and subject; returns how many."""
    now = utcnow()
    notes = [note for note in _unread(user, kind) if subject_of(note) == subject]
    for note in notes:
        note.read_at = now
    db.session.flush()
    return len(notes)


def get_own(user: User, notification_id: int) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("Notification not found."))
    return note


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is harmless); another's is NotFound."""
    note = get_own(user, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()
    return note


def settle(user: User, link: str) -> None:
    """`user` acted on what these notices point at (`link`): they are read. An answered offer's
    notice stayed unread, counted on every page, until opened from the notification centre."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None), Notification.link == link)
        .values(read_at=utcnow())
    )


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0


# --- beyond the site -------------------------------------------------------------

# E-mail, SMS and 企业微信 robots: hooks that portal.messaging registers, called for each
# notification in its transaction (they queue outgoing messages, sent by a background job
# after the commit; a rollback discards them with the notification).
DELIVERY_HOOKS: list[Callable[[User, Notification], None]] = []
