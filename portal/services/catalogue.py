"""The national secondary-vocational major catalogue (《职业教育专业目录（2021年）》).

Read once from `seed/data/major_catalogue.csv` (or the file named by the
`MAJOR_CATALOGUE_FILE` setting) and cached. Codes are empty where they could not
be checked against the published document; a code is never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "seed" / "data" / "major_catalogue.csv"
# "工业机器人技术应用（焊接机器人方向）": a school may name a direction after the catalogue name.
_DIRECTION = re.compile(r"^(?P<base>[^（(]+?)\s*[（(][^（）()]{1,30}[）)]$")


@dataclass(frozen=True)
class CatalogueEntry:
    code: str  # six digits, or "" when not checked
    name: str
    category_code: str
    category: str


@dataclass(frozen=True)
class Catalogue:
    entries: tuple[CatalogueEntry, ...]
    by_name: dict[str, CatalogueEntry]
    by_code: dict[str, CatalogueEntry]


def _path() -> Path:
    if has_app_context():
        return Path(current_app.config.get("MAJOR_CATALOGUE_FILE") or DEFAULT_FILE)
    return DEFAULT_FILE


@lru_cache(maxsize=4)
def _load(path: str) -> Catalogue:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    entries = tuple(
        CatalogueEntry(
            code=row["code"].strip(),
            name=row["name"].strip(),
            category_code=row["category_code"].strip(),
            category=row["category"].strip(),
        )
        for row in csv.DictReader(lines)
    )
    return Catalogue(
        entries=entries,
        by_name={e.name: e for e in entries},
        by_code={e.code: e for e in entries if e.code},
    )


def catalogue() -> Catalogue:
    return _load(str(_path()))


def entries() -> tuple[CatalogueEntry, ...]:
    return catalogue().entries


def base_name(name: str) -> str:
    """The catalogue name inside a programme name that may carry a direction in brackets."""
    name = name.strip()
    match = _DIRECTION.match(name)
    return match.group("base").strip() if match else name


def entry_for_name(name: str) -> CatalogueEntry | None:
    return catalogue().by_name.get(base_name(name))


def entry_for_code(code: str) -> CatalogueEntry | None:
    return catalogue().by_code.get(code.strip())
