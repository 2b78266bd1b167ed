"""The national vocational major catalogue (《职业教育专业目录（2021年）》, 教职成〔2021〕2号 annex).

`matching/data/catalogue-2021.csv` (the one copy, which the matcher reads too) holds the whole
annex for the two levels a school of the district can offer: 358 中职 and 744 专科 majors, each
with its six-digit code (K of the 国家控制专业 kept), 专业大类 and 专业类 (provenance in the
file's `#` lines). `seed/data/major_aliases.csv` is the reviewed table of names from the older
lists (中职 2010, 专科 2015): each either points to its 2021 successor, with the relation and the
source that says so, or has no confirmed successor and is flagged for the school to choose. Both
files are read once and cached (the settings `MAJOR_CATALOGUE_FILE` and `MAJOR_ALIAS_FILE` name
other files, for tests).

A name may stand at both levels (园艺技术 is 中职 610105 and 专科 410105); such twins always share
their 大类 and 类, so grouping by name is safe, and only the code and level need the level. A name
may also be a 2021 name at one level and an old name at the other: 学前教育 is the 2021 专科 major
570102K and the 2010 中职 name of what the 2021 list calls 幼儿保育. What a school types is read at
the school's own level first (`resolve` with a level), so a school is never given the other level's
major for a name of its own.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _

from portal.platform.i18n import TextLazyString, current_locale
from portal.platform.workbooks import Sheet

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "seed" / "data"
DEFAULT_FILE = ROOT / "matching" / "data" / "catalogue-2021.csv"
ALIAS_FILE = DATA / "major_aliases.csv"
# The platform's own English for the 专业大类 and 专业类, by code, for the English pages (no official
# English version of the 2021 catalogue exists: the file's first line says so).
ENGLISH_FILE = ROOT / "matching" / "data" / "catalogue-2021-groups-en.csv"
SECONDARY, HIGHER = "中职", "专科"
LEVELS = (SECONDARY, HIGHER)
LEVEL_NAMES_EN = {SECONDARY: "secondary", HIGHER: "higher vocational"}
# The catalogue level a kind of school offers (None: either; its majors are told apart by code).
LEVEL_OF_SCHOOL_KIND = {
    "secondary_vocational": SECONDARY,
    "technical_school": SECONDARY,
    "higher_vocational": HIGHER,
}
# "工业机器人技术应用（焊接机器人方向）": a school may name a direction after the catalogue name.
_DIRECTION = re.compile(r"^(?P<base>[^（(]+?)\s*(?P<direction>[（(][^（）()]{1,30}[）)])$")
_CODE = re.compile(r"^\d{6}[Kk]?$")


@dataclass(frozen=True)
class CatalogueEntry:
    level: str  # 中职 or 专科
    code: str  # six digits, K kept for 国家控制专业
    name: str
    category_code: str
    category: str  # 专业大类
    class_code: str
    class_name: str  # 专业类

    @property
    def label(self) -> str:
        """How pages show a major: its code beside its name."""
        return f"{self.code} {self.name}"

    @property
    def reads_at_both_levels(self) -> bool:
        """A school of both levels must choose this name's major by code (see `resolve_for_school`)."""
        return bool(resolve_for_school(self.name, None).choices)


@dataclass(frozen=True)
class Alias:
    """A name of the older lists: its 2021 successor (code "": none confirmed, the school chooses)."""

    old_name: str
    old_level: str
    code: str
    name: str
    relation: str  # renamed, merged, split, unresolved
    reason: str
    source: str

    @property
    def is_resolved(self) -> bool:
        return bool(self.code)

    @property
    def level(self) -> str:
        """The level a school must teach at for this name to lead it somewhere: its successor's."""
        successor = entry_for_code(self.code) if self.is_resolved else None
        return successor.level if successor is not None else self.old_level

    @property
    def reads_at_both_levels(self) -> bool:
        """A school of both levels must choose this old name's major by code (see `resolve_for_school`)."""
        return bool(resolve_for_school(self.old_name, None).choices)


@dataclass(frozen=True)
class Catalogue:
    entries: tuple[CatalogueEntry, ...]
    by_code: dict[str, CatalogueEntry]
    by_name: dict[str, tuple[CatalogueEntry, ...]]
    aliases: dict[str, Alias]
    categories: tuple[str, ...]
    classes: dict[str, tuple[str, ...]]  # 大类 -> its 类, in catalogue order


