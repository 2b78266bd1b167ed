"""User accounts, roles and organisation membership."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, UTCDateTime, utcnow
from portal.platform.roles import Role

if TYPE_CHECKING:
    from portal.organisations.models import Organisation
    from portal.programs.models import Program


class MembershipStatus(State):
    """A member's standing in their organisation.

    Staff who join an existing organisation, and students, wait for an active
    member of that organisation to approve (confirm) them.
    """

    PENDING = "pending", _l("Pending"), "warn"
    ACTIVE = "active", _l("Active"), "good"
    REJECTED = "rejected", _l("Rejected"), "bad"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    audit_subject: ClassVar[object] = _l("Account")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id"))
    membership_status: Mapped[str] = mapped_column(String(20), default=MembershipStatus.ACTIVE.value)
    membership_note: Mapped[str | None] = mapped_column(Text)
    # Rotated at logout, password change and disabling: every older session dies with it.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    disabled: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Students: needed for the internship rule "no student under 16" (given when applying).
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Students, given when applying for an internship: the year of entry (no 岗位实习 in the first
    # year) and the sex (work forbidden to women), 《职业学校学生实习管理规定》(2021) Art. 16(1), 16(4).
    entry_year: Mapped[int | None] = mapped_column()
    sex: Mapped[str | None] = mapped_column(String(1))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )
    program: Mapped[Program | None] = relationship()

    # Flask-Login: the id carries the session token, so a rotated token logs out old cookies.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_member_active(self) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE.value

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
