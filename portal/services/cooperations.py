"""Cooperations: lookups that respect who may see what.

Only the two partners see a cooperation (administrators see all); to anyone
else its id does not exist.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import Cooperation, User
from portal.services.errors import NotFound


def get_for(user: User, cooperation_id: int) -> Cooperation:
    cooperation = db.session.get(Cooperation, cooperation_id)
    if cooperation is None or not (user.is_admin or cooperation.involves(user.organisation_id)):
        raise NotFound(_l("Cooperation not found."))
    return cooperation


def list_for(user: User) -> list[Cooperation]:
    query = select(Cooperation).order_by(Cooperation.agreed_at.desc(), Cooperation.id.desc())
    if not user.is_admin:
        query = query.where(
            or_(Cooperation.school_id == user.organisation_id, Cooperation.enterprise_id == user.organisation_id)
        )
    return list(db.session.scalars(query))
