"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z);
the last is a check character computed from the first 17 with fixed weights.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def is_valid(code: str) -> bool:
    code = normalise(code)
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def complete(first17: str) -> str:
    """Append the check character; used by demo and synthetic data."""
    return first17 + check_character(first17)


# Characters 9–17 of a credit code are the organisation code (组织机构代码, GB 11714-1997):
# eight body characters and a check character of their own.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def organisation_check(body8: str) -> str:
    remainder = 11 - sum(_org_value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def organisation_code_is_valid(code: str) -> bool:
    """Whether the organisation code inside a credit code passes GB 11714's check."""
    code = normalise(code)
    return len(code) == 18 and organisation_check(code[8:16]) == code[16]


def build(prefix8: str, body8: str) -> str:
    """A credit code whose check characters are both right: registration authority, kind and
    region (8), organisation code body (8), its GB 11714 check, the GB 32100 check."""
    return complete(prefix8 + body8 + organisation_check(body8))
