"""Enterprise demand postings: drafts, publication, closing, and the public search.

Only an enterprise's own HR staff see and change its postings (a foreign id is
NotFound); only verified enterprises publish. Every rule about what a posting
may contain lives here, so the form, the seed loader and any import share it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import Text, and_, bindparam, cast, column, false, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.notifications import services as notifications
from portal.organisations.models import Organisation
from portal.organisations.services import ensure_can_publish
from portal.platform import cache, checks, events, vocab
from portal.platform.checks import district_today, labelled_text
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.model_base import utcnow
from portal.platform.queries import newest_first
from portal.platform.search import MAX_PAGE, Page, contains, like_escape
from portal.postings.models import (
    DETAIL_FIELDS,
    KIND_KEYWORDS,
    DetailField,
    Posting,
    PostingKind,
    PostingSearch,
)
from portal.programs.models import PublicationStatus
from portal.rules import internships as internship_rules

TITLE_MAX = 120
DESCRIPTION_MAX = 4000
LIST_MAX = 500  # skills, certificates
LIST_ITEM_MAX = 60
MAX_HEADCOUNT = 1000  # no class, intake or training round in the district is larger; larger is a typo
MAX_YEARS_AHEAD = 5  # dates further ahead are typos
PER_PAGE = 20
COUNT_CAP = 1000  # a search counts its matches up to here ("1,000+")

KINDS = [k.value for k in PostingKind]
SORTS = ("newest", "deadline", "headcount")  # the open API's, each a column its cursor pages by
# The public list's: also the best match first, then the newest (the default; without words, the newest).
LIST_SORTS = ("relevance", *SORTS)
_LIST_SPLIT = re.compile(r"[,，、;；\n\r]+")


# --- input -----------------------------------------------------------------------


@dataclass(frozen=True)
class PostingInput:
    """What an HR user fills in. `details` holds the kind's own fields (DETAIL_FIELDS)."""

    title: str
    description: str = ""
    skills: str = ""
    certificates: str = ""
    headcount: int | None = None
    town: str = ""
    start_date: date | None = None
    end_date: date | None = None
    deadline: date | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parsed(cls, values: dict[str, Any], details: dict[str, Any]) -> PostingInput:
        """From the values a sheet or the API parsed (a text left out is empty)."""
        texts = {
            name: values.get(name) or ""
            for name in ("title", "description", "skills", "certificates", "town")
        }
        dates = {name: values.get(name) for name in ("start_date", "end_date", "deadline")}
        return cls(**texts, **dates, headcount=values.get("headcount"), details=details)


def normalise_list(raw: str | None) -> str:
    """'焊接, 装配、 焊接\\n钳工' → '焊接、装配、钳工': trimmed, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for item in _LIST_SPLIT.split(raw or ""):
        item = " ".join(item.split())
        if item and item.lower() not in {s.lower() for s in seen}:
            seen[item] = None
    return "、".join(seen)


def _int(value: Any, label, low: int, high: int, key: str, *, required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label), field=key)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_l("%(field)s must be a whole number.", field=label), field=key)
    if not low <= value <= high:
        raise ServiceError(
            _l("%(field)s must be between %(min)d and %(max)d.", field=label, min=low, max=high), field=key
        )
    return value


def _clean_field(spec: DetailField, value: Any, key: str) -> Any:
    if spec.type == "int":
        return _int(value, spec.label, spec.min, spec.max, key, required=spec.required)
    if spec.type in ("text", "longtext"):
        return labelled_text(value, spec.label, field=key, max_length=spec.max_len, required=spec.required)
    if spec.type == "bool":
        return bool(value)
    if spec.type == "choice":
        if value in (None, "") and not spec.required:
            return None
        if value not in spec.choices:
            raise ServiceError(_l("%(field)s: please choose a valid value.", field=spec.label), field=key)
        return value
    if spec.type == "choices":
        values = list(value or [])
        if any(v not in spec.choices for v in values):
            raise ServiceError(_l("%(field)s: please choose a valid value.", field=spec.label), field=key)
        return [c for c in spec.choices if c in values]  # canonical order, no duplicates
    if spec.type == "people":
        return _clean_people(spec, value, key)
    raise AssertionError(f"unknown detail type {spec.type}")


def _clean_people(spec: DetailField, rows: Any, key: str) -> list[dict[str, Any]]:
    people = []
    for row in rows or []:
        if not isinstance(row, dict):
            raise ServiceError(_l("%(field)s: please enter text.", field=spec.label), field=key)
        # Rows left blank in the form are not people.
        if all(row.get(sub.key) in (None, "") for sub in spec.person):
            continue
        people.append({sub.key: _clean_field(sub, row.get(sub.key), key) for sub in spec.person})
    if spec.required and not people:
        raise ServiceError(_l("%(field)s: add at least one person.", field=spec.label), field=key)
    if len(people) > spec.max_rows:
        raise ServiceError(
            _l("%(field)s: at most %(n)d people.", field=spec.label, n=spec.max_rows), field=key
        )
    return people


def clean_details(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """Check a kind's own fields; unknown keys are dropped (no mass assignment)."""
    problems = Problems()
    cleaned = {
        spec.key: problems.check(_clean_field, spec, details.get(spec.key), spec.key)
        for spec in DETAIL_FIELDS[kind]
    }
    problems.raise_if_any()
    return cleaned


def _check_date(value: date | None, label, key: str, today: date, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label), field=key)
        return
    if value > today + timedelta(days=366 * MAX_YEARS_AHEAD):
        raise ServiceError(
            _l("%(field)s is more than %(n)d years ahead.", field=label, n=MAX_YEARS_AHEAD), field=key
        )


