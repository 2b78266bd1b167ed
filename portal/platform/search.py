"""Searching and paging, written once: the LIKE pattern of a search term, the words a Chinese search
is made of, and the page of results."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from portal.platform.checks import MAX_PAGE

__all__ = ["MAX_PAGE", "Page", "contains", "like_escape", "words_of"]


def like_escape(term: str) -> str:
    """`term` with LIKE's wildcards (%, _) and the escape character itself escaped; use with
    `escape="\\\\"`."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(term: str) -> str:
    """A LIKE pattern matching `term` literally anywhere."""
    return f"%{like_escape(term)}%"


_SINGLE_CJK = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$")


@cache
def _segmenter():
    # jieba's dictionary loads once a process (about 0.6 s), on the first search with Chinese words.
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


def words_of(text: str) -> list[str]:
    """The words a search is made of: 数控操作工 is 数控 and 操作工, so that it finds 数控机床操作工
    (asking for the whole string, or for all its bigrams, asks for 控操, which no posting holds).
    A single Chinese character stays with the word after it (or before it, at the end): alone it
    would find almost everything."""
    pieces = [w for w in _segmenter().cut(text) if w.strip()]
    words: list[str] = []
    for piece in pieces:
        if words and _SINGLE_CJK.match(words[-1]):
            words[-1] += piece
        else:
            words.append(piece)
    if len(words) > 1 and _SINGLE_CJK.match(words[-1]):
        words[-2] += words.pop()
    return words or [text]


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
