"""API tokens: made and revoked by an organisation's members in the site, used as Bearer tokens.

A token is `xqt_` and 43 random URL-safe characters (256 bits); only its sha256 is stored, so
the token is shown once, when it is made. A token acts as the member who made it, with that
member's role and organisation, and no more: its scope (read, or read and write) can only
narrow what the member may do. A token stops working at once when it is revoked, expires, or
its member is disabled, leaves the organisation or is no longer an active member.

Enterprise and school tokens belong to the organisation (every active member sees and may
revoke them); administrators' tokens have the district's scope and every administrator sees them.

Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.models.api import ApiToken, TokenScope
from portal.platform import checks
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow

PREFIX = "xqt_"
NAME_MAX = 60
# The lifetimes a member may choose (days); a token that lives for ever is not offered.
LIFETIMES = (30, 90, 365)
TOKENS_MAX = 20  # live tokens per organisation (or for the district)
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often


def hash_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _may_hold_tokens(user: User) -> bool:
    if user.role == Role.ADMIN.value:
        return True
    return (
        user.role in (Role.ENTERPRISE_HR.value, Role.SCHOOL_STAFF.value)
        and user.organisation_id is not None
        and user.is_member_active
    )


def _owned_by(user: User):
    """The tokens `user` may see: their organisation's, or (administrators) the district's."""
    if user.role == Role.ADMIN.value:
        return ApiToken.organisation_id.is_(None)
    return ApiToken.organisation_id == user.organisation_id


def tokens_of(user: User) -> list[ApiToken]:
    if not _may_hold_tokens(user):
        return []
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(_owned_by(user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def create(user: User, *, name: str, scope: str, days: object) -> tuple[ApiToken, str]:
    """A new token of the user's organisation: (the record, the token to show once)."""
    if not _may_hold_tokens(user):
        raise ServiceError(_l("Only active members of an organisation can make API tokens."))
    problems = Problems()
    name = problems.check(checks.text, name, field="name", max_length=NAME_MAX, required=True)
    problems.check(checks.choice, scope, TokenScope, field="scope")
    lifetime = checks.whole_number(str(days)) if days not in (None, "") else None
    if lifetime not in LIFETIMES:
        problems.add(_l("Please choose a valid value."), field="days")
    live = select(ApiToken.id).where(
        _owned_by(user), ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow()
    )
    if len(db.session.scalars(live).all()) >= TOKENS_MAX:
        problems.add(_l("At most %(n)d live tokens; revoke one first.", n=TOKENS_MAX))
    problems.raise_if_any()
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        organisation_id=None if user.role == Role.ADMIN.value else user.organisation_id,
        name=name,
        token_hash=hash_of(raw),
        prefix=raw[: len(PREFIX) + 4],
        scope=scope,
        expires_at=utcnow() + timedelta(days=lifetime or LIFETIMES[0]),
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if checks.is_id(token_id) else None
    if token is None or not _may_hold_tokens(user) or token not in tokens_of(user):
        raise NotFound(_l("Token not found."))
    # Conditional: of two revocations at once, one writes; the token is refused either way.
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(token)
    return token


def authenticate(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token `raw` names, whose member may still act; None for anything else."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_of(raw)))
    if token is None or not token.is_live(now):
        return None
    user = token.user
    if user is None or user.disabled or not _may_hold_tokens(user):
        return None
    expected = None if user.role == Role.ADMIN.value else user.organisation_id
    if token.organisation_id != expected:
        return None  # the member moved to another organisation
    return token


def touch(token: ApiToken, now: datetime | None = None) -> None:
    """Record the token's use (at most once a minute, so reads do not all write)."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