def _clean(kind: str, data: PostingInput, today: date, *, published: bool = False) -> dict[str, Any]:
    """Every problem of the form at once (errors.Invalid), each beside its field."""
    if kind not in KINDS:
        raise ServiceError(_l("Please choose a valid kind of posting."), field="kind")
    problems = Problems()
    title = problems.check(
        labelled_text, data.title, _l("Title"), field="title", max_length=TITLE_MAX, required=True
    )
    description = problems.check(
        labelled_text, data.description, _l("Description"), field="description", max_length=DESCRIPTION_MAX
    )
    lists = {}
    for key, label in (("skills", _l("Skills")), ("certificates", _l("1+X certificates wanted"))):
        raw = problems.check(labelled_text, getattr(data, key), label, field=key, max_length=LIST_MAX)
        value = normalise_list(raw or "")
        if any(len(item) > LIST_ITEM_MAX for item in value.split("、")):
            problems.add(
                _l(
                    "%(field)s: each item at most %(n)d characters; separate items with commas.",
                    field=label,
                    n=LIST_ITEM_MAX,
                ),
                field=key,
            )
        lists[key] = value
    headcount = problems.check(
        _int, data.headcount, _l("Headcount"), 1, MAX_HEADCOUNT, "headcount", required=True
    )
    if data.town not in vocab.TOWNS:
        problems.add(_l("Please choose a valid town or street."), field="town")
    problems.check(_check_date, data.deadline, _l("Application deadline"), "deadline", today, required=True)
    if data.deadline is not None and data.deadline < today:
        problems.add(_l("The application deadline is in the past."), field="deadline")
    problems.check(_check_date, data.start_date, _l("Start date"), "start_date", today)
    problems.check(_check_date, data.end_date, _l("End date"), "end_date", today)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.add(_l("The end date is before the start date."), field="end_date")
    details = problems.check(clean_details, kind, data.details)
    if details is not None and kind == PostingKind.INTERNSHIP.value:
        # The 2021 internship rules on what HR declares about the post (a draft may leave answers out).
        for key, message in internship_rules.declared_problems(details, complete=published):
            problems.add(message, field=key)
        for _key, message in internship_rules.pay_problems(details.get("pay"), details.get("post_wage")):
            problems.add(message, field="pay")
    problems.raise_if_any()
    return {
        "title": title,
        "description": description,
        **lists,
        "headcount": headcount,
        "town": data.town,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "deadline": data.deadline,
        "details": details,
    }


def build_search_text(
    *,
    kind: str,
    title: str,
    description: str,
    skills: str,
    certificates: str,
    details: dict[str, Any],
    enterprise_name: str,
) -> str:
    """The lower-cased haystack that `?q=` searches (also used by the bulk generator)."""
    parts = [title, description, skills, certificates, enterprise_name, KIND_KEYWORDS.get(kind, "")]
    for value in details.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    parts.extend(str(v) for v in item.values() if isinstance(v, str))
    return "\n".join(p for p in parts if p).lower()


def _index(posting: Posting, enterprise: Organisation) -> None:
    """Write the posting's search row (PostingSearch) from what it says now."""
    text = build_search_text(
        kind=posting.kind,
        title=posting.title,
        description=posting.description,
        skills=posting.skills,
        certificates=posting.certificates,
        details=posting.details,
        enterprise_name=enterprise.name,
    )
    vector = search_terms(text, posting.town, enterprise.industry or "", posting.title)
    if posting.search is None:
        posting.search = PostingSearch(search_text=text, search_vector=vector)
    else:
        posting.search.search_text, posting.search.search_vector = text, vector


# --- search terms (issue 31) ------------------------------------------------------------
# Chinese has no spaces, so `LIKE '%焊接%'` reads every row. On PostgreSQL each posting also keeps
# its search terms in a `tsvector` with a GIN index: each run of CJK characters as its bigrams
# plus its last character, other words whole, and the names of its town and of its enterprise's
# industry in both languages. (Not the thesaurus terms its text mentions: 智能制造 stands for
# 工业机器人 there, and a search for 机器人 must not find every 智能制造 posting.) The
# app writes the lexemes itself (no text search configuration, no stemming), and a search asks
# for them the same way: a word of two or more CJK characters is all of its bigrams, one CJK
# character or a Latin word is a prefix ('焊':* finds 焊接 and 电焊). A word that is an entry of
# the matcher's thesaurus also finds its catalogue terms (焊工 finds 焊接). SQLite keeps the LIKE
# search, with the same thesaurus rule.

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"([{_CJK}]+)|[^\\W{_CJK}_]+")


def _fold(text: str) -> str:
    """As the matcher reads text (NFKC, case-folded): full-width ＣＮＣ is cnc on both sides."""
    return unicodedata.normalize("NFKC", text).casefold()


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _terms_of(text: str) -> set[str]:
    terms: set[str] = set()
    for match in _RUNS.finditer(_fold(text)):
        run = match.group(0)
        if match.group(1):
            terms.update(run[i : i + 2] for i in range(len(run) - 1))
            terms.add(run[-1])
        else:
            terms.add(run)
    return terms


# The matcher's thesaurus and its text normalisation (the search reads text as the matcher does, so
# that 焊工 finds 焊接). The adapter that talks to matching/ (portal.partnerships.matching) sits above
# postings and imports this module; the app factory registers its two functions here
# (portal.register_hooks), so imports go one way.
_matcher_text: dict[str, Callable] = {}