@dataclass(frozen=True)
class Resolution:
    """What a typed name or code stands for: the 2021 entry, and the alias it came through. Read at
    a level and found only at the other one: no entry, and `elsewhere` says what it is there. Read
    for a school of both levels and found at each: no entry, and `choices` holds both."""

    entry: CatalogueEntry | None
    alias: Alias | None = None
    direction: str = ""
    elsewhere: CatalogueEntry | None = None
    choices: tuple[CatalogueEntry, ...] = ()

    @property
    def name(self) -> str:
        """The 2021 name (with the school's direction kept), or "" when nothing was found."""
        return f"{self.entry.name}{self.direction}" if self.entry is not None else ""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _path() -> Path:
    if has_app_context():
        return Path(current_app.config.get("MAJOR_CATALOGUE_FILE") or DEFAULT_FILE)
    return DEFAULT_FILE


def _alias_path() -> Path:
    if has_app_context():
        return Path(current_app.config.get("MAJOR_ALIAS_FILE") or ALIAS_FILE)
    return ALIAS_FILE


@lru_cache(maxsize=4)
def _load(path: str, alias_path: str) -> Catalogue:
    entries = tuple(
        CatalogueEntry(
            level=row.get("level") or (HIGHER if row["category_code"] < "60" else SECONDARY),
            code=row["code"].upper(),
            name=row["name"],
            category_code=row["category_code"],
            category=row["category"],
            class_code=row.get("class_code", ""),
            class_name=row.get("class", ""),
        )
        for row in _rows(Path(path))
    )
    by_name: dict[str, list[CatalogueEntry]] = {}
    classes: dict[str, list[str]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
        group = classes.setdefault(entry.category, [])
        if entry.class_name and entry.class_name not in group:
            group.append(entry.class_name)
    aliases = {
        row["old_name"]: Alias(
            old_name=row["old_name"],
            old_level=row["old_level"],
            code=row["code"].upper(),
            name=row["name"],
            relation=row["relation"],
            reason=row["reason"],
            source=row["source"],
        )
        for row in (_rows(Path(alias_path)) if Path(alias_path).exists() else [])
    }
    return Catalogue(
        entries=entries,
        by_code={e.code: e for e in entries if e.code},
        by_name={name: tuple(found) for name, found in by_name.items()},
        aliases=aliases,
        categories=tuple(classes),
        classes={category: tuple(names) for category, names in classes.items()},
    )


def catalogue() -> Catalogue:
    return _load(str(_path()), str(_alias_path()))


def entries() -> tuple[CatalogueEntry, ...]:
    return catalogue().entries


def aliases() -> dict[str, Alias]:
    return catalogue().aliases


def base_name(name: str) -> str:
    """The catalogue name inside a programme name that may carry a direction in brackets."""
    return split_direction(name)[0]


def split_direction(name: str) -> tuple[str, str]:
    name = name.strip()
    match = _DIRECTION.match(name)
    return (match.group("base").strip(), match.group("direction")) if match else (name, "")


def level_for_school_kind(kind: str | None) -> str | None:
    return LEVEL_OF_SCHOOL_KIND.get(kind or "")


def _pick(found: tuple[CatalogueEntry, ...], level: str | None) -> CatalogueEntry | None:
    if not found:
        return None
    for entry in found:
        if entry.level == level:
            return entry
    return found[0]  # the file lists 中职 first: a secondary school's reading, the district's usual


def entry_for_name(name: str, level: str | None = None) -> CatalogueEntry | None:
    """The 2021 major of this exact catalogue name (a direction in brackets allowed)."""
    return _pick(catalogue().by_name.get(base_name(name), ()), level)


def entry_for_code(code: str) -> CatalogueEntry | None:
    return catalogue().by_code.get(code.strip().upper())


def codes_of(name: str) -> str:
    """The code(s) of a catalogue name: one, or both of a name at two levels (610105、410105)."""
    return "、".join(e.code for e in catalogue().by_name.get(base_name(name), ()))


def class_of(name: str) -> str:
    """The 专业类 of a catalogue name, or of an old name through its alias ("" when unknown)."""
    found = resolve(name)
    return found.entry.class_name if found.entry is not None else ""


def group_of(name: str) -> str:
    """The 专业大类 of a catalogue name, or of an old name through its alias ("" when unknown)."""
    found = resolve(name)
    return found.entry.category if found.entry is not None else ""


def resolve(text: str, level: str | None = None) -> Resolution:
    """What a school, HR or a spreadsheet typed: a code, a 2021 name (with a direction) or an old
    name of the alias table. Resolution(None) when none of these; an alias without a confirmed
    successor resolves to None too, with the alias kept so the caller can say why.

    Without a level (a posting, a search) a 2021 name of either level comes first (中职 when it
    stands at both), then an old name. At a school's level, that level's majors only: its 2021
    name, else an old name of its level, which wins over the same name at the other level (学前教育
    at a 中职 school is the old name of 幼儿保育, not the 专科 major 570102K); what stands only at the
    other level comes back as `elsewhere`, for the caller to tell the school."""
    text = (text or "").strip()
    if not text:
        return Resolution(None)
    if _CODE.match(text):
        entry = entry_for_code(text)
        if entry is not None and level is not None and entry.level != level:
            return Resolution(None, elsewhere=entry)
        return Resolution(entry)
    base, direction = split_direction(text)
    cat = catalogue()
    named = cat.by_name.get(base, ())
    alias = cat.aliases.get(base)
    successor = entry_for_code(alias.code) if alias is not None and alias.is_resolved else None
    if level is None:
        if named:
            return Resolution(named[0], direction=direction)  # the file lists 中职 first
        return Resolution(successor, alias, direction) if alias is not None else Resolution(None)
    at_level = next((e for e in named if e.level == level), None)
    if at_level is not None:
        return Resolution(at_level, direction=direction)
    if alias is not None and (
        successor.level == level if successor is not None else (alias.old_level == level or not named)
    ):
        return Resolution(successor, alias, direction)
    if named:
        return Resolution(None, direction=direction, elsewhere=named[0])
    if alias is not None:  # an old name of the other level, with its successor there
        return Resolution(None, alias, direction, elsewhere=successor)
    return Resolution(None)


def resolve_for_school(text: str, level: str | None) -> Resolution:
    """`resolve` at a school's level. A school of both levels (level None: a technician college
    teaches 中级工 and 高级工) reads the text at each: one reading is taken; two (园艺技术, 610105 and
    410105; 学前教育, the 专科 major and the old 中职 name) are `choices`, for the school to choose
    by code, as `LEVEL_OF_SCHOOL_KIND` says its majors are told apart. Nothing is guessed: the
    platform does not know which level such a school teaches more."""
    if level is not None:
        return resolve(text, level)
    found = [r for r in (resolve(text, lv) for lv in LEVELS) if r.entry is not None]
    if len(found) == 1:
        return found[0]
    if found:
        return Resolution(None, direction=found[0].direction, choices=tuple(r.entry for r in found))
    return resolve(text)


def counterpart(entry: CatalogueEntry, level: str) -> CatalogueEntry | None:
    """The major of `level` that `entry`'s name stands for there: its twin (园艺技术), or the 2021
    successor of an old name of `level` spelled like it (the 专科 major 学前教育 and the 2010 中职
    name 学前教育, whose successor is 幼儿保育), as far as the alias table says so."""
    return resolve(entry.name, level).entry


def same_class(entry: CatalogueEntry, level: str) -> tuple[CatalogueEntry, ...]:
    """The majors of `level` in `entry`'s 专业类 (twin levels share the class names)."""
    return tuple(e for e in entries() if e.level == level and e.class_name == entry.class_name)


def matches(entry: CatalogueEntry, needle: str) -> bool:
    """A catalogue search hit: code prefix, name fragment, or an old name that leads to it."""
    if not needle:
        return True
    if entry.code.startswith(needle.upper()) or needle in entry.name:
        return True
    return any(needle in a.old_name for a in aliases_of(entry))


def aliases_of(entry: CatalogueEntry) -> tuple[Alias, ...]:
    return _aliases_by_code(str(_path()), str(_alias_path())).get(entry.code, ())


@lru_cache(maxsize=4)
def _aliases_by_code(path: str, alias_path: str) -> dict[str, tuple[Alias, ...]]:
    found: dict[str, list[Alias]] = {}
    for alias in _load(path, alias_path).aliases.values():
        if alias.is_resolved:
            found.setdefault(alias.code, []).append(alias)
    return {code: tuple(items) for code, items in found.items()}


def search(q: str = "", *, level: str = "", category: str = "", class_name: str = "") -> list[CatalogueEntry]:
    """Catalogue entries by level, 大类, 类 and a search text (code, name fragment or old name)."""
    needle = (q or "").strip()
    resolved = resolve(needle).entry if needle else None
    return [
        e
        for e in entries()
        if (not level or e.level == level)
        and (not category or e.category == category)
        and (not class_name or e.class_name == class_name)
        and (matches(e, needle) or (resolved is not None and e.name == resolved.name))
    ]


def grouped(level: str | None = None) -> list[tuple[str, tuple[CatalogueEntry, ...]]]:
    """The entries of one level (None: both) under "大类 · 类" headings, in catalogue order."""
    groups: dict[str, list[CatalogueEntry]] = {}
    for entry in entries():
        if level is None or entry.level == level:
            heading = f"{entry.level} · {entry.category} · {entry.class_name}"
            groups.setdefault(heading, []).append(entry)
    return [(heading, tuple(items)) for heading, items in groups.items()]


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """Code (2-digit 大类, 4-digit 类) -> the platform's English name."""
    return {row["code"]: row["name_en"] for row in _rows(ENGLISH_FILE)}


@lru_cache(maxsize=4)
def _codes_of_groups(path: str, alias_path: str) -> dict[str, str]:
    """A 大类 or 类 name -> its codes at both levels (装备制造大类 is 66 at 中职 and 46 at 专科)."""
    found: dict[str, str] = {}
    for e in _load(path, alias_path).entries:
        found.setdefault(e.category, e.category_code)
        if e.class_name:
            found.setdefault(e.class_name, e.class_code)
    return found


def group_label(name: str, locale: str = "zh") -> str:
    """A 专业大类's or 专业类's name in `locale`: as the catalogue has it, or in English the
    platform's rendering (the Chinese name where none is written)."""
    if locale != "en" or not name:
        return name
    code = _codes_of_groups(str(_path()), str(_alias_path())).get(name, "")
    return english_names().get(code, name)


def group_name(name: str) -> TextLazyString:
    """`group_label` in the language of whatever renders it (figures kept between requests)."""
    return TextLazyString(lambda: group_label(name, current_locale()))


def level_label(level: str, locale: str = "zh") -> str:
    """中职 / 专科 as the page's language says them."""
    return LEVEL_NAMES_EN.get(level, level) if locale == "en" else level


def level_name(level: str) -> TextLazyString:
    """`level_label` in the language of whatever renders it (a service's message)."""
    return TextLazyString(lambda: level_label(level, current_locale()))


def label_list(found: Iterable[CatalogueEntry], *, levels: bool = False, most: int = 5) -> TextLazyString:
    """ "610105 园艺技术、410105 园艺技术" (with `levels`, each with its level), at most `most` and then
    "…", in the language of whatever renders it."""
    found = tuple(found)

    def text() -> str:
        locale = current_locale()
        english = locale == "en"
        labels = [
            (f"{e.label} ({level_label(e.level, locale)})" if english else f"{e.label}（{e.level}）")
            if levels
            else e.label
            for e in found[:most]
        ]
        return (", " if english else "、").join(labels) + ("…" if len(found) > most else "")

    return TextLazyString(text)


def catalogue_sheet(entries: Iterable[CatalogueEntry]) -> Sheet:
    """The national catalogue as the annex lists it, with the old names that lead to each major (in
    English, the level, 大类 and 类 in the platform's English; the majors keep their Chinese names)."""
    locale = current_locale()
    return Sheet(
        _("Major catalogue 2021"),
        [
            _("Level"),
            _("Catalogue code"),
            _("Major"),
            _("Major group"),
            _("Major class"),
            _("Old names"),
        ],
        [
            [
                level_label(e.level, locale),
                e.code,
                e.name,
                f"{e.category_code} {group_label(e.category, locale)}",
                f"{e.class_code} {group_label(e.class_name, locale)}",
                "、".join(a.old_name for a in aliases_of(e)),
            ]
            for e in entries
        ],
    )
