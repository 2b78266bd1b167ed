"""Organisations: enterprises and schools, verified by administrators."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, step_table, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.programs.models import Program


class OrgStatus(State):
    PENDING = "pending", _l("Pending"), "warn"
    VERIFIED = "verified", _l("Verified"), "good"
    REJECTED = "rejected", _l("Rejected"), "bad"


class OrgKind(str, enum.Enum):
    ENTERPRISE = "enterprise"
    SCHOOL = "school"


class Organisation(Stateful, db.Model):
    """Single-table base of `Enterprise` and `School`: one verification queue for both."""

    __tablename__ = "organisation"
    states = OrgStatus
    steps = step_table(
        verify=(OrgStatus.PENDING, OrgStatus.REJECTED),
        reject=(OrgStatus.PENDING,),
        resubmit=(OrgStatus.REJECTED,),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=OrgStatus.PENDING.value, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", use_alter=True, name="fk_organisation_verified_by_id_user")
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Enterprise columns (NULL for schools).
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(40), index=True)
    contact_person: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(30))
    size: Mapped[str | None] = mapped_column(String(20))
    # Employees on the job (在岗职工总数), entered once and dated: the 10 % internship share.
    staff_count: Mapped[int | None] = mapped_column()
    staff_count_on: Mapped[date | None] = mapped_column(Date)
    # School columns (NULL for enterprises).
    school_kind: Mapped[str | None] = mapped_column(String(40))
    # 编制员额: teaching posts the school is funded for; part-time teachers from industry may fill up to
    # 20% of it (portal.exchanges.services.part_time_share). NULL until the school enters it.
    staffing_quota: Mapped[int | None] = mapped_column()
    # The yearly funding (yuan) that comes with the part-time posts of the 20% rule, and what the school
    # has spent of it this year: the school's own figures, for the report of quota use (莱芜政发〔2020〕5号
    # item 5). NULL until entered.
    part_time_funding: Mapped[int | None] = mapped_column()
    part_time_spending: Mapped[int | None] = mapped_column()
    # Whether the school recruits across the whole district (the district's 职业中专 and 技工学校 do) or
    # from its own town: the by-town alignment counts a district-wide school's intake in the district
    # pool, never in the town it happens to sit in (portal.planning.alignment).
    recruits_district_wide: Mapped[bool | None] = mapped_column()

    members: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "organisation"}

    @hybrid_property
    def is_verified(self) -> bool:
        """Verified by an administrator: the one filter for "a verified organisation", in Python
        (`org.is_verified`) and in queries (`.where(School.is_verified)`)."""
        return self.status == OrgStatus.VERIFIED.value

    @property
    def is_enterprise(self) -> bool:
        return self.kind == OrgKind.ENTERPRISE.value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r} {self.status}>"


class Enterprise(Organisation):
    __mapper_args__ = {"polymorphic_identity": OrgKind.ENTERPRISE.value}


class School(Organisation):
    __mapper_args__ = {"polymorphic_identity": OrgKind.SCHOOL.value}

    programs: Mapped[list[Program]] = relationship(back_populates="school", order_by="Program.name")
