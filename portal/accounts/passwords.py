"""Password policy and hashing (SECURITY.md items 1, 2 and 6)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128  # ASVS asks that at least 64 be allowed; the cap only stops hashing abuse.
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_policy(password: str) -> None:
    """Length and a common-password list only: no composition rules (ASVS 6.2.5)."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(_l("Password must be at least %(n)d characters.", n=MIN_LENGTH), field="password")
    if len(password) > MAX_LENGTH:
        raise ServiceError(_l("Password must be at most %(n)d characters.", n=MAX_LENGTH), field="password")
    if password.lower() in _common_passwords():
        raise ServiceError(_l("This password is too common; choose another."), field="password")


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, str | None]:
    """Return (matches, new_hash); new_hash is set when the stored cost is outdated."""
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(password_hash):
        return True, hasher.hash(password)
    return True, None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-x")


def burn_verification_time(password: str) -> None:
    """Spend the same time as a real check, so unknown e-mails are not revealed by timing."""
    verify_password(_dummy_hash(), password)