def register_matcher_text(thesaurus: Callable, normalise: Callable[[str], str]) -> None:
    _matcher_text.update(thesaurus=thesaurus, normalise=normalise)


def _thesaurus():
    return _matcher_text["thesaurus"]()


def _normalise(text: str) -> str:
    return _matcher_text["normalise"](text)


def _label_names(code: str, labels) -> list[str]:
    names = []
    for locale in ("zh", "en"):
        with force_locale(locale):
            names.append(str(labels(code)))
    return names


def search_terms(search_text: str, town: str, industry: str, title: str = "") -> str:
    """A posting's search terms as a `tsvector` literal (see above). Each term carries a weight:
    A from the title (so `ts_rank` puts postings that answer in their title first), B from the
    rest of its own text, D from the town's and industry's names (which a thesaurus term does
    not search: 重工 stands for 装备制造, not for every enterprise of 高端装备制造)."""
    labels: set[str] = set()
    if town in vocab.TOWNS:
        labels |= _terms_of(" ".join((vocab.town_label(town, "zh"), vocab.town_label(town, "en"))))
    if industry in vocab.INDUSTRIES:
        labels |= _terms_of(" ".join(_label_names(industry, vocab.INDUSTRIES.get)))
    weights = dict.fromkeys(labels, "D")
    weights.update(dict.fromkeys(_terms_of(search_text), "B"))
    weights.update(dict.fromkeys(_terms_of(title), "A"))
    return " ".join(f"{_lexeme(term)}:1{weight}" for term, weight in sorted(weights.items()))


def _word_query(word: str, weights: str = "", *, segmented: bool = False) -> str:
    """One search word as a `tsquery`: all its parts (found only in terms of these `weights`,
    when given); '' when it has none (punctuation only). `segmented`: a CJK run is cut at the seams
    no posting holds (`_pieces`), and only the bigrams inside each piece are asked for."""
    parts = [
        part for run, cjk in _runs(_fold(word), cut=segmented) for part in _run_query(run, weights, cjk=cjk)
    ]
    return " & ".join(dict.fromkeys(parts))


def _runs(word: str, *, cut: bool) -> list[tuple[str, bool]]:
    """A search word's runs (of CJK characters, or of letters and digits), each with whether it is
    CJK; with `cut`, CJK runs are cut at the seams no posting holds (`_pieces`)."""
    found = []
    for match in _RUNS.finditer(word):
        cjk = bool(match.group(1))
        found += [(piece, cjk) for piece in (_pieces(match.group(0)) if cut and cjk else [match.group(0)])]
    return found


def _pieces(run: str) -> list[str]:
    """A CJK run of a search cut where two of its characters stand side by side in no posting: the
    seams between the words it is made of (数控操作工 is cut at 控操 into 数控 and 操作工, which find
    数控机床操作工; asking for every bigram asked for 控操 too, and found nothing). The postings say
    where the seams are, in one lookup; a dictionary of Chinese words cost each process 72 MB."""
    if len(run) < 3:
        return [run]
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    held = _held(pairs)
    if not held:  # no posting holds any part: nothing is found either way
        return [run]
    pieces, start = [], 0
    for i, pair in enumerate(pairs):
        if pair not in held:
            pieces.append(run[start : i + 1])
            start = i + 1
    pieces.append(run[start:])
    return [piece for piece in pieces if piece]


def _held(pairs: list[str]) -> set[str]:
    """Of these character pairs, those some posting's search terms (PostgreSQL, through the index)
    or search text (SQLite) hold; kept, where the app keeps pages, until a posting is written (the
    lookup on every request of a paged search cost a sixth of the distinct searches' throughput)."""
    return cache.memoised(
        "pages", ("held_pairs", tuple(pairs)), lambda: _held_now(pairs), db.session.connection()
    )


def _held_now(pairs: list[str]) -> frozenset[str]:
    if uses_index():
        found = db.session.scalars(
            select(column("t"))
            .select_from(func.unnest(cast(pairs, ARRAY(Text))).alias("t"))
            .where(
                select(PostingSearch.posting_id)
                .where(PostingSearch.search_vector.op("@@")(cast(func.quote_literal(column("t")), TSQUERY)))
                .exists()
            )
        )
        return frozenset(found)
    return frozenset(
        pair
        for pair in pairs
        if db.session.scalar(
            select(PostingSearch.posting_id)
            .where(PostingSearch.search_text.like(contains(pair), escape="\\"))
            .limit(1)
        )
    )


def _run_query(run: str, weights: str, *, cjk: bool) -> list[str]:
    """The parts of one run of a search word: all bigrams of a CJK run, else a prefix."""
    if cjk and len(run) > 1:
        return [
            f"{_lexeme(run[i : i + 2])}:{weights}" if weights else _lexeme(run[i : i + 2])
            for i in range(len(run) - 1)
        ]
    return [f"{_lexeme(run)}:*{weights}"]


def search_query(q: str) -> str | None:
    """`q` as a `tsquery` literal: every word, or for an entry of the thesaurus one of its
    catalogue terms in the posting's own text; None when a word has nothing to search for (then
    nothing matches)."""
    words = []
    thesaurus = _thesaurus()
    for word in q.lower().split():
        options = [_word_query(word, segmented=True)] + [
            _word_query(term, "AB") for term in thesaurus.mapping.get(_normalise(word), ()) if term != word
        ]
        options = [f"({query})" for query in dict.fromkeys(options) if query]
        if not options:
            return None
        words.append("(" + " | ".join(options) + ")")
    return " & ".join(words)


def uses_index() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# --- HR use cases ------------------------------------------------------------------


