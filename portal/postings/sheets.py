"""Enterprise HR's spreadsheet of demand postings, imported and exported.

One sheet holds every kind: the common columns, then the flat kind-specific
fields of `DETAIL_FIELDS` (one column per key; `major` serves both order
classes and apprenticeships). A row fills the columns of its own kind and
leaves the others empty. Workplace mentors and experts, lists of people in the
form, are one text cell: people separated by ；, a semicolon or a line break,
each written as name/skills/title (experts: name/expertise/title/hours); a
cell that only makes sense split at 、 between people is read that way too.

Every row goes through `postings.create_posting`, so an imported posting obeys
exactly the rules of the form, and becomes a draft of the importer's own
enterprise: the sheet has no enterprise or status column, and any other
column is refused by the generic importer as unknown.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import LazyString, force_locale

from portal.accounts.models import User
from portal.organisations import services as organisations
from portal.organisations.models import Organisation
from portal.platform import spreadsheets, vocab
from portal.platform.errors import Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.spreadsheets import BOOLEAN, CHOICE, CHOICES, DATE, INTEGER, Column, SheetSpec
from portal.postings import services as postings
from portal.postings.models import DETAIL_FIELDS, DetailField, Posting, PostingKind
from portal.postings.services import PostingInput

NAMED_CLASS = "named_class"  # a sheet-only kind: an order class that must carry a class name

# The names the district writes (exported as such), then the other names accepted.
KIND_NAMES: dict[str, str] = {
    PostingKind.ORDER_CLASS.value: "订单班",
    NAMED_CLASS: "冠名班",
    PostingKind.APPRENTICESHIP.value: "现代学徒制",
    PostingKind.INTERNSHIP.value: "岗位实习",
    PostingKind.PART_TIME_TEACHER.value: "企业兼职教师",
    PostingKind.STAFF_TRAINING.value: "职工培训",
}
_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    PostingKind.ORDER_CLASS.value: ("order class",),
    NAMED_CLASS: ("named class",),
    PostingKind.APPRENTICESHIP.value: ("学徒制", "modern apprenticeship"),
    PostingKind.INTERNSHIP.value: ("实习",),
    PostingKind.PART_TIME_TEACHER.value: ("兼职教师", "part-time teacher"),
    PostingKind.STAFF_TRAINING.value: ("培训", "staff training"),
}

PEOPLE_SEPARATOR = "；"
_PEOPLE_SPLIT = re.compile(r"[;；\n\r]+")
_PERSON_SPLIT = re.compile(r"[/／]")
_ENUMERATION_SPLIT = re.compile(r"[、,，]")
PEOPLE_FORMATS: dict[str, object] = {
    "mentors": _l("name/skills/title"),
    "experts": _l("name/expertise/title/hours"),
}
PEOPLE_EXAMPLES: dict[str, str] = {
    "mentors": "王师傅/氩弧焊/技师；李师傅/钳工/高级工",
    "experts": "李工/机器人焊接编程/高级技师/40",
}


class _Note:
    """A "What to write" note put together in the language of the moment it is shown."""

    def __init__(self, *parts: object) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(text for text in (str(p) for p in self.parts) if text)


def _towns() -> dict[str, object]:
    # Chinese or English town names by the language of the moment: both are accepted.
    return {code: vocab.town_name(code) for code in vocab.TOWNS}


def _applies_to(key: str) -> _Note:
    kinds = []
    for kind, fields in DETAIL_FIELDS.items():
        spec = next((f for f in fields if f.key == key), None)
        if spec is not None:
            label = PostingKind.labels()[kind]
            kinds.append(_l("%(kind)s (required)", kind=label) if spec.required else label)
    return _Note(
        _l(
            "Only for %(kinds)s; leave empty for other kinds.",
            kinds=LazyString(lambda: "、".join(str(k) for k in kinds)),
        )
    )


def _detail(key: str) -> DetailField:
    return next(f for fields in DETAIL_FIELDS.values() for f in fields if f.key == key)


def _range(key: str) -> object:
    spec = _detail(key)
    return _l("A whole number from %(min)d to %(max)d %(unit)s.", min=spec.min, max=spec.max, unit=spec.unit)


def _people_note(key: str) -> object:
    return _l(
        "One cell for all: people separated by ；, each written as %(format)s, e.g. %(example)s.",
        format=PEOPLE_FORMATS[key],
        example=PEOPLE_EXAMPLES[key],
    )


def _detail_column(
    key: str,
    kind: str = spreadsheets.TEXT,
    *,
    aliases: tuple[str, ...],
    note: object = "",
    choices: dict[str, object] | None = None,
) -> Column:
    spec = _detail(key)
    allowed = (
        _l(
            "Any of: %(values)s.",
            values=LazyString(lambda: "、".join(str(v) for v in (choices or {}).values())),
        )
        if choices
        else ""
    )
    return Column(
        key, spec.label, kind, choices=choices, aliases=aliases, hint=_Note(_applies_to(key), note, allowed)
    )


POSTINGS = SheetSpec(
    name="postings",
    title=_l("Postings"),
    columns=(
        Column(
            "kind",
            _l("Kind"),
            required=True,
            aliases=("类型", "需求类型", "合作类型", "合作形式"),
            # The codes (order_class, …) are accepted too, but only the names are shown.
            hint=_Note(
                _l("One of %(names)s.", names="、".join(KIND_NAMES.values())),
                _l("A 冠名班 (named class) needs a class name."),
            ),
        ),
        Column(
            "title",
            _l("Title"),
            required=True,
            aliases=("标题", "需求标题", "需求名称"),
            hint=_l("At most %(n)d characters.", n=postings.TITLE_MAX),
        ),
        Column(
            "description",
            _l("Description"),
            aliases=("描述", "说明", "需求说明", "需求描述"),
            hint=_l("At most %(n)d characters.", n=postings.DESCRIPTION_MAX),
        ),
        Column(
            "skills",
            _l("Skills"),
            aliases=("技能", "技能要求", "所需技能"),
            hint=_l("Separate with commas or 、"),
        ),
        Column(
            "certificates",
            _l("1+X certificates wanted"),
            aliases=("1+X证书", "证书", "职业技能等级证书"),
            hint=_l("Separate with commas or 、"),
        ),
        Column(
            "headcount",
            _l("Headcount"),
            INTEGER,
            required=True,
            aliases=("人数", "需求人数", "招收人数", "名额"),
            hint=_l(
                "1 to %(n)d: seats in the class, apprentice places, interns, experts or trainees.",
                n=postings.MAX_HEADCOUNT,
            ),
        ),
        Column(
            "town",
            _l("Town / street"),
            CHOICE,
            choices=_towns(),
            aliases=("镇街", "所在镇街", "镇", "街道", "镇（街道）"),
            hint=_Note(
                _l("Empty: your enterprise's town."),
                _l(
                    "Any of: %(values)s.",
                    values=LazyString(lambda: "、".join(str(vocab.town_name(c)) for c in vocab.TOWNS)),
                ),
            ),
        ),
        Column(
            "start_date",
            _l("Start date"),
            DATE,
            aliases=("开始日期", "开始时间"),
            hint=_l("Write the date as 2026-09-01."),
        ),
        Column(
            "end_date",
            _l("End date"),
            DATE,
            aliases=("结束日期", "结束时间"),
            hint=_l("Write the date as 2026-09-01."),
        ),
        Column(
            "deadline",
            _l("Application deadline"),
            DATE,
            required=True,
            aliases=("截止日期", "报名截止", "报名截止日期", "申请截止日期"),
            hint=_l("Today or later, written as 2026-09-01."),
        ),
        _detail_column("major", aliases=("专业", "需求专业", "对口专业")),
        _detail_column("class_name", aliases=("班级名称", "冠名班名称", "班名")),
        _detail_column("years", INTEGER, aliases=("培养年限", "学制", "年限"), note=_range("years")),
        _detail_column(
            "benefits", CHOICES, choices=_detail("benefits").choices, aliases=("企业提供", "企业支持")
        ),
        _detail_column("expectations", aliases=("企业要求", "企业期望")),
        _detail_column(
            "stipend", INTEGER, aliases=("学徒补贴", "学徒津贴", "每月补贴", "补贴"), note=_range("stipend")
        ),
        _detail_column("rotation", aliases=("工学交替", "工学交替安排", "轮岗安排")),
        _detail_column("mentors", aliases=("企业师傅", "师傅"), note=_people_note("mentors")),
        _detail_column("positions", aliases=("实习岗位", "岗位")),
        _detail_column(
            "months", INTEGER, aliases=("实习期", "实习时长", "实习月数", "月数"), note=_range("months")
        ),
        _detail_column("pay", INTEGER, aliases=("实习报酬", "报酬", "月薪"), note=_range("pay")),
        _detail_column(
            "post_wage", INTEGER, aliases=("同岗位工资", "同类岗位工资", "岗位工资"), note=_range("post_wage")
        ),
        _detail_column(
            "lodging",
            BOOLEAN,
            aliases=("住宿", "提供住宿", "是否提供住宿"),
            note=_l("Write 是 or 否 (yes or no)."),
        ),
        # What HR declares about an internship post (the 2021 internship rules; required to publish).
        _detail_column(
            "post_staff_count",
            INTEGER,
            aliases=("岗位在岗职工", "同类岗位在岗职工", "岗位职工数"),
            note=_range("post_staff_count"),
        ),
        _detail_column("venue", CHOICE, choices=_detail("venue").choices, aliases=("实习场所",)),
        _detail_column("channel", CHOICE, choices=_detail("channel").choices, aliases=("接收方式",)),
        _detail_column(
            "intensity", CHOICE, choices=_detail("intensity").choices, aliases=("体力劳动强度", "劳动强度")
        ),
        _detail_column("hazards", CHOICES, choices=_detail("hazards").choices, aliases=("高风险作业",)),
        _detail_column(
            "minors_forbidden", CHOICE, choices=_detail("minors_forbidden").choices, aliases=("未成年工禁忌",)
        ),
        _detail_column(
            "women_forbidden", CHOICE, choices=_detail("women_forbidden").choices, aliases=("女职工禁忌",)
        ),
        _detail_column("experts", aliases=("专家", "兼职教师", "可任教的专家"), note=_people_note("experts")),
        _detail_column("courses", aliases=("培训课程", "课程", "所需课程")),
        _detail_column(
            "target_groups", CHOICES, choices=_detail("target_groups").choices, aliases=("培训对象", "对象")
        ),
        _detail_column("schedule", aliases=("培训时间", "时间安排")),
    ),
)

_DETAIL_KEY_SET = {f.key for fields in DETAIL_FIELDS.values() for f in fields}
DETAIL_KEYS = tuple(c.key for c in POSTINGS.columns if c.key in _DETAIL_KEY_SET)
PEOPLE_KEYS = tuple(key for key in DETAIL_KEYS if _detail(key).type == "people")


# --- reading one row ----------------------------------------------------------------


def _norm(text: object) -> str:
    return spreadsheets._normalise_header(text)


def _names(code: str, label: object) -> set[str]:
    """A code and its label in both languages ("Technician (技师)" also as 技师 and Technician)."""
    names = {code}
    for locale in ("zh", "en"):
        with force_locale(locale):
            text = str(label)
        names.add(text)
        inner = re.search(r"[（(]([^）)]+)[）)]", text)
        if inner:
            names.update({inner.group(1), text[: inner.start()]})
    return {_norm(n) for n in names if n.strip()}


def parse_kind(raw: str) -> tuple[str, bool]:
    """(stored kind, whether the row names a 冠名班) from what the sheet says."""
    wanted = _norm(raw)
    for name, names in _KIND_ALIASES.items():
        kind = PostingKind.ORDER_CLASS.value if name == NAMED_CLASS else name
        accepted = {_norm(KIND_NAMES[name]), _norm(name), *(_norm(a) for a in names)}
        if name in PostingKind.labels():
            accepted |= _names(name, PostingKind.labels()[name])
        if wanted in accepted:
            return kind, name == NAMED_CLASS
    if not wanted:
        raise ServiceError(_l("%(field)s is required.", field=_l("Kind")), field="kind")
    allowed = "、".join(KIND_NAMES.values())
    raise ServiceError(
        _l("Unknown value %(value)s; use one of: %(allowed)s.", value=raw, allowed=allowed), field="kind"
    )


def _title_code(field: DetailField, raw: str, key: str) -> str:
    wanted = _norm(raw)
    for code, label in field.choices.items():
        if wanted in _names(code, label):
            return code
    allowed = "、".join(str(v) for v in field.choices.values())
    # Reported in the mentors' or experts' column, so the column names the field.
    raise ServiceError(
        _l("Unknown value %(value)s; use one of: %(allowed)s.", value=raw, allowed=allowed), field=key
    )


def _people_chunks(text: str, fields: int) -> list[str]:
    """One text per person. People are separated by ；; a cell that only makes sense split at 、
    (王师傅/氩弧焊/技师、李师傅/钳工/高级工) is read that way, while 、 inside a field stays."""
    chunks = []
    for chunk in _PEOPLE_SPLIT.split(text or ""):
        if not chunk.strip():
            continue
        if len(_PERSON_SPLIT.split(chunk)) > fields:
            pieces = [p for p in _ENUMERATION_SPLIT.split(chunk) if p.strip()]
            if all(len(_PERSON_SPLIT.split(p)) == fields for p in pieces):
                chunks.extend(pieces)
                continue
        chunks.append(chunk)
    return chunks


def parse_people(key: str, text: str) -> list[dict[str, Any]]:
    """'王师傅/氩弧焊/技师；李师傅/钳工/高级工' → the rows the form would send.

    Only the shape is checked here; the values are checked by the posting service.
    """
    spec = _detail(key)
    people = []
    for chunk in _people_chunks(text, len(spec.person)):
        parts = [part.strip() for part in _PERSON_SPLIT.split(chunk)]
        if len(parts) != len(spec.person):
            raise ServiceError(
                _l(
                    "%(field)s: write each person as %(format)s and separate people with ；.",
                    field=spec.label,
                    format=PEOPLE_FORMATS[key],
                ),
                field=key,
            )
        person: dict[str, Any] = {}
        for sub, value in zip(spec.person, parts, strict=True):
            if sub.type == "choice" and value:
                value = _title_code(sub, value, key)
            elif sub.type == "int" and re.fullmatch(r"\d{1,9}", value):
                value = int(value)  # anything else goes on as text and is refused by the service
            person[sub.key] = value
        people.append(person)
    return people


def _is_blank(value: Any) -> bool:
    return value is None or value is False or value == "" or value == []


def row_input(
    enterprise: Organisation, values: dict[str, Any], problems: Problems | None = None
) -> tuple[str, PostingInput] | None:
    """The kind and the form's input for one converted row. With `problems`, the row's own
    problems go there and the input is built from what could be read (None: no kind to judge by);
    without, they are raised together."""
    own_problems = problems is None
    problems = Problems() if problems is None else problems
    parsed = problems.check(parse_kind, values.get("kind") or "")
    if parsed is None:
        if own_problems:
            problems.raise_if_any()
        return None
    kind, named = parsed
    own = {f.key for f in DETAIL_FIELDS[kind]}
    for key in DETAIL_KEYS:
        if key not in own and not _is_blank(values.get(key)):
            problems.add(
                _l(
                    "%(field)s does not apply to %(kind)s; leave it empty.",
                    field=_detail(key).label,
                    kind=PostingKind.labels()[kind],
                ),
                field=key,
            )
    if named and not (values.get("class_name") or "").strip():
        problems.add(_l("A 冠名班 (named class) needs a class name."), field="class_name")
    details = {key: values[key] for key in own if key in values}
    for key in PEOPLE_KEYS:
        if key in own:
            people = problems.check(parse_people, key, values.get(key) or "")
            if people is not None:
                details[key] = people
    if own_problems:
        problems.raise_if_any()
    return kind, PostingInput.parsed({**values, "town": values.get("town") or enterprise.town}, details)


def import_postings(hr: User, data: bytes, filename: str | None) -> int:
    """Drafts of the HR user's own enterprise, one per row, or none at all (the caller rolls back)."""
    enterprise = hr.organisation
    organisations.ensure_may_import(enterprise)

    def create(values: dict[str, Any]) -> Posting | None:
        # The row's own problems (kind, people's format) and the posting's rules in one pass;
        # a column the row already reported keeps that one message.
        problems = Problems()
        parsed = row_input(enterprise, values, problems)
        if parsed is None:
            problems.raise_if_any()
            return None
        reported = {p.field for p in problems.items}
        try:
            posting = postings.create_posting(enterprise, *parsed)
        except ServiceError as exc:
            problems.items.extend(
                p for p in getattr(exc, "problems", None) or [exc] if p.field not in reported
            )
            posting = None
        problems.raise_if_any()
        return posting

    return spreadsheets.import_rows(POSTINGS, data, filename, create)


