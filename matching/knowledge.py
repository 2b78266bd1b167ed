"""Domain knowledge shipped in `matching/data/`: the major knowledge base, thesaurus, industry
affinity, town coordinates.

The files are plain UTF-8 text so that domain experts can review and extend them without
touching code; they are read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from matching.text import TermScanner, normalise

_EARTH_RADIUS_KM = 6371.0

__all__ = [
    "Thesaurus",
    "thesaurus",
    "industry_affinity",
    "town_coordinates",
    "distance_km",
    "Major",
    "MajorKnowledge",
    "major_key",
    "majors",
    "untrained_roles",
]


def _data_lines(name: str) -> list[list[str]]:
    """Tab-separated fields of the data file's non-comment, non-blank lines."""
    text = resources.files("matching").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append([field.strip() for field in line.split("\t") if field.strip()])
    return rows


@dataclass(frozen=True)
class Thesaurus:
    """Maps colloquial titles and skills ("电焊工", "CNC") to the catalogue's terms ("焊接", "数控").

    Every target term also maps to itself, so scanning a formal text finds its concepts too.
    """

    mapping: dict[str, tuple[str, ...]]
    scanner: TermScanner

    def concepts(self, text: str) -> list[str]:
        """Catalogue terms that `text` (normalised) mentions, directly or colloquially."""
        return self.concepts_of(self.scanner.scan(text))

    def concepts_of(self, keys: list[str]) -> list[str]:
        """Catalogue terms of the scanned `keys` (others ignored), in order."""
        found: dict[str, None] = {}
        mapping = self.mapping
        for key in keys:
            for term in mapping.get(key, ()):
                found[term] = None
        return list(found)


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    mapping: dict[str, tuple[str, ...]] = {}
    for fields in _data_lines("thesaurus.tsv"):
        colloquial, targets = normalise(fields[0]), tuple(normalise(t) for t in fields[1].split(","))
        mapping[colloquial] = tuple(dict.fromkeys(mapping.get(colloquial, ()) + targets))
        for target in targets:
            mapping.setdefault(target, (target,))
    return Thesaurus(mapping=mapping, scanner=TermScanner(mapping))


@lru_cache(maxsize=1)
def _affinity_table() -> dict[tuple[str, str], float]:
    table: dict[tuple[str, str], float] = {}
    for industry, group, value in _data_lines("industry_affinity.tsv"):
        table[(normalise(industry), normalise(group))] = float(value)
        table[(normalise(group), normalise(industry))] = float(value)
    return table


@lru_cache(maxsize=4096)
def industry_affinity(a: str, b: str) -> float:
    """Affinity in [0, 1] between two industries or major groups; 1 when they are the same.

    One intermediate step is allowed (product of the two affinities), so that a synonym such
    as 医学护理及老年人护理 -> 医养健康 reaches the major groups of its synonym.
    """
    a, b = normalise(a), normalise(b)
    if a == b:
        return 1.0
    table = _affinity_table()
    best = table.get((a, b), 0.0)
    for (start, middle), first in table.items():
        if start == a:
            best = max(best, first * table.get((middle, b), 0.0))
    return best


@lru_cache(maxsize=1)
def town_coordinates() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) in degrees of each town/street, keyed by its normalised name.

    The short form without the 镇/街道 suffix is accepted too, as HR often writes "口镇" or "雪野".
    """
    coordinates: dict[str, tuple[float, float]] = {}
    for name, lat, lon in _data_lines("towns.tsv"):
        point = (float(lat), float(lon))
        coordinates[normalise(name)] = point
        street = name.removesuffix("街道")  # 口镇街道 -> 口镇 (a 镇 until 2020) -> 口 (too short)
        for short in (street, street.removesuffix("镇")):
            if len(short) >= 2:
                coordinates.setdefault(normalise(short), point)
    return coordinates


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distances (haversine) between (n, 2) and (m, 2) degree arrays, as (n, m)."""
    lat1, lon1 = np.radians(a[:, :1]), np.radians(a[:, 1:])
    lat2, lon2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


# --- the major knowledge base (data/majors.tsv) ---------------------------------------------

