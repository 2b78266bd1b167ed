"""Fixed vocabularies: industries, towns, school kinds, sizes.

Stored values are stable English codes; labels go through gettext so the UI
shows Chinese first and English on the switch.
"""

from __future__ import annotations

import re

from flask_babel import LazyString, gettext

from portal.platform.i18n import current_locale
from portal.platform.i18n import lazy_gettext as _l

# The plan's industries (GLOSSARY.md) plus the district's other employers.
INDUSTRIES: dict[str, object] = {
    "equipment": _l("High-end equipment manufacturing"),
    "new_energy": _l("New energy"),
    "new_materials": _l("New materials"),
    "pharma": _l("New pharma"),
    "agriculture": _l("Modern efficient agriculture"),
    "services": _l("Modern services"),
    "ecommerce": _l("Rural e-commerce"),
    "care": _l("Nursing and elderly care"),
    "automotive": _l("New-energy vehicles"),
    "it": _l("Information technology"),
    "construction": _l("Construction"),
    "other": _l("Other"),
}

# Laiwu district's towns and streets (镇、街道).
TOWNS: dict[str, str] = {
    "fengcheng": "凤城街道",
    "zhangjiawa": "张家洼街道",
    "gaozhuang": "高庄街道",
    "pengquan": "鹏泉街道",
    "kouzhen": "口镇街道",  # a 街道 since 2020; the code is kept so existing records stay valid
    "yangli": "羊里街道",
    "fangxia": "方下街道",
    "xueye": "雪野街道",
    "dawangzhuang": "大王庄镇",
    "zhaili": "寨里镇",
    "yangzhuang": "杨庄镇",
    "chayekou": "茶业口镇",
    "hezhuang": "和庄镇",
    "miaoshan": "苗山镇",
    "niuquan": "牛泉镇",
    # Outside the district's 15 units, where partners also are: the neighbouring district and
    # the functional zones (功能区) that administer parts of it.
    "gangcheng": "钢城区",
    "hitech_zone": "莱芜高新区",
    "agri_zone": "农高区",
    "xueye_zone": "雪野旅游区",
}

TOWN_NAMES_EN: dict[str, str] = {
    "fengcheng": "Fengcheng Street",
    "zhangjiawa": "Zhangjiawa Street",
    "gaozhuang": "Gaozhuang Street",
    "pengquan": "Pengquan Street",
    "kouzhen": "Kouzhen Street",
    "yangli": "Yangli Street",
    "fangxia": "Fangxia Street",
    "xueye": "Xueye Street",
    "dawangzhuang": "Dawangzhuang Town",
    "zhaili": "Zhaili Town",
    "yangzhuang": "Yangzhuang Town",
    "chayekou": "Chayekou Town",
    "hezhuang": "Hezhuang Town",
    "miaoshan": "Miaoshan Town",
    "niuquan": "Niuquan Town",
    "gangcheng": "Gangcheng District",
    "hitech_zone": "Laiwu High-tech Zone",
    "agri_zone": "Agricultural High-tech Zone",
    "xueye_zone": "Xueye Tourist Zone",
}

SCHOOL_KINDS: dict[str, object] = {
    "secondary_vocational": _l("Secondary vocational school"),
    "technical_school": _l("Technical school"),  # 技工学校: secondary level, under human resources
    "technician_college": _l("Technician college"),
    "higher_vocational": _l("Higher vocational college"),
    "undergraduate": _l("Undergraduate university"),
}

ENTERPRISE_SIZES: dict[str, object] = {
    "micro": _l("Under 20 employees"),
    "small": _l("20–299 employees"),
    "medium": _l("300–999 employees"),
    "large": _l("1,000 employees or more"),
}


def town_label(code: str | None, locale: str = "zh") -> str:
    if not code:
        return ""
    names = TOWN_NAMES_EN if locale == "en" else TOWNS
    return names.get(code, code)


def town_name(code: str | None) -> LazyString:
    """A town's name in the language of whatever renders it (services need not know the locale)."""
    return LazyString(lambda: town_label(code, current_locale()))


def town_choices() -> list[tuple[str, object]]:
    """Towns as form choices, labelled in the language of the request that renders them."""
    return [(code, town_name(code)) for code in TOWNS]


_TERM = re.compile(r"^(\d{4})年(春|秋)季学期$")


def term_label(term: str | None) -> str:
    """A stored school term (2026年秋季学期, as exchanges keep it) in the reader's language; a term a
    school typed otherwise is shown as typed."""
    found = _TERM.match(term or "")
    if found is None:
        return term or ""
    year = found.group(1)
    return (
        gettext("Spring term %(year)s", year=year)
        if found.group(2) == "春"
        else gettext("Autumn term %(year)s", year=year)
    )
