"""Administrators' view of accounts."""

from __future__ import annotations

from sqlalchemy import or_, select

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.platform.errors import NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.search import contains


def search_users(q: str = "", role: str = "", limit: int = 200) -> list[User]:
    query = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(limit)
    if q:
        like = contains(q.strip())
        query = query.where(or_(User.email.ilike(like, escape="\\"), User.name.ilike(like, escape="\\")))
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def set_user_disabled(admin: User, user_id: int, disabled: bool) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("Person not found."))
    if user.id == admin.id:
        raise ServiceError(_l("You cannot disable your own account."))
    if user.disabled == disabled:
        # A repeated click changes nothing and records nothing.
        raise ServiceError(
            _l("This account is already disabled.") if disabled else _l("This account is already enabled.")
        )
    accounts.set_disabled(user, disabled)
    states = ("enabled", "disabled") if disabled else ("disabled", "enabled")
    audit.record(admin, user, "disable" if disabled else "enable", *states)
    return user
