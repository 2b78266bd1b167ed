"""A student's profile for internships and jobs: what the student chooses to show, with consent.

Visible to the student's school, and to an enterprise only for the applications the student sent
(or when the student opts in to be found); every enterprise view is written to the audit log
(services/profiles.py). Deleting the profile deletes the row, CV included.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User


class StudentProfile(db.Model):
    __tablename__ = "student_profile"
    audit_subject: ClassVar[object] = _l("Student profile")

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    entry_year: Mapped[int | None] = mapped_column()
    hometown: Mapped[str | None] = mapped_column(String(40))  # a town code of portal.platform.vocab.TOWNS
    statement: Mapped[str] = mapped_column(Text, default="")
    # [{"name", "level", "date"}]: 1+X and 职业技能等级 certificates.
    certificates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"level", "event", "prize"}]: 技能大赛 awards.
    awards: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    discoverable: Mapped[bool] = mapped_column(
        default=False
    )  # enterprises may find it without an application
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the student agreed to the processing
    cv: Mapped[bytes | None] = mapped_column(LargeBinary)  # a PDF, checked by content
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    student: Mapped[User] = relationship()