def get_own_posting(hr: User, posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id)
    if posting is None or hr.organisation_id is None or posting.enterprise_id != hr.organisation_id:
        raise NotFound(_l("Posting not found."))
    return posting


OWN_PER_PAGE = 25


def own_postings_page(hr: User, page: int = 1, per_page: int = OWN_PER_PAGE) -> Page:
    """The enterprise's own postings, newest change first, a page at a time (an import may
    bring thousands)."""
    where = Posting.enterprise_id == hr.organisation_id
    total = db.session.scalar(select(func.count()).select_from(Posting).where(where)) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    items = list(
        db.session.scalars(
            select(Posting)
            .where(where)
            .order_by(Posting.updated_at.desc(), Posting.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items, total, page, per_page)


def postings_of_enterprise(hr: User) -> list[Posting]:
    return newest_first(Posting.updated_at, Posting.enterprise_id == hr.organisation_id)


def create_posting(
    enterprise: Organisation,
    kind: str,
    data: PostingInput,
    *,
    today: date | None = None,
    to_publish: bool = False,
) -> Posting:
    """A new draft of `enterprise`. Pending enterprises may save drafts too. `to_publish`: saved to be
    published at once, so what publishing asks is judged with the rest, in one round."""
    if not enterprise.is_enterprise:
        raise ServiceError(_l("Only enterprises post demand."))
    values = _clean(kind, data, today or district_today(), published=to_publish)
    posting = Posting(enterprise_id=enterprise.id, kind=kind, status=PublicationStatus.DRAFT.value, **values)
    _index(posting, enterprise)
    db.session.add(posting)
    db.session.flush()
    return posting


def update_posting(
    hr: User, posting_id: int, data: PostingInput, *, today: date | None = None, to_publish: bool = False
) -> Posting:
    """Edit a draft or a published posting (fixing a typo need not unpublish it); `to_publish` as for
    `create_posting`."""
    posting = get_own_posting(hr, posting_id)
    if not posting.can("edit"):
        raise ServiceError(_l("A closed posting can no longer be changed."))
    values = _clean(
        posting.kind, data, today or district_today(), published=posting.is_published or to_publish
    )
    for key, value in values.items():
        setattr(posting, key, value)
    _index(posting, posting.enterprise)
    db.session.flush()
    if posting.is_published:
        _recompute_proposals(posting)
    return posting


def publish(posting: Posting, *, today: date | None = None) -> Posting:
    """Publish a draft; only a verified enterprise may, and only before its deadline."""
    ensure_can_publish(posting.enterprise)
    if not posting.can("publish"):
        raise ServiceError(_l("Only a draft can be published."))
    if posting.deadline < (today or district_today()):
        raise ServiceError(
            _l("The application deadline has passed; set a later one before publishing."), field="deadline"
        )
    if posting.kind == PostingKind.INTERNSHIP.value:
        problems = Problems()
        for key, message in internship_rules.declared_problems(posting.details, complete=True):
            problems.add(message, field=key)
        problems.raise_if_any()
    transition(posting, PublicationStatus.PUBLISHED.value)
    posting.published_at = utcnow()
    db.session.flush()
    _recompute_proposals(posting)
    return posting


def publish_posting(hr: User, posting_id: int, *, today: date | None = None) -> Posting:
    return publish(get_own_posting(hr, posting_id), today=today)


def close_posting(hr: User, posting_id: int) -> Posting:
    posting = get_own_posting(hr, posting_id)
    if not posting.can("close"):
        raise ServiceError(_l("This posting is already closed."))
    transition(posting, PublicationStatus.CLOSED.value)
    posting.closed_at = utcnow()
    db.session.flush()
    _recompute_proposals(posting)
    return posting


def _recompute_proposals(posting: Posting) -> None:
    # The proposals for it are recomputed and its catalogue majors found again (for the
    # supply-and-demand figures) by the domains that registered for the hook.
    events.announce(events.POSTING_CHANGED, posting)


# --- public browsing ---------------------------------------------------------------


# The ids of the postings found to prepare for a catalogue major: planning classifies postings and
# registers the query (`portal.register_hooks`), so postings never import planning.
_MAJOR_POSTINGS: list[Callable[[str], Any]] = []


def register_major_postings(postings_of_major: Callable[[str], Any]) -> None:
    _MAJOR_POSTINGS[:] = [postings_of_major]


def prepares_for(major: str):
    """A condition on Posting: the postings found to prepare for catalogue major `major`."""
    return Posting.id.in_(_MAJOR_POSTINGS[0](major))


@dataclass(frozen=True)
class PostingQuery:
    """The public search: every field comes from a query parameter; bad values are ignored."""

    q: str = ""
    kind: str = ""
    industry: str = ""
    town: str = ""
    certificate: str = ""
    enterprise_id: int | None = None
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> PostingQuery:
        def choice(name: str, allowed) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        def number(name: str, default: int | None) -> int | None:
            raw = (args.get(name) or "").strip()
            value = checks.whole_number(raw)
            return default if value is None else value

        return cls(
            q=checks.search_text(args.get("q")),
            kind=choice("kind", KINDS),
            industry=choice("industry", vocab.INDUSTRIES),
            town=choice("town", vocab.TOWNS),
            certificate=" ".join((args.get("cert") or "").split())[:LIST_ITEM_MAX],
            enterprise_id=number("enterprise", None),
            sort=choice("sort", LIST_SORTS) or "relevance",
            page=min(max(number("page", 1) or 1, 1), MAX_PAGE),
        )

    def args(self, **changes) -> dict[str, Any]:
        """Query parameters for a link to this search (empty ones left out), e.g. the next page."""
        values: dict[str, Any] = {
            "q": self.q,
            "kind": self.kind,
            "industry": self.industry,
            "town": self.town,
            "cert": self.certificate,
            "enterprise": self.enterprise_id,
            "sort": self.sort,
            "page": self.page,
        }
        values.update(changes)
        if values["sort"] == "relevance":
            values["sort"] = None
        if values["page"] == 1:
            values["page"] = None
        return {k: v for k, v in values.items() if v not in ("", None)}


def _label_codes(labels: dict[str, set[str]], term: str) -> list[str]:
    return sorted(code for code, names in labels.items() if any(term in name for name in names))


def _industry_labels() -> dict[str, set[str]]:
    """Each industry's name in both languages, lower-cased (computed per call: cheap, and
    always in step with the catalogue)."""
    names: dict[str, set[str]] = {}
    for locale in ("zh", "en"):
        with force_locale(locale):
            for code, label in vocab.INDUSTRIES.items():
                names.setdefault(code, set()).add(str(label).lower())
    return names


def _town_labels() -> dict[str, set[str]]:
    return {
        code: {vocab.town_label(code, "zh").lower(), vocab.town_label(code, "en").lower()}
        for code in vocab.TOWNS
    }


def _text_condition(term: str):
    """SQLite: the word, or a catalogue term it stands for (焊工 → 焊接), in `search_text`, as
    the index searches on PostgreSQL."""
    pieces = [run for run, _cjk in _runs(term, cut=True)]
    # A word cut at a seam asks for each piece; any other, for the word as typed (punctuation too).
    words = pieces if len(pieces) > len(_runs(term, cut=False)) else [term]
    own = and_(*[PostingSearch.search_text.like(contains(word), escape="\\") for word in words])
    others = [
        PostingSearch.search_text.like(contains(word), escape="\\")
        for word in _thesaurus().mapping.get(_normalise(term), ())
        if word != term
    ]
    return or_(own, *others) if others else own


def text_matches(q: str):
    """The postings whose own text has every word of `q` (the GIN index on PostgreSQL): a
    condition on Posting, with no join to their search rows."""
    if uses_index():
        return _searched(index_matches(q))
    return _searched(and_(*[_text_condition(term) for term in q.lower().split()]))


def postings_holding_any(terms: Sequence[str]) -> set[int] | None:
    """PostgreSQL: the ids of the postings, whatever their state, whose search terms hold one of
    `terms` (all of a term's parts), in their own text or in their town's or industry's name (none
    for no term); None when a term has no letters (nothing can be looked up). The matcher finds a
    major's candidate postings this way: a superset of those holding a term in their own text only.

    Without weights the GIN index answers alone; with them, or in a sequential scan, each
    posting's terms are read again and tested against every term (issue 31: a major's 84 terms
    at 5×, held by 25,000 of 50,000 postings, took 0.5–0.6 s; the index alone takes 0.2 s). So
    many postings match that the planner would scan the table: the index is chosen for this one
    statement, and the transaction's setting put back after it."""
    queries = [_word_query(term) for term in terms]
    if not all(queries):
        return None
    if not queries:
        return set()
    tsquery = " | ".join(f"({query})" for query in queries)
    setting = db.session.scalar(select(func.current_setting("enable_seqscan")))
    db.session.execute(select(func.set_config("enable_seqscan", "off", True)))
    found = set(db.session.scalars(select(PostingSearch.posting_id).where(_answers(tsquery))))
    db.session.execute(select(func.set_config("enable_seqscan", setting, True)))
    return found


def _answers(tsquery):
    """The search rows whose terms answer `tsquery` (a literal or a bind parameter)."""
    return PostingSearch.search_vector.op("@@")(cast(tsquery, TSQUERY))


def _searched(condition):
    return Posting.id.in_(select(PostingSearch.posting_id).where(condition))


def _term_condition(term: str, industries: dict[str, set[str]], towns: dict[str, set[str]]):
    """One search word matches the posting's own text (title, description, skills,
    certificates, major wanted and the other details, enterprise name: `search_text`),
    or the name of the enterprise's industry, or the name of the posting's town."""
    matches = [_text_condition(term)]
    industry_codes = _label_codes(industries, term)
    if industry_codes:
        matches.append(Organisation.industry.in_(industry_codes))
    town_codes = _label_codes(towns, term)
    if town_codes:
        matches.append(Posting.town.in_(town_codes))
    return or_(*matches) if len(matches) > 1 else matches[0]


def index_matches(q: str):
    """PostgreSQL: the search rows whose terms answer `q` (through the GIN index); the query
    joins them (`_matching`)."""
    found = search_query(q)
    return false() if found is None else _answers(found)


def _relevance(q: str):
    """How well a posting answers `q` (PostgreSQL's ts_rank over its search row's terms)."""
    return func.ts_rank(
        PostingSearch.search_vector, cast(bindparam("tsquery", search_query(q) or ""), TSQUERY)
    )


def _filter_values(query: PostingQuery, today: date) -> dict[str, Any]:
    """The public search's values, each under the name of the bind parameter that takes it in
    `_public_filter`: a statement built from one query serves every query of its shape, run with
    their own values (`_card_statement`)."""
    values: dict[str, Any] = {"today": today}
    if query.q.split() and uses_index():
        values["tsquery"] = search_query(query.q)  # None: a word with nothing to search for
    values.update(
        (name, getattr(query, name)) for name in ("kind", "industry", "town") if getattr(query, name)
    )
    if query.certificate:
        values["certificate"] = f"%{like_escape(query.certificate.lower())}%"
    if query.enterprise_id is not None:
        values["enterprise_id"] = query.enterprise_id
    return values


def _public_filter(query: PostingQuery, today: date) -> list:
    values = _filter_values(query, today)

    def bound(name: str):
        return bindparam(name, values[name])

    conditions = [
        Posting.status == PublicationStatus.PUBLISHED.value,
        Posting.deadline >= bound("today"),
        # Not by joining each match's enterprise: the few enterprises not verified, hashed once a
        # statement, and PostgreSQL walks the capped ranking from the list's index alone (it had
        # looked up the enterprise of each of the 1,001 matches the capped count walks, issue 31).
        Posting.enterprise_id.not_in(select(Organisation.id).where(~Organisation.is_verified)),
    ]
    # Every word must appear (AND); lower-cased like the stored search_text.
    if "tsquery" in values:
        conditions.append(false() if values["tsquery"] is None else _answers(bound("tsquery")))
    elif query.q.split():
        industries, towns = _industry_labels(), _town_labels()
        for term in query.q.lower().split():
            conditions.append(_term_condition(term, industries, towns))
    if "kind" in values:
        conditions.append(Posting.kind == bound("kind"))
    if "industry" in values:
        conditions.append(Organisation.industry == bound("industry"))
    if "town" in values:
        conditions.append(Posting.town == bound("town"))
    if "certificate" in values:
        conditions.append(func.lower(Posting.certificates).like(bound("certificate"), escape="\\"))
    if "enterprise_id" in values:
        conditions.append(Posting.enterprise_id == bound("enterprise_id"))
    return conditions


def _joined(found, query: PostingQuery):
    """`found`, a select from the postings, joined to what `_public_filter` reads: the enterprise
    where its industry is asked for (by the filter, or on SQLite by a search word that names one),
    and the postings' search rows when the query has words."""
    if query.industry or (query.q.split() and not uses_index()):
        found = found.join(Organisation, Posting.enterprise_id == Organisation.id)
    if query.q.split():
        found = found.join(PostingSearch, PostingSearch.posting_id == Posting.id)
    return found


def _matching(conditions: list, query: PostingQuery):
    return _joined(select(Posting.id), query).where(*conditions)


def matching_ids(query: PostingQuery, *, today: date | None = None):
    """The ids of the postings the public search finds (unordered): what EXPLAIN is asked about."""
    return _matching(_public_filter(query, today or district_today()), query)


def _order(query: PostingQuery) -> tuple:
    newest = (Posting.published_at.desc(), Posting.id.desc())
    if query.sort != "relevance":
        return {
            "newest": newest,
            "deadline": (Posting.deadline.asc(), Posting.id.asc()),
            "headcount": (Posting.headcount.desc(), Posting.id.desc()),
        }[query.sort]
    words = query.q.lower().split()
    if not words:
        return newest
    if uses_index():
        return (_relevance(query.q).desc(), *newest) if search_query(query.q) else newest
    # SQLite has no ranking of its own: postings whose title holds the first word come first.
    return (Posting.title.ilike(contains(words[0]), escape="\\").desc(), *newest)


def _ranked(query: PostingQuery, conditions: list, order: tuple, today: date) -> array:
    """The search's ids in order, up to COUNT_CAP + 1, kept until a posting or organisation is
    written (platform/cache.py): every page of one search, and its count, cost one ranking (issue
    31: people page through a search; 400 distinct search pages are far fewer distinct searches).
    A compact array: up to COUNT_CAP + 1 ids for each search kept."""
    return cache.memoised(
        "pages",
        ("posting_search", replace(query, page=1), today),
        lambda: array(
            "l", db.session.scalars(_matching(conditions, query).order_by(*order).limit(COUNT_CAP + 1))
        ),
        db.session.connection(),
    )


def _capped_count(conditions: list, query: PostingQuery) -> int:
    # The count stops at COUNT_CAP ("1,000+"): counting every match of a broad search cost more
    # than finding the page at 5× the district (180 ms of 240 ms), and nobody pages that far.
    capped = _matching(conditions, query).limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


def _page_number(query: PostingQuery, found: int, per_page: int) -> int:
    return min(query.page, max(1, math.ceil(min(found, COUNT_CAP) / per_page)))


def search_postings(query: PostingQuery, *, per_page: int = PER_PAGE, today: date | None = None) -> Page:
    """Published, still open postings of verified enterprises matching the query, one page.

    A capped count, then the page's ids (sorting only narrow rows), then those few postings; where
    the app keeps pages, the search's ranked ids instead (`_ranked`). Measured in
    bench/bench_search.py and bench/bench_web.py.
    """
    today = today or district_today()
    conditions = _public_filter(query, today)
    order = _order(query)
    if cache.keeps():
        ids, found, page = _kept_page(query, conditions, order, today, per_page)
    else:
        found = _capped_count(conditions, query)
        page = _page_number(query, found, per_page)
        matching = _matching(conditions, query).order_by(*order).limit(per_page).offset((page - 1) * per_page)
        ids = list(db.session.scalars(matching)) if found else []
    loaded = {p.id: p for p in _cards(ids)} if ids else {}
    return _page([loaded[i] for i in ids if i in loaded], found, page, per_page)


def _kept_page(query: PostingQuery, conditions: list, order: tuple, today: date, per_page: int):
    """The page's ids from the search's kept ranking (`_ranked`), the ranking's size and the page."""
    ranked = _ranked(query, conditions, order, today)
    page = _page_number(query, len(ranked), per_page)
    return list(ranked[(page - 1) * per_page : page * per_page]), len(ranked), page


def _page(items: list, found: int, page: int, per_page: int) -> Page:
    """A page of a search that counted `found` matches, at most COUNT_CAP of them."""
    return Page(items, min(found, COUNT_CAP), page, per_page, more=found > COUNT_CAP)


def _cards(ids: list[int]):
    """These postings with their enterprises: not the search columns (large, and never shown);
    the enterprises by their key (joining the whole organisation table cost more than the page
    at 5×)."""
    return db.session.scalars(
        select(Posting).options(selectinload(Posting.enterprise)).where(Posting.id.in_(ids))
    )


@dataclass(frozen=True)
class PostingCard:
    """What a posting's card on a public list shows, and nothing more: read as plain rows (loading
    twenty postings as ORM objects with their enterprises cost more than rendering the page, issue
    31), and the key its rendered card is kept under (public_views.posting_card), so that an edited
    posting or a renamed enterprise is a new card at once."""

    id: int
    title: str
    kind: str
    is_demo: bool
    enterprise_id: int
    enterprise_name: str
    town: str
    skills: str
    headcount: int
    deadline: date

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split("、") if s]


_CARD_COLUMNS = (
    Posting.id,
    Posting.title,
    Posting.kind,
    Posting.is_demo,
    Posting.enterprise_id,
    Organisation.name,
    Posting.town,
    Posting.skills,
    Posting.headcount,
    Posting.deadline,
)


def _card_rows(ids: list[int]) -> list[PostingCard]:
    """These postings' cards, in the order of `ids`."""
    rows = db.session.execute(
        select(*_CARD_COLUMNS)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(Posting.id.in_(ids))
    )
    cards = {row[0]: PostingCard(*row) for row in rows}
    return [cards[i] for i in ids if i in cards]


def search_posting_cards(query: PostingQuery, *, per_page: int = PER_PAGE, today: date | None = None) -> Page:
    """`search_postings` for the public list: the same postings in the same order, as cards.

    Without kept rankings, one statement answers the page: the capped ranking (narrow rows), its
    size by a window count, and the page's cards joined to it; it had taken a count, the page's
    ids, the postings and their enterprises (four statements, issue 31). Only a page past the
    last one asks the count alone, then the last page.
    """
    today = today or district_today()
    if cache.keeps():
        conditions = _public_filter(query, today)
        ids, found, page = _kept_page(query, conditions, _order(query), today, per_page)
        return _page(_card_rows(ids) if ids else [], found, page, per_page)
    values = _filter_values(query, today)
    statement = _card_statement(query, values)

    def card_page(number: int) -> list:
        bound = {"capped": COUNT_CAP + 1, "limit": per_page, "offset": (number - 1) * per_page}
        return list(db.session.execute(statement, values | bound))

    page = min(query.page, math.ceil(COUNT_CAP / per_page))  # as `_page_number` with the most found
    rows = card_page(page)
    if not rows and page > 1:  # past the last page: the count says which is the last
        page = _page_number(query, _capped_count(_public_filter(query, today), query), per_page)
        rows = card_page(page)
    return _page([PostingCard(*row[:-1]) for row in rows], rows[0][-1] if rows else 0, page, per_page)


# The public list's statement for each shape of query (which filters it has, whether its words have a
# tsquery, its order), built once: building it cost the list more than PostgreSQL took to run it
# (issue 31). Not for SQLite's search words, whose conditions differ with the words themselves.
_CARD_STATEMENTS: dict[tuple, Any] = {}


def _card_statement(query: PostingQuery, values: dict[str, Any]):
    """The statement of one page of `query`'s capped ranking (run with `values`, "capped": the
    cap + 1, "limit" and "offset"), each card's row ending with the ranking's size."""
    cacheable = "tsquery" in values or not query.q.split()
    shape = (tuple(values), values.get("tsquery") is None, query.sort)
    if cacheable and shape in _CARD_STATEMENTS:
        return _CARD_STATEMENTS[shape]
    order = _order(query)
    ranking = (
        _matching(_public_filter(query, values["today"]), query)
        .add_columns(func.row_number().over(order_by=order).label("rank"))
        .order_by(*order)
        .limit(bindparam("capped"))
        .subquery()
    )
    # The window count is taken over the whole ranking, before the page is cut from it.
    paged = (
        select(ranking.c.id, ranking.c.rank, func.count().over().label("found"))
        .order_by(ranking.c.rank)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    statement = (
        select(*_CARD_COLUMNS, paged.c.found)
        .join_from(paged, Posting, Posting.id == paged.c.id)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .order_by(paged.c.rank)
    )
    if cacheable:
        _CARD_STATEMENTS[shape] = statement
    return statement


def search_postings_after(
    query: PostingQuery,
    *,
    after: tuple[Any, int] | None = None,
    limit: int = PER_PAGE,
    major: str | None = None,
    today: date | None = None,
) -> tuple[list[Posting], tuple[Any, int] | None]:
    """The public search a page at a time by keyset (the open API's cursor), in `query.sort`'s order,
    one of `SORTS` (a cursor pages by a column; the list's best match is not one).

    `after`: the sort value and id of the last posting already seen. `major`: only postings found to
    prepare for this catalogue major (`posting_major`). Returns the page and, when more follow,
    the sort value and id of its last posting.
    """
    conditions = _public_filter(query, today or district_today())
    if major is not None:
        conditions.append(prepares_for(major))
    column, descending = {
        "newest": (Posting.published_at, True),
        "deadline": (Posting.deadline, False),
        "headcount": (Posting.headcount, True),
    }[query.sort]
    if after is not None:
        value, last_id = after
        if descending:
            conditions.append(or_(column < value, and_(column == value, Posting.id < last_id)))
        else:
            conditions.append(or_(column > value, and_(column == value, Posting.id > last_id)))
    order = (column.desc(), Posting.id.desc()) if descending else (column.asc(), Posting.id.asc())
    rows = list(
        db.session.scalars(
            _joined(select(Posting), query)
            .where(*conditions)
            .options(joinedload(Posting.enterprise))
            .order_by(*order)
            .limit(limit + 1)
        )
    )
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], (getattr(last, column.key), last.id)


@dataclass(frozen=True)
class Suggestion:
    """A nearby search that finds something: what to drop, and how many it finds."""

    dropped: str  # "q", "kind", "industry", "town", "cert", "enterprise" or "word"
    value: str
    args: dict[str, Any]
    count: int


def nearest_searches(query: PostingQuery, *, today: date | None = None) -> list[Suggestion]:
    """When a search finds nothing: the same search without one filter (or one word) each,
    with how many postings that finds, most first. Only called on an empty result."""
    today = today or district_today()
    candidates: list[tuple[str, str, PostingQuery]] = []
    words = query.q.split()
    if len(words) > 1:
        for word in words:
            rest = " ".join(w for w in words if w != word)
            candidates.append(("word", word, replace(query, q=rest, page=1)))
    elif words:
        candidates.append(("q", query.q, replace(query, q="", page=1)))
    for name, field_name, empty in (
        ("kind", "kind", ""),
        ("industry", "industry", ""),
        ("town", "town", ""),
        ("cert", "certificate", ""),
        ("enterprise", "enterprise_id", None),
    ):
        value = getattr(query, field_name)
        if value not in ("", None):
            candidates.append((name, str(value), replace(query, **{field_name: empty}, page=1)))
    found = []
    for dropped, value, nearer in candidates:
        counted = _joined(select(func.count()).select_from(Posting), nearer)
        count = db.session.scalar(counted.where(*_public_filter(nearer, today))) or 0
        if count:
            found.append(Suggestion(dropped, value, nearer.args(), int(count)))
    return sorted(found, key=lambda s: -s.count)


def get_public_posting(posting_id: int) -> Posting:
    """A published posting of a verified enterprise (also after its deadline: shared links keep working)."""
    posting = db.session.get(Posting, posting_id)
    if (
        posting is None
        or not posting.is_published
        or posting.enterprise is None
        or not posting.enterprise.is_verified
    ):
        raise NotFound(_l("Posting not found."))
    return posting


def _open_of(enterprise_id: int, today: date | None) -> tuple:
    return (
        Posting.enterprise_id == enterprise_id,
        Posting.status == PublicationStatus.PUBLISHED.value,
        Posting.deadline >= (today or district_today()),
    )


def open_postings_of(enterprise_id: int, *, today: date | None = None) -> list[Posting]:
    return list(
        db.session.scalars(
            select(Posting)
            .where(*_open_of(enterprise_id, today))
            .order_by(Posting.deadline.asc(), Posting.id.asc())
        )
    )


def open_posting_cards(enterprise_id: int, *, today: date | None = None) -> list[PostingCard]:
    """`open_postings_of` as cards, for the enterprise's public page."""
    rows = db.session.execute(
        select(*_CARD_COLUMNS)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(*_open_of(enterprise_id, today))
        .order_by(Posting.deadline.asc(), Posting.id.asc())
    )
    return [PostingCard(*row) for row in rows]


# --- moderation (administrators) ----------------------------------------------------

MODERATION_STATUSES = ("published", "draft", "closed", "taken_down", "all")
MODERATION_PER_PAGE = 30


def take_down(admin: User, posting_id: int, reason: str) -> Posting:
    """An administrator removes a posting from the site; it is closed for good and its owner told why."""
    if not admin.is_admin:
        raise NotFound(_l("Posting not found."))
    reason = checks.reason(reason)
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise NotFound(_l("Posting not found."))
    if posting.is_taken_down:
        raise ServiceError(_l("This posting has already been taken down."))
    if not posting.can("close"):
        raise ServiceError(_l("This posting is already closed."))
    from_state = posting.status
    now = utcnow()
    transition(posting, PublicationStatus.CLOSED.value)
    posting.closed_at = now
    posting.taken_down_at = now
    posting.takedown_reason = reason
    db.session.flush()
    audit.record(admin, posting, "take_down", from_state, "taken_down", reason)
    notifications.notify_organisation(
        posting.enterprise,
        "posting_taken_down",
        notifications.link("enterprise", "postings"),
        posting=posting.title,
        reason=reason,
    )
    return posting


def postings_for_review(
    *,
    status: str = "published",
    kind: str = "",
    enterprise_id: int | None = None,
    page: int = 1,
    per_page: int = MODERATION_PER_PAGE,
):
    """Every enterprise's postings for administrators, newest published first (Flask-SQLAlchemy
    Pagination)."""
    query = select(Posting).options(joinedload(Posting.enterprise))
    if status == "taken_down":
        query = query.where(Posting.taken_down_at.is_not(None))
    elif status == "closed":
        query = query.where(Posting.status == PublicationStatus.CLOSED.value, Posting.taken_down_at.is_(None))
    elif status in ("published", "draft"):
        query = query.where(Posting.status == status)
    if kind in KINDS:
        query = query.where(Posting.kind == kind)
    if enterprise_id is not None:
        query = query.where(Posting.enterprise_id == enterprise_id)
    query = query.order_by(
        Posting.published_at.desc().nulls_last(), Posting.created_at.desc(), Posting.id.desc()
    )
    page = min(max(int(page), 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
