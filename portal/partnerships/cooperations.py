"""Cooperations: the one place that creates them, and lookups that respect who may see what.

A cooperation comes into being on agreed terms: when one side accepts the other's terms of a
proposal (`portal.partnerships.services.accept_terms`), or for an agreement the partners made
before the platform (the demo data). Only the two partners see a cooperation (administrators
see all); to anyone else its id does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.partnerships.cooperation_models import Cooperation, CooperationStatus
from portal.platform.errors import NotFound
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.queries import newest_first

if TYPE_CHECKING:
    from portal.partnerships.services import Terms


def create(
    school_id: int,
    enterprise_id: int,
    terms: Terms,
    *,
    program_id: int | None = None,
    posting_id: int | None = None,
    actor: User | None = None,
    is_demo: bool = False,
) -> Cooperation:
    """An active cooperation on `terms` (already checked). Flushes and audits."""
    cooperation = Cooperation(
        school_id=school_id,
        enterprise_id=enterprise_id,
        program_id=program_id,
        posting_id=posting_id,
        kind=terms.kind,
        title=terms.title,
        seats=terms.seats,
        start_date=terms.start_date,
        duration_months=terms.duration_months,
        school_provides=terms.school_provides,
        enterprise_provides=terms.enterprise_provides,
        admissions_mode=terms.admissions_mode,
        is_demo=is_demo,
    )
    return audit.created(actor, cooperation, "agree")


def active_between(
    school_id: int, enterprise_id: int, kind: str, *, title: str | None = None
) -> Cooperation | None:
    """The partners' earliest active cooperation of `kind` (and `title`, when given)."""
    query = select(Cooperation).where(
        Cooperation.school_id == school_id,
        Cooperation.enterprise_id == enterprise_id,
        Cooperation.kind == kind,
        Cooperation.status == CooperationStatus.ACTIVE.value,
    )
    if title is not None:
        query = query.where(Cooperation.title == title)
    return db.session.scalar(query.order_by(Cooperation.id))


def active_of_school(school_id: int | None, kind: str) -> list[Cooperation]:
    """The school's active cooperations of `kind`, latest agreed first (what a programme or a
    named class can hang on)."""
    return newest_first(
        Cooperation.agreed_at,
        Cooperation.school_id == school_id,
        Cooperation.kind == kind,
        Cooperation.status == CooperationStatus.ACTIVE.value,
    )


def get_for(user: User, cooperation_id: int) -> Cooperation:
    cooperation = db.session.get(Cooperation, cooperation_id)
    if cooperation is None or not (user.is_admin or cooperation.involves(user.organisation_id)):
        raise NotFound(_l("Cooperation not found."))
    return cooperation


def list_for(user: User) -> list[Cooperation]:
    query = select(Cooperation).order_by(Cooperation.agreed_at.desc(), Cooperation.id.desc())
    if not user.is_admin:
        query = query.where(
            or_(
                Cooperation.school_id == user.organisation_id,
                Cooperation.enterprise_id == user.organisation_id,
            )
        )
    return list(db.session.scalars(query))