_NONE = "-"
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def major_key(name: str) -> str:
    """A major's name as the knowledge base keys it: normalised, without a bracketed direction
    ("焊接技术应用（机器人焊接方向）" -> "焊接技术应用")."""
    return normalise(_BRACKETED.sub("", name))


@dataclass(frozen=True)
class Major:
    """What one major of the catalogue prepares people for (one line of data/majors.tsv)."""

    code: str
    name: str
    level: str
    group: str
    major_class: str
    occupations: tuple[str, ...]
    titles: tuple[str, ...]
    skills: tuple[str, ...]
    certificates: tuple[str, ...]

    @property
    def roles(self) -> tuple[str, ...]:
        """Normalised occupation names and job titles: what a posting's title may say."""
        return tuple(dict.fromkeys(normalise(t) for t in (*self.occupations, *self.titles)))


@dataclass(frozen=True)
class MajorKnowledge:
    """The knowledge base: majors by name and code, and scanners for roles and skills in a text."""

    by_name: dict[str, Major]
    by_code: dict[str, Major]
    # Old names (2010 中职 / 2015 专科) -> the 2021 major's key (data/aliases.tsv).
    aliases: dict[str, str]
    role_terms: frozenset[str]
    skill_terms: frozenset[str]
    # One scanner for the thesaurus's, roles' and skills' terms together: a text is scanned once.
    everything: TermScanner

    def scan(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """(thesaurus keys, roles, skills) in `text` (normalised), from one pass over it; roles and
        skills inside a longer one found are dropped ("设备维修工" names 设备维修, not 维修工)."""
        keys = self.everything.scan(text)
        roles, skills = self.role_terms, self.skill_terms
        return keys, longest([k for k in keys if k in roles]), longest([k for k in keys if k in skills])

    def find(self, name: str, code: str = "") -> Major | None:
        """The major of this catalogue code, else of this name (a bracketed direction ignored),
        else of the 2021 name an old name became."""
        if code.strip() in self.by_code:
            return self.by_code[code.strip()]
        key = major_key(name)
        return self.by_name.get(key) or self.by_name.get(self.aliases.get(key, ""))


def longest(terms: list[str]) -> list[str]:
    """The terms not inside a longer one of the list."""
    return [t for t in terms if not any(t != other and t in other for other in terms)]


def _list(field: str) -> tuple[str, ...]:
    return () if field == _NONE else tuple(item.strip() for item in field.split("、") if item.strip())


@lru_cache(maxsize=1)
def majors() -> MajorKnowledge:
    text = resources.files("matching").joinpath("data", "majors.tsv").read_text(encoding="utf-8")
    by_name: dict[str, Major] = {}
    by_code: dict[str, Major] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 9:
            raise ValueError(
                f"data/majors.tsv line {number}: expected 9 tab-separated fields, got {len(fields)}"
            )
        code, name, level, group, major_class, occupations, titles, skills, certificates = fields
        major = Major(
            code if code != _NONE else "",
            name,
            level,
            group,
            major_class,
            _list(occupations),
            _list(titles),
            _list(skills),
            _list(certificates),
        )
        by_name.setdefault(major_key(name), major)
        if major.code:
            by_code[major.code] = major
    aliases = {major_key(old): major_key(new) for old, new, *_ in _data_lines("aliases.tsv")}
    role_terms = {t for m in by_name.values() for t in m.roles}
    skill_terms = {normalise(s) for m in by_name.values() for s in m.skills}
    everything = TermScanner({*thesaurus().mapping, *role_terms, *skill_terms})
    roles, skills = frozenset(role_terms), frozenset(skill_terms)
    return MajorKnowledge(by_name, by_code, aliases, roles, skills, everything)


@lru_cache(maxsize=1)
def untrained_roles() -> TermScanner:
    """Titles of roles no major trains for (data/untrained_roles.tsv): 文员, 销售代表, 普工 …"""
    return TermScanner(fields[0] for fields in _data_lines("untrained_roles.tsv"))


def untrained_title(title: str, title_roles: list[str]) -> bool:
    """Whether a posting's title (normalised) is a role no major trains for: it names one of
    data/untrained_roles.tsv and no role of the knowledge base. Its description is then no evidence."""
    return not title_roles and bool(untrained_roles().scan(title))
