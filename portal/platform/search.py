"""Searching and paging, written once: the LIKE pattern of a search term and the page of results."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from portal.platform.checks import MAX_PAGE

__all__ = ["MAX_PAGE", "Page", "contains", "like_escape"]


def like_escape(term: str) -> str:
    """`term` with LIKE's wildcards (%, _) and the escape character itself escaped; use with
    `escape="\\\\"`."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(term: str) -> str:
    """A LIKE pattern matching `term` literally anywhere."""
    return f"%{like_escape(term)}%"


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    more: bool = False  # there are more than `total` (a capped count: "1,000+")

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