# --- writing ------------------------------------------------------------------------


def format_people(key: str, people: list[dict[str, Any]]) -> str:
    spec = _detail(key)
    out = []
    for person in people or []:
        parts = []
        for sub in spec.person:
            value = person.get(sub.key)
            if sub.type == "choice":
                value = sub.choices.get(value, value)
            parts.append("" if value is None else str(value))
        out.append("/".join(parts))
    return PEOPLE_SEPARATOR.join(out)


def posting_row(posting: Posting) -> dict[str, Any]:
    kind_name = KIND_NAMES[NAMED_CLASS] if posting.is_named_class else KIND_NAMES[posting.kind]
    row: dict[str, Any] = {"kind": kind_name, **posting.common_values()}
    for key, value in (posting.details or {}).items():
        if key in PEOPLE_KEYS:
            row[key] = format_people(key, value)
        elif key in DETAIL_KEYS:
            row[key] = value
    return row


def export(hr: User, fmt: str) -> bytes:
    """The HR user's own enterprise's postings only, whatever their status."""
    rows = [posting_row(p) for p in postings.postings_of_enterprise(hr)]
    if fmt == "xlsx":
        return spreadsheets.write_xlsx(POSTINGS, rows)
    return spreadsheets.write_csv(POSTINGS, rows)


def template(fmt: str) -> bytes:
    if fmt == "xlsx":
        return spreadsheets.write_xlsx(POSTINGS, [], with_notes=True)
    return spreadsheets.write_csv(POSTINGS, [])


def column_notes() -> list[tuple[str, bool, str]]:
    """(label, required, what to write) per column, as on the template's notes sheet."""
    return [(str(c.label), c.required, str(c.hint)) for c in POSTINGS.columns]
