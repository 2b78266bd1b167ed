"""Six-digit SMS codes: sign-in by number, password reset, and proving one holds a number.

    code:  issued → used (once) | dead (expired after SMS_CODE_SECONDS, or after
           SMS_CODE_MAX_FAILURES tries, right or wrong, the last one counting)

- Stored as HMAC-SHA256(SECRET_KEY, purpose:number:code); compared in constant time.
- At most SMS_CODES_PER_MINUTE a minute and SMS_CODES_PER_HOUR an hour per number and per
  client address (the address is kept only as an HMAC). The count and the new code are decided
  under one write lock, so two requests at once cannot both take the last one.
- A try is spent before it is judged, in a transaction of its own that commits even when the
  request is refused: a wrong guess is never rolled back with the refusal. After the fifth try
  the code is dead, even for the right digits; a new one is subject to the rate limits, so a
  guesser gets at most 5 × 5 tries an hour against 10⁶ codes per number.
- Asking for a sign-in code for a number no account has looks exactly like asking for one that
  has (the same answer, the same counting), and sends nothing: numbers cannot be enumerated.
- The code travels to the provider in an outgoing message whose parameters are blanked once it
  is sent, failed or out of date (portal.messaging.sending).

Nothing here logs a number: log lines name the code's row id.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import zlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, text, update

from portal.accounts import passwords
from portal.accounts.models import User
from portal.extensions import db
from portal.messaging import phones, sending
from portal.messaging.models import SmsCode
from portal.messaging.sms_templates import CODE_TEMPLATES
from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import begin_write
from portal.platform.model_base import utcnow

log = logging.getLogger(__name__)

PURPOSES = ("login", "reset", "verify")
CODE_LOCK = 30  # first key of the PostgreSQL advisory lock taken while a code is issued

TOO_SOON = _l("A code was sent less than a minute ago. Wait a minute, then ask again.")
TOO_MANY = _l("Too many codes were asked for this hour. Try again later.")
WRONG = _l("Wrong code. Check the SMS and try again.")
DEAD = _l("This code has expired or was tried too often. Ask for a new one.")


class TooManyCodes(ServiceError):
    status_code = 429


def _digest(*parts: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, ":".join(parts).encode(), hashlib.sha256).hexdigest()


def _lock(phone: str, address: str) -> None:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        begin_write()
        return
    for key in sorted({phone, address}):
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"),
            {"a": CODE_LOCK, "b": zlib.crc32(key.encode()) - 2**31},
        )


def _count_since(column, value: str, seconds: int) -> int:
    since = utcnow() - timedelta(seconds=seconds)
    return db.session.scalar(
        select(func.count()).select_from(SmsCode).where(column == value, SmsCode.created_at > since)
    )


def _check_rate(phone: str, address: str) -> None:
    config = current_app.config
    for column, value in ((SmsCode.phone, phone), (SmsCode.address, address)):
        if _count_since(column, value, 60) >= config["SMS_CODES_PER_MINUTE"]:
            raise TooManyCodes(TOO_SOON, field="phone")
        if _count_since(column, value, 3600) >= config["SMS_CODES_PER_HOUR"]:
            raise TooManyCodes(TOO_MANY, field="phone")


def issue(purpose: str, raw_phone: str, client_address: str, *, user: User | None = None) -> SmsCode:
    """A new code for `purpose` sent to the number (when there is someone to send it to).

    login/reset: the number's account, if any, is the one the code signs in; verify: `user`
    proves they hold the number (it must not be another account's).
    """
    assert purpose in PURPOSES, purpose
    phone = phones.parse(raw_phone)
    address = _digest("address", client_address)
    owner = phones.user_by_number(phone)
    if purpose == "verify":
        assert user is not None
        if owner is not None and owner.id != user.id:
            raise ServiceError(phones.TAKEN, field="phone")
        owner = user
    elif owner is not None and owner.disabled:
        owner = None
    _lock(phone, address)
    _check_rate(phone, address)
    code = f"{secrets.randbelow(10**6):06d}"
    now = utcnow()
    row = SmsCode(
        purpose=purpose,
        phone=phone,
        code_hash=_digest(purpose, phone, code),
        address=address,
        user_id=owner.id if owner else None,
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["SMS_CODE_SECONDS"]),
    )
    db.session.add(row)
    db.session.flush()
    if owner is not None:
        sending.queue_sms(
            phone, CODE_TEMPLATES[purpose], {"code": code}, user=owner, about=f"sms_code:{row.id}"
        )
    log.info("sms code %s issued (%s)", row.id, purpose)
    return row


def _spend_try(code_id: int) -> bool:
    """Count one try in a transaction of its own (kept even if the request is refused); False
    when the code has no try left."""
    limit = current_app.config["SMS_CODE_MAX_FAILURES"]
    with db.engine.connect() as conn:
        spent = conn.execute(
            update(SmsCode)
            .where(SmsCode.id == code_id, SmsCode.failures < limit, SmsCode.used_at.is_(None))
            .values(failures=SmsCode.failures + 1)
        ).rowcount
        conn.commit()
    return spent == 1


def redeem(purpose: str, raw_phone: str, code: str) -> SmsCode:
    """The code row, marked used, if `code` is the newest live code for this number and purpose;
    otherwise ServiceError (on the `code` field)."""
    phone = phones.parse(raw_phone)
    entered = (code or "").strip()
    now = utcnow()
    row = db.session.scalar(
        select(SmsCode)
        .where(SmsCode.purpose == purpose, SmsCode.phone == phone, SmsCode.used_at.is_(None))
        .order_by(SmsCode.id.desc())
        .limit(1)
    )
    if row is None or row.expires_at <= now:
        raise ServiceError(DEAD, field="code")
    if not _spend_try(row.id):
        log.warning("sms code %s: refused, no tries left", row.id)
        raise ServiceError(DEAD, field="code")
    right = (
        len(entered) == 6
        and entered.isdigit()
        and hmac.compare_digest(row.code_hash, _digest(purpose, phone, entered))
    )
    if not right or row.user_id is None:
        log.warning("sms code %s: wrong code entered", row.id)
        raise ServiceError(WRONG, field="code")
    # Used once: of two requests with the same code, one wins this conditional update.
    won = db.session.execute(
        update(SmsCode)
        .where(SmsCode.id == row.id, SmsCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise ServiceError(DEAD, field="code")
    db.session.refresh(row)
    return row


def sign_in(raw_phone: str, code: str) -> User:
    """The account a right sign-in code opens (its session token is left as it is)."""
    row = redeem("login", raw_phone, code)
    user = db.session.get(User, row.user_id)
    if user is None or user.disabled:
        raise ServiceError(WRONG, field="code")
    return user


def verify_number(user: User, raw_phone: str, code: str) -> None:
    """`user` entered the code sent to the number: it becomes their number."""
    row = redeem("verify", raw_phone, code)
    if row.user_id != user.id:
        raise ServiceError(WRONG, field="code")
    phones.set_number(user, row.phone)


def reset_password(raw_phone: str, code: str, new_password: str) -> User:
    """A new password for the account of the number, with the reset code sent to it. The password
    policy is judged first, so a refused password does not spend a try of the code; every other
    session of the account ends."""
    passwords.check_policy(new_password)
    row = redeem("reset", raw_phone, code)
    user = db.session.get(User, row.user_id)
    if user is None or user.disabled:
        raise ServiceError(WRONG, field="code")
    user.password_hash = passwords.hash_password(new_password)
    user.rotate_session_token()
    db.session.flush()
    log.info("sms code %s: password reset for user %s", row.id, user.id)
    return user
