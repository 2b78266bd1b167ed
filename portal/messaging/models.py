"""Messaging: phone numbers, SMS codes, outgoing messages and channel preferences.

A person's mobile number lives in its own table (one per account, unique in the district),
stored in E.164 (`+8613800000000`). SMS codes are stored as an HMAC of the code, never the
code. Every message that leaves the platform (SMS, e-mail, a 企业微信 robot post) is an
`OutgoingMessage` row written in the transaction of the change it reports (an outbox) and
sent by a background job (portal.messaging.sending).

    message:  pending → sending → sent | failed | cancelled;  sending → pending (retry, or a
              lease that ran out because the worker died)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, utcnow


class PhoneNumber(db.Model):
    """An account's verified mobile number (E.164), the key of SMS sign-in."""

    __tablename__ = "phone_number"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SmsCode(db.Model):
    """A six-digit code sent to a number: valid a few minutes, used once, dead after five wrong tries."""

    __tablename__ = "sms_code"
    __table_args__ = (
        Index("ix_sms_code_phone_created", "phone", "created_at"),
        Index("ix_sms_code_address_created", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(16))
    # HMAC-SHA256(SECRET_KEY, purpose:phone:code): a copy of the table alone gives no code.
    code_hash: Mapped[str] = mapped_column(String(64))
    # HMAC of the client address, for the per-address rate limit (no address is stored).
    address: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Channel(State):
    SITE = "site", _l("On the site only"), "neutral"
    EMAIL = "email", _l("E-mail"), "info"
    SMS = "sms", _l("SMS"), "info"
    DIGEST = "digest", _l("Daily e-mail digest"), "info"
    WECOM = "wecom", _l("WeChat Work group"), "info"


class ChannelPreference(db.Model):
    """How one person wants one topic of notifications (absent: the role's default)."""

    __tablename__ = "channel_preference"
    __table_args__ = (UniqueConstraint("user_id", "topic", name="uq_channel_preference_user_topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))


class WecomRobot(db.Model):
    """An organisation's 企业微信 group robot: its staff's notices are posted there too."""

    __tablename__ = "wecom_robot"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MessageStatus(State):
    PENDING = "pending", _l("Waiting to be sent"), "warn"
    SENDING = "sending", _l("Being sent"), "info"
    SENT = "sent", _l("Sent"), "good"
    FAILED = "failed", _l("Not delivered"), "bad"
    CANCELLED = "cancelled", _l("No longer needed"), "neutral"


class OutgoingMessage(Stateful, db.Model):
    __tablename__ = "outgoing_message"
    states = MessageStatus
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')", name="status_known"
        ),
        Index("ix_outgoing_message_status_next_attempt_at", "status", "next_attempt_at"),
        # One reminder of a kind per subject and day (see messaging.services.remind_open_offers).
        UniqueConstraint("dedupe_key", name="uq_outgoing_message_dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms | email | wecom
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"), index=True
    )
    # Where it goes: an E.164 number, an e-mail address or a robot URL. Kept here, never logged.
    recipient: Mapped[str] = mapped_column(String(300))
    # SMS: the template key (portal.messaging.templates) and its parameters; e-mail: subject and
    # body in params; robot: the text in params.
    template: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the message is about, e.g. "placement:12": a reminder about a step already taken is
    # cancelled instead of sent.
    about: Mapped[str | None] = mapped_column(String(40))
    dedupe_key: Mapped[str | None] = mapped_column(String(80))
    # Sent to providers that take one (Aliyun OutId, Tencent SessionContext): a repeat is traceable.
    idempotency_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # While sending: the worker's claim ends here; after it, another worker may take the message.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def channel_label(self) -> object:
        return Channel(self.channel).label
