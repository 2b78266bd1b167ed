"""In-app notifications.

A notification stores a kind code and its parameters, never a sentence: the
text is rendered in the reader's language when it is shown (see
`portal.notifications.services.KINDS`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from portal.accounts.models import User
from portal.extensions import db
from portal.platform.model_base import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notification"
    # The unread badge counts on every page: (user_id, read_at) answers it from the index.
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A deleted account takes its notifications with it.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} user={self.user_id} {self.kind}>"


# The nav's unread badge is on every logged-in page: it is read in the session user's one
# statement (`accounts.services._session_user` loads the "session" group), not in a statement of
# its own (issue 31, the base cost of a page). Elsewhere a user is read without it.
User.unread_notifications = column_property(
    select(func.count())
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate_except(Notification)
    .scalar_subquery(),
    deferred=True,
    group="session",
)
