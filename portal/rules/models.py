"""Rule settings administrators keep (`RuleSetting`): the values of rules whose source could not
be confirmed, or that a source leaves to the district (see `portal.rules.settings`).

Rows are never changed: the latest row of a key wins, so who set what, when and why stays
readable, and a record made under an earlier value keeps the value it was made under.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import UTCDateTime, utcnow


class RuleSetting(db.Model):
    __tablename__ = "rule_setting"
    audit_subject: ClassVar[object] = _l("Rule setting")
    __table_args__ = (Index("ix_rule_setting_key_id", "key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(200))
    # Why this value: the source read, or the district's decision that stands in for one.
    note: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_by_email: Mapped[str | None] = mapped_column(String(254))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<RuleSetting {self.key}={self.value}>"
