"""Ranking school majors (programs) for enterprise demands: partnership proposals.

Score of a (demand, program) pair, in [0, 1]::

    score = sum(w_c * s_c for c in present) / sum(w_c for c in present)

over the criteria c present for that pair (a criterion is absent when either side lacks the
data, e.g. no headcount or an unknown town, so missing data neither helps nor hurts):

    text          cosine of character 1-2-gram TF-IDF vectors; both texts are first expanded
                  with the catalogue terms their colloquial words stand for (电焊工 -> 焊接)
    skills        share of the demand's skills the program covers (via the same thesaurus)
    certificates  share of the demand's certificates the program prepares for
    certified     share of the demand's certificates the program's students passed (evidence
                  the caller passes in, e.g. a school's recorded exam results); absent when it
                  passes none
    industry      affinity of the demand's industry and the program's major group (data file)
    capacity      min(1, program capacity / demand headcount)
    distance      max(0, 1 - km / 40) between the two towns

With the major knowledge base (data/majors.tsv), the text criterion reads the demand's title as
a role first: the share of its role terms the major leads to, then the catalogue skills it
mentions, then the cosine, which breaks ties; a demand naming a major adds the `major` criterion.

A pair is proposed only when its evidence reaches `threshold`: a role the major leads to, a
catalogue skill or thesaurus term in common, or the major asked for by name or code. Text
likeness alone never proposes, so a demand that no offered major prepares for ("招保安员" when
no school offers security guarding) gets no proposals instead of the least bad ones. (Exchange,
which has no roles, keeps the older rule: the part of the text cosine due to words, not single
characters, must reach the threshold.)
"""

from __future__ import annotations

import gc
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources

import numpy as np

from matching import knowledge
from matching._lazy import LazyModule
from matching.text import TextModel, iter_cosine_blocks, normalise, role_text

__all__ = [
    "Demand",
    "Program",
    "Reason",
    "Match",
    "Ranking",
    "Weights",
    "DEFAULT_THRESHOLD",
    "rank",
    "fit_text_model",
    "model_version",
    "DemandFeatures",
    "demand_features",
    "rank_features",
]

sparse = LazyModule("scipy.sparse")

DEFAULT_THRESHOLD = 0.075
_DISTANCE_RANGE_KM = 40.0
Value = float | int | str | bool | None
# A Reason's fields, in order: criterion, score, weight, terms, values.
ReasonFields = tuple[str, float, float, tuple[str, ...], tuple[tuple[str, Value], ...]]


@dataclass(frozen=True, slots=True)
class Demand:
    """An enterprise's demand (job, order class, apprenticeship, training) as HR posts it."""

    id: str
    title: str
    description: str = ""
    kind: str = ""
    industry: str = ""
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    headcount: int | None = None
    town: str = ""
    major: str = ""  # the major HR asked for (an order class's or apprenticeship's), by name or code

    def __post_init__(self) -> None:
        if self.headcount is not None and self.headcount < 0:
            raise ValueError(f"demand {self.id!r}: negative headcount")


@dataclass(frozen=True, slots=True)
class Program:
    """A school's major with its annual intake (capacity)."""

    id: str
    name: str
    description: str = ""
    school: str = ""
    industry: str = ""
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    capacity: int | None = None
    town: str = ""
    code: str = ""  # six-digit catalogue code, when the school gave one
    certified: tuple[str, ...] = ()  # certificates the major's students passed, as their school recorded

    def __post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"program {self.id!r}: negative capacity")


@dataclass(frozen=True, slots=True)
class Reason:
    """One criterion's contribution: the score is the sum of weight * score over reasons.

    `terms` lists what matched (catalogue terms, skills, certificates); `values` holds the
    criterion's figures (km, headcount, capacity, fits, industry, major_group, required) so
    that a user interface can phrase them in any language.
    """

    criterion: str
    score: float
    weight: float
    terms: tuple[str, ...] = ()
    values: tuple[tuple[str, Value], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return _reason_dict(self.criterion, self.score, self.weight, self.terms, self.values)


def _reason_dict(
    criterion: str, score: float, weight: float, terms: tuple[str, ...], values: tuple[tuple[str, Value], ...]
) -> dict[str, object]:
    """`Reason.to_dict` of these fields (also built without the Reason: `_Explained.as_dicts`)."""
    data: dict[str, object] = {
        "criterion": criterion,
        "score": round(score, 4),
        "weight": round(weight, 4),
        "terms": list(terms),
    }
    data.update(values)
    return data


@dataclass(frozen=True, slots=True)
class Match:
    """A proposed program. Its reasons are assembled when read: ranking thousands of demands
    would otherwise spend most of its time building records nobody looks at."""

    program_id: str
    score: float
    explain: Callable[[], tuple[Reason, ...]] = field(repr=False, compare=False)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.explain()

    def to_dict(self) -> dict[str, object]:
        explain = self.explain
        # A ranking's own pairs give their reasons' dicts directly (no Reason records between):
        # a district's recompute stores 70,000 pairs' reasons (350,000 at 5x).
        reasons = explain.as_dicts() if isinstance(explain, _Explained) else [r.to_dict() for r in explain()]
        return {"program_id": self.program_id, "score": round(self.score, 4), "reasons": reasons}


@dataclass(frozen=True, slots=True)
class Ranking:
    """The proposals for one demand, best first; empty when no program reaches the threshold."""

    demand_id: str
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, object]:
        return {"demand_id": self.demand_id, "matches": [m.to_dict() for m in self.matches]}


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weights of the criteria (any non-negative numbers; they are renormalised)."""

    text: float = 0.6
    skills: float = 0.15
    certificates: float = 0.05
    industry: float = 0.1
    capacity: float = 0.05
    distance: float = 0.05
    major: float = 0.2
    certified: float = 0.1

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"weights: negative weight for {f.name!r}")
        if self.text <= 0:
            raise ValueError("weights: the text weight must be positive")


@dataclass(slots=True)
class _Side:
    """Features of demands or programs, aligned by position."""

    texts: list[str]
    concepts: list[list[str]]
    skill_items: list[list[list[str]]]  # per record, per skill as entered: its catalogue terms
    certificate_items: list[list[list[str]]]
    industries: list[str]
    sizes: np.ndarray  # headcount or capacity, NaN when unknown
    towns: np.ndarray  # row of the town in knowledge.town_coordinates(), -1 when unknown
    concept_sets: list[frozenset[str]] = field(default_factory=list)
    # Knowledge-base features (ranking only). Demands: roles named in the title and in the rest,
    # catalogue skills mentioned. Programs: roles and skills from the catalogue and from the school.
    roles: list[list[str]] = field(default_factory=list)
    roles_elsewhere: list[list[str]] = field(default_factory=list)
    kb_skills: list[list[str]] = field(default_factory=list)
    school_roles: list[frozenset[str]] = field(default_factory=list)
    school_skills: list[frozenset[str]] = field(default_factory=list)
    catalogue_roles: list[frozenset[str]] = field(default_factory=list)
    catalogue_skills: list[frozenset[str]] = field(default_factory=list)
    majors: list[str] = field(default_factory=list)  # demand: major asked for; program: its key
    codes: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # demand: the major asked for, as HR wrote it
    described: list[bool] = field(default_factory=list)  # program: the school wrote a description or skills
    skills_entered: list[list[str]] = field(default_factory=list)  # as typed, one per item
    certificates_entered: list[list[str]] = field(default_factory=list)
    certified_items: list[list[list[str]]] = field(default_factory=list)  # program: certificates passed


def _terms(items: Sequence[str], thesaurus: knowledge.Thesaurus) -> list[str]:
    """Each item's catalogue terms, or the item itself when the thesaurus does not know it."""
    out: dict[str, None] = {}
    for item in items:
        norm = normalise(item)
        for term in thesaurus.concepts(norm) or [norm]:
            out[term] = None
    return list(out)


def _side(
    records: Sequence[Demand] | Sequence[Program],
    names: list[str],
    sizes: list[int | None],
    *,
    use_knowledge: bool = False,
) -> _Side:
    thesaurus = knowledge.thesaurus()
    kb = knowledge.majors() if use_knowledge else None
    is_program = bool(records) and isinstance(records[0], Program)
    town_index = {name: i for i, name in enumerate(knowledge.town_coordinates())}
    # Names, skills, certificates, industries and towns repeat across thousands of records
    # (the same major at many schools, the same skill in many postings): each distinct value
    # is normalised, and each distinct skill or certificate list resolved, once. The lists
    # are shared between records and only ever read.
    normalised: dict[str, str] = {}
    resolved: dict[tuple[str, ...], tuple[list[list[str]], list[str]]] = {}

    def norm(text: str) -> str:
        value = normalised.get(text)
        if value is None:
            value = normalised[text] = normalise(text)
        return value

    def items(values: tuple[str, ...]) -> tuple[list[list[str]], list[str]]:
        """Each distinct non-empty item's catalogue terms, and the items as typed."""
        value = resolved.get(values)
        if value is None:
            typed = [v for v in dict.fromkeys(values) if normalise(v)]
            value = resolved[values] = ([_terms((v,), thesaurus) for v in typed], typed)
        return value

    side = _Side([], [], [], [], [], np.array([]), np.array([]))
    towns, industries = [], []
    for record, name in zip(records, names):
        # Certificates are left to their own criterion: their long official names would
        # otherwise dilute the text similarity. A posting is read as ads are written: the role's
        # sections of its description only (not the company's blurb, benefits or hours), and
        # none of it when its title is a role no major trains for (文员, 销售代表, 普工 …).
        description, untrained = record.description, False
        if not is_program and kb is not None:
            untrained = knowledge.untrained_title(norm(name), kb.scan(norm(name))[1])
            description = "" if untrained else role_text(description)
        body = normalise(" ".join((name, description, *record.skills)))
        if kb is None:
            found = thesaurus.concepts(body)
        elif untrained:  # only the major HR names can carry a proposal
            found, body_roles, body_skills = [], [], []
        else:
            keys, body_roles, body_skills = kb.scan(body)
            # A posting's word inside a longer term it uses is not that word: "殡葬服务员" is
            # not the hotel's 服务员, "纺织挡车工" not the machinist's 车工. A school's text
            # keeps every term, as its longer titles ("执业兽医") teach the shorter ones.
            found = thesaurus.concepts_of(keys if is_program else knowledge.longest(keys))
        side.concepts.append(found)
        for terms, typed, values in (
            (side.skill_items, side.skills_entered, record.skills),
            (side.certificate_items, side.certificates_entered, record.certificates),
        ):
            resolved_items, as_typed = items(tuple(values))
            terms.append(resolved_items)
            typed.append(as_typed)
        if is_program:
            side.certified_items.append(items(tuple(record.certified))[0])
        towns.append(town_index.get(norm(record.town), -1))
        industry = record.industry
        # The name counts twice (titles say what the job is); the catalogue terms found count
        # twice more, as they are the clearest evidence of what the text is about.
        text = [norm(name), body, *found, *found]
        if kb is not None and is_program:
            major = kb.find(name, record.code)
            # What the school wrote (not the catalogue name it chose) is the school's own evidence.
            own = normalise(" ".join((record.description, *record.skills)))
            _, own_roles, own_skills = kb.scan(own) if own else ((), (), ())
            side.school_roles.append(frozenset(own_roles))
            side.school_skills.append(frozenset(own_skills).union(*side.skill_items[-1]))
            side.described.append(bool(own))
            side.catalogue_roles.append(frozenset(major.roles) if major else frozenset())
            side.catalogue_skills.append(frozenset(map(normalise, major.skills)) if major else frozenset())
            side.majors.append(knowledge.major_key(name))
            side.codes.append((major.code if major else "") or record.code.strip())
            if major is not None:
                # A major listed by name alone still says what it prepares for.
                text.extend((*major.occupations, *major.titles, *major.skills))
                industry = industry or major.group
        elif kb is not None:
            roles = kb.scan(norm(name))[1]
            side.roles.append(roles)
            side.roles_elsewhere.append(
                [r for r in body_roles if r not in roles and not any(r in t for t in roles)]
            )
            side.kb_skills.append(body_skills)
            side.majors.append(knowledge.major_key(record.major))
            side.asked.append(record.major)
            side.codes.append(record.major.strip())
        side.texts.append(" ".join(text))
        industries.append(norm(industry))
    side.industries = industries
    side.sizes = np.array([np.nan if s is None else s for s in sizes], dtype=np.float32)
    side.towns = np.array(towns, dtype=np.intp)
    return side


def _check_unique(ids: Sequence[str], kind: str) -> None:
    seen: set[str] = set()
    for record_id in ids:
        if record_id in seen:
            raise ValueError(f"{kind} {record_id!r}: duplicate id")
        seen.add(record_id)


def _incidence(
    rows: Sequence[Iterable[str]], vocabulary: dict[str, int], normalised: bool = False
) -> sparse.csr_matrix:
    """(rows x vocabulary) matrix, 1 per term (or 1/len(row) when `normalised`); terms missing
    from the vocabulary are dropped (but still count in a normalised row's length).

    One pass over all the terms, the rest in numpy (a major's ranking builds these for 20,000
    postings at 5x the district, issue 31): the same matrix as adding the rows one by one."""
    rows = [terms if isinstance(terms, list) else list(terms) for terms in rows]
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = list(itertools.chain.from_iterable(rows))
    columns = np.fromiter(map(vocabulary.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
    known = columns >= 0
    owner = np.repeat(np.arange(len(rows)), lengths)[known]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(rows)))))
    if normalised:
        data = (1.0 / np.maximum(1, lengths))[owner].astype(np.float32)
    else:
        data = np.ones(len(owner), dtype=np.float32)
    return sparse.csr_matrix((data, columns[known], indptr), shape=(len(rows), len(vocabulary)))


def _vocabulary(*term_sets: Iterable[Iterable[str]]) -> dict[str, int]:
    """Column of each term, in order of first occurrence."""
    vocabulary: dict[str, int] = {}
    for sets in term_sets:
        for terms in sets:
            for t in terms:
                vocabulary.setdefault(t, len(vocabulary))
    return vocabulary


def _item_matrices(
    item_lists: list[list[list[str]]], vocabulary: dict[str, int]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """For records whose items each have terms: (items x vocabulary) and (records x items)."""
    flat = [terms for items in item_lists for terms in items]
    counts = np.array([len(items) for items in item_lists], dtype=np.int64)
    owner = sparse.csr_matrix(
        (
            np.ones(len(flat), dtype=np.float32),
            np.arange(len(flat)),
            np.concatenate(([0], np.cumsum(counts))),
        ),
        shape=(len(item_lists), len(flat)),
    )
    return _incidence(flat, vocabulary), owner


# How the text criterion weighs, when the knowledge base is used, the role a posting names
# (its title, else the rest of its text), the catalogue skills it mentions and plain text
# similarity (which breaks ties). Tuned on tests/data/postings_dev.tsv.
_ROLE, _SKILL, _COSINE = 0.55, 0.2, 0.25
_ROLE_ELSEWHERE = 0.5  # a role named only in the description counts half
_ROLE_UNKNOWN_TITLE = 1.0  # ... unless the title names no role: then the duties say what the job is


class _Scorer:
    """Vectorised criteria over blocks of demands x all programs."""

    def __init__(
        self, demands: _Side, programs: _Side, weights: Weights, use_knowledge: bool = False
    ) -> None:
        self.d, self.p, self.w = demands, programs, weights
        self.use_knowledge = use_knowledge
        # Programs "cover" a skill when it is in their skills or anywhere in their text, or
        # (with the knowledge base) among the skills of their catalogue major.
        own = [frozenset(c).union(*s) for c, s in zip(programs.concepts, programs.skill_items)]
        if use_knowledge:
            own = [o | s for o, s in zip(own, programs.school_skills)]
            self.p_catalogue_skill_sets = programs.catalogue_skills
            self.p_skill_sets = [o | c for o, c in zip(own, programs.catalogue_skills)]
        else:
            self.p_catalogue_skill_sets = [frozenset()] * len(own)
            self.p_skill_sets = own
        self.p_own_skill_sets = own
        self.p_cert_sets = [frozenset().union(*c) for c in programs.certificate_items]
        certified = programs.certified_items or [[] for _ in programs.certificate_items]
        self.p_certified_sets = [frozenset().union(*c) for c in certified]
        vocabulary = _vocabulary(self.p_skill_sets, self.p_cert_sets, self.p_certified_sets)
        self.p_skills_t = _incidence(self.p_skill_sets, vocabulary).T.tocsr()
        self.p_certs_t = _incidence(self.p_cert_sets, vocabulary).T.tocsr()
        self.p_certified_t = _incidence(self.p_certified_sets, vocabulary).T.tocsr()
        self.p_has_certified = np.array([bool(s) for s in self.p_certified_sets], dtype=bool)
        self.d_skill_items, self.d_skill_owner = _item_matrices(demands.skill_items, vocabulary)
        self.d_cert_items, self.d_cert_owner = _item_matrices(demands.certificate_items, vocabulary)
        self.d_skill_n = np.array([len(t) for t in demands.skill_items], dtype=np.float32)
        self.d_cert_n = np.array([len(t) for t in demands.certificate_items], dtype=np.float32)
        self.p_has_certs = np.array([bool(s) for s in self.p_cert_sets])
        self.industry = self._industry_matrix()
        # Few towns: distances between all of them, plus a NaN row/column for "unknown" (-1).
        points = np.array(list(knowledge.town_coordinates().values()), dtype=np.float64).reshape(-1, 2)
        km = np.full((len(points) + 1, len(points) + 1), np.nan, dtype=np.float32)
        km[:-1, :-1] = knowledge.distance_km(points, points)
        self.km = km
        # The same figures as Python numbers, for explaining pairs one at a time (`_details`).
        # Town -1 (unknown) is the last row and column here as in `km`.
        self.km_list = km.tolist()
        self._normalised: dict[tuple[str, ...], tuple[float, ...]] = {}
        self.d_size_list, self.p_size_list = demands.sizes.tolist(), programs.sizes.tolist()
        self.d_town_list, self.p_town_list = demands.towns.tolist(), programs.towns.tolist()
        if use_knowledge:
            self._knowledge_matrices()

    def normalised(self, present: tuple[str, ...]) -> tuple[float, ...]:
        """The weights of these criteria, renormalised to sum to 1 (few combinations: kept)."""
        weights = self._normalised.get(present)
        if weights is None:
            total = sum(getattr(self.w, name) for name in present)
            weights = self._normalised[present] = tuple(getattr(self.w, name) / total for name in present)
        return weights

    def _knowledge_matrices(self) -> None:
        d, p = self.d, self.p
        self.p_role_sets = [s | c for s, c in zip(p.school_roles, p.catalogue_roles)]
        roles = _vocabulary(self.p_role_sets)
        self.p_roles_t = _incidence(self.p_role_sets, roles).T.tocsr()
        self.d_roles = _incidence(d.roles, roles, normalised=True)
        self.d_roles_elsewhere = _incidence(d.roles_elsewhere, roles, normalised=True)
        self.d_has_roles = np.array([bool(r) for r in d.roles])
        # Catalogue skills the posting mentions, against everything the program covers.
        skills = _vocabulary(self.p_skill_sets)
        self.p_kb_skills_t = _incidence(self.p_skill_sets, skills).T.tocsr()
        self.d_kb_skills = _incidence(d.kb_skills, skills, normalised=True)
        concepts = _vocabulary(p.concept_sets)
        self.p_concepts_t = _incidence(p.concept_sets, concepts).T.tocsr()
        self.d_concepts = _incidence(d.concepts, concepts, normalised=True)
        # The major HR asked for: programs of that name or code, as a (demands x programs) 0/1 matrix.
        by_key: dict[str, list[int]] = {}
        for j, (key, code) in enumerate(zip(p.majors, p.codes)):
            by_key.setdefault(key, []).append(j)
            if code:
                by_key.setdefault(code, []).append(j)
        rows, cols = [], []
        for i, (key, code) in enumerate(zip(d.majors, d.codes)):
            for j in dict.fromkeys(by_key.get(key, []) + by_key.get(code, [])) if key else ():
                rows.append(i)
                cols.append(j)
        self.major_named = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(d.majors), len(p.majors))
        )
        self.d_asks_major = np.array([bool(k) for k in d.majors])

    def knowledge(self, start: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(role, catalogue-skill share, thesaurus-concept share, major named) blocks."""
        rows = slice(start, start + height)
        title = (self.d_roles[rows] @ self.p_roles_t).toarray()
        elsewhere = (self.d_roles_elsewhere[rows] @ self.p_roles_t).toarray()
        role = np.where(
            self.d_has_roles[rows, None],
            np.maximum(title, _ROLE_ELSEWHERE * elsewhere),
            _ROLE_UNKNOWN_TITLE * elsewhere,
        )
        skill = (self.d_kb_skills[rows] @ self.p_kb_skills_t).toarray()
        concept = (self.d_concepts[rows] @ self.p_concepts_t).toarray()
        return role, skill, concept, self.major_named[rows].toarray()

    def _industry_matrix(self) -> np.ndarray:
        """Affinity for each (demand industry, program group) pair, NaN when either is unknown."""
        d_names = sorted(set(self.d.industries))
        p_names = sorted(set(self.p.industries))
        table = np.full((len(d_names), len(p_names)), np.nan, dtype=np.float32)
        for i, a in enumerate(d_names):
            for j, b in enumerate(p_names):
                if a and b:
                    table[i, j] = knowledge.industry_affinity(a, b)
        d_index = {n: i for i, n in enumerate(d_names)}
        p_index = np.array([p_names.index(n) for n in self.p.industries], dtype=np.intp)
        self.d_industry_index = np.array([d_index[n] for n in self.d.industries], dtype=np.intp)
        return table[:, p_index] if len(p_index) else table[:, :0]

    def _covered(
        self, items: sparse.csr_matrix, owner: sparse.csr_matrix, programs_t: sparse.csr_matrix, rows: slice
    ) -> np.ndarray:
        """Per demand of `rows` and program: how many of the demand's entered items the program covers."""
        block = owner[rows]
        used = np.unique(block.indices)
        if not len(used):
            return np.zeros((block.shape[0], programs_t.shape[1]), dtype=np.float32)
        hits = items[used] @ programs_t
        hits.data = (hits.data > 0).astype(np.float32)
        return (block[:, used] @ hits).toarray()

    def criteria(self, start: int, text: np.ndarray) -> dict[str, np.ndarray]:
        """Per-criterion value blocks for demands start..start+len(text), NaN where absent."""
        rows = slice(start, start + text.shape[0])
        out = {"text": text}
        if self.w.skills:
            with np.errstate(invalid="ignore", divide="ignore"):
                out["skills"] = (
                    self._covered(self.d_skill_items, self.d_skill_owner, self.p_skills_t, rows)
                    / self.d_skill_n[rows, None]
                )
        if self.w.certificates:
            with np.errstate(invalid="ignore", divide="ignore"):
                values = (
                    self._covered(self.d_cert_items, self.d_cert_owner, self.p_certs_t, rows)
                    / self.d_cert_n[rows, None]
                )
            values[:, ~self.p_has_certs] = np.nan
            out["certificates"] = values
        if self.w.certified:
            with np.errstate(invalid="ignore", divide="ignore"):
                values = (
                    self._covered(self.d_cert_items, self.d_cert_owner, self.p_certified_t, rows)
                    / self.d_cert_n[rows, None]
                )
            values[:, ~self.p_has_certified] = np.nan
            out["certified"] = values
        if self.w.industry:
            out["industry"] = self.industry[self.d_industry_index[rows]]
        if self.w.capacity:
            with np.errstate(invalid="ignore", divide="ignore"):  # headcount 0: fits (or absent)
                out["capacity"] = np.minimum(1.0, self.p.sizes[None, :] / self.d.sizes[rows, None])
        if self.w.distance:
            km = self.km[self.d.towns[rows]][:, self.p.towns]
            out["distance"] = np.maximum(0.0, 1.0 - km / _DISTANCE_RANGE_KM)
        return out

    def pair_criteria(
        self,
        start: int,
        height: int,
        rows: np.ndarray,
        cols: np.ndarray,
        text: np.ndarray,
        major: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """`criteria` of the pairs (start + rows[n], cols[n]) of a block of `height` demands,
        as flat arrays: the same operations on the same float32 figures, so the same values,
        but only for the few pairs the threshold lets through."""
        i = start + rows
        block = slice(start, start + height)
        out = {"text": text}
        if self.w.skills:
            shared = self._covered(self.d_skill_items, self.d_skill_owner, self.p_skills_t, block)[rows, cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                out["skills"] = shared / self.d_skill_n[i]
        if self.w.certificates:
            shared = self._covered(self.d_cert_items, self.d_cert_owner, self.p_certs_t, block)[rows, cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = shared / self.d_cert_n[i]
            values[~self.p_has_certs[cols]] = np.nan
            out["certificates"] = values
        if self.w.certified:
            shared = self._covered(self.d_cert_items, self.d_cert_owner, self.p_certified_t, block)[
                rows, cols
            ]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = shared / self.d_cert_n[i]
            values[~self.p_has_certified[cols]] = np.nan
            out["certified"] = values
        if self.w.industry:
            out["industry"] = self.industry[self.d_industry_index[i], cols]
        if self.w.capacity:
            with np.errstate(invalid="ignore", divide="ignore"):
                out["capacity"] = np.minimum(1.0, self.p.sizes[cols] / self.d.sizes[i])
        if self.w.distance:
            km = self.km[self.d.towns[i], self.p.towns[cols]]
            out["distance"] = np.maximum(0.0, 1.0 - km / _DISTANCE_RANGE_KM)
        if major is not None and self.w.major:
            out["major"] = np.where(self.d_asks_major[i], major, np.nan).astype(np.float32)
        return out

    def combine(self, values: dict[str, np.ndarray]) -> np.ndarray:
        numerator = np.zeros(values["text"].shape, dtype=np.float32)
        denominator = np.zeros_like(numerator)
        for name, block in values.items():
            weight = getattr(self.w, name)
            present = ~np.isnan(block)
            numerator += np.where(present, block, 0.0) * np.float32(weight)
            denominator += present * np.float32(weight)
        return numerator / denominator


def gather(values: dict[str, np.ndarray], picked: np.ndarray) -> dict[str, np.ndarray]:
    """Criterion values of the picked (block row x column index) pairs, NaN where absent."""
    return {name: np.take_along_axis(block, picked, axis=1) for name, block in values.items()}


def explain(
    scorer: _Scorer, gathered: dict[str, np.ndarray], row: int, col: int, i: int, j: int
) -> tuple[Reason, ...]:
    """Reasons for demand i and program j, whose values are gathered[name][row, col]."""
    return _reasons(scorer, {name: float(block[row, col]) for name, block in gathered.items()}, i, j)


def _reasons(scorer: _Scorer, values: dict[str, float], i: int, j: int) -> tuple[Reason, ...]:
    """Reasons for demand i and program j from each criterion's value (NaN where absent)."""
    return tuple(Reason(*fields) for fields in _reason_fields(scorer, values, i, j))


def _reason_fields(scorer: _Scorer, values: dict[str, float], i: int, j: int) -> list[ReasonFields]:
    """The fields of each `Reason` of demand i and program j (`_reasons`).

    Plain Python numbers in, no numpy scalar: a district's recompute explains 70,000 pairs
    (350,000 at 5x), and indexing arrays one element at a time took most of that time."""
    present = tuple(name for name, value in values.items() if value == value)  # NaN: absent
    return [
        (name, values[name], weight, *_details(scorer, name, i, j))
        for name, weight in zip(present, scorer.normalised(present))
    ]


def _source(school: bool, catalogue: bool) -> str:
    """Where a match came from: the school's own entry, the catalogue's knowledge, or both."""
    return "both" if school and catalogue else "school" if school else "catalogue" if catalogue else ""


def _details(
    scorer: _Scorer, name: str, i: int, j: int
) -> tuple[tuple[str, ...], tuple[tuple[str, Value], ...]]:
    """Matched terms and figures of one criterion for demand i and program j.

    Skills and certificates count the items HR entered in the posting's own fields: `required`
    is how many they listed, `covered` how many the major offers, `listed` names those items as
    HR wrote them, `source` says whether the school's entry or the catalogue covers them. The
    text criterion's terms are what it matched on (roles, catalogue skills, thesaurus terms).
    """
    d, p = scorer.d, scorer.p
    if name == "text":
        wanted = p.concept_sets[j]
        concepts = [t for t in d.concepts[i] if t in wanted]
        if not scorer.use_knowledge:
            return tuple(concepts), ()
        school_roles, catalogue_roles, either = p.school_roles[j], p.catalogue_roles[j], scorer.p_role_sets[j]
        roles = [r for r in (*d.roles[i], *d.roles_elsewhere[i]) if r in either]
        school_skills, catalogue_skills = scorer.p_own_skill_sets[j], p.catalogue_skills[j]
        skills = [s for s in d.kb_skills[i] if s in school_skills or s in catalogue_skills]
        school = (
            not school_roles.isdisjoint(roles)
            or not school_skills.isdisjoint(skills)
            or (bool(concepts) and p.described[j])
        )
        catalogue = not catalogue_roles.isdisjoint(roles) or not catalogue_skills.isdisjoint(skills)
        terms = tuple(dict.fromkeys((*roles, *skills, *concepts)))
        values: tuple[tuple[str, Value], ...] = (("role", roles[0] if roles else ""),)
        return terms, (*values, ("source", _source(school, catalogue)))
    if name in ("skills", "certificates"):
        if name == "skills":
            items, typed, have = d.skill_items[i], d.skills_entered[i], scorer.p_skill_sets[j]
            own, catalogue_set = scorer.p_own_skill_sets[j], scorer.p_catalogue_skill_sets[j]
        else:
            items, typed, have = d.certificate_items[i], d.certificates_entered[i], scorer.p_cert_sets[j]
            own, catalogue_set = have, frozenset()
        covered = [n for n, terms in enumerate(items) if not have.isdisjoint(terms)]
        matched = [t for t in dict.fromkeys(t for n in covered for t in items[n]) if t in have]
        by_school = not own.isdisjoint(matched)
        by_catalogue = bool(catalogue_set) and not catalogue_set.isdisjoint(set(matched) - own)
        return tuple(matched), (
            ("required", len(items)),
            ("covered", len(covered)),
            ("listed", "、".join(typed[n] for n in covered)),
            ("source", _source(by_school, by_catalogue)),
        )
    if name == "certified":
        items, typed, have = d.certificate_items[i], d.certificates_entered[i], scorer.p_certified_sets[j]
        covered = [n for n, terms in enumerate(items) if not have.isdisjoint(terms)]
        matched = [t for t in dict.fromkeys(t for n in covered for t in items[n]) if t in have]
        return tuple(matched), (
            ("required", len(items)),
            ("covered", len(covered)),
            ("listed", "、".join(typed[n] for n in covered)),
        )
    if name == "industry":
        return (), (("industry", d.industries[i]), ("major_group", p.industries[j]))
    if name == "capacity":
        headcount, capacity = int(scorer.d_size_list[i]), int(scorer.p_size_list[j])
        return (), (("headcount", headcount), ("capacity", capacity), ("fits", capacity >= headcount))
    if name == "major":
        return (), (("major", d.asked[i]),)
    return (), (("km", round(scorer.km_list[scorer.d_town_list[i]][scorer.p_town_list[j]], 1)),)


def _prepare(
    demands: Sequence[Demand],
    programs: Sequence[Program],
    weights: Weights,
    use_knowledge: bool = False,
    corpus: Sequence[Program] | None = None,
    model: TextModel | None = None,
) -> tuple[_Scorer, TextModel, sparse.csr_matrix]:
    """Checked input turned into features, the text model fitted on the programs (or on
    `corpus`, or the `model` given, fitted on them earlier), and the programs' rows in it."""
    _check_unique([d.id for d in demands], "demand")
    _check_unique([p.id for p in programs], "program")
    d_side = _side(
        demands, [d.title for d in demands], [d.headcount for d in demands], use_knowledge=use_knowledge
    )
    p_side = _side(
        programs, [p.name for p in programs], [p.capacity for p in programs], use_knowledge=use_knowledge
    )
    p_side.concept_sets = [frozenset(c) for c in p_side.concepts]
    scorer = _Scorer(d_side, p_side, weights, use_knowledge)
    if model is not None:
        return scorer, model, model.transform(p_side.texts, as_documents=True)
    if corpus is None:
        model = TextModel(p_side.texts)
        return scorer, model, model.documents
    corpus_side = _side(
        corpus, [p.name for p in corpus], [p.capacity for p in corpus], use_knowledge=use_knowledge
    )
    model = TextModel(corpus_side.texts)
    return scorer, model, model.transform(p_side.texts)


def fit_text_model(programs: Sequence[Program]) -> TextModel:
    """The text model `rank` fits on these programs, to keep and pass back as `rank(model=...)`:
    ranking one program with the model fitted on all of them scores each pair as ranking all
    would, without reading the others again (`TextModel.state` saves it)."""
    if not programs:
        raise ValueError("text model: no programs to fit on")
    side = _side(programs, [p.name for p in programs], [p.capacity for p in programs], use_knowledge=True)
    return TextModel(side.texts)


# Bump when the texts the model is fitted on, or its n-grams or weighting, change in code.
_MODEL_FORMAT = 1
_KNOWLEDGE_FILES = ("majors.tsv", "aliases.tsv", "thesaurus.tsv", "untrained_roles.tsv", "towns.tsv")


@lru_cache(maxsize=1)
def model_version() -> str:
    """What a saved text model depends on besides its programs: the code's format and the
    knowledge base the programs' texts are expanded with. A model saved under another version
    is stale (a caller fits a new one)."""
    digest = hashlib.sha256(f"text-model {_MODEL_FORMAT}".encode())
    for name in _KNOWLEDGE_FILES:
        digest.update(resources.files("matching").joinpath("data", name).read_bytes())
    return digest.hexdigest()[:16]


def preload() -> None:
    """Import and read now what ranking otherwise does on first use: scipy and scikit-learn
    (seconds to import), the knowledge base and `model_version`. For a process that will rank
    and should not make its first ranking wait (a job worker at start)."""
    from sklearn.feature_extraction.text import TfidfTransformer  # noqa: F401

    sparse.csr_matrix  # a LazyModule imports on its first attribute read
    knowledge.thesaurus()
    knowledge.majors()
    knowledge.town_coordinates()
    knowledge.untrained_roles()
    model_version()


def evidence_terms(programs: Sequence[Program]) -> tuple[set[str], set[str]]:
    """What a demand's text must contain to be proposed to any of `programs`, and the major
    names and codes that propose it by being asked for.

    A pair is proposed only when its evidence reaches the threshold (see `_rank`): a role the
    major leads to, a skill it covers or a thesaurus concept it shares, each found as a term in
    the demand's (normalised) text, or the major asked for by name or code. So a demand whose
    text holds none of the first set's terms, and that asks for no major of the second, gets no
    proposal from these programs, and ranking only the other demands against them gives the
    same proposals (each pair's score depends on its demand and the programs alone). The terms
    are the thesaurus keys of the programs' concepts, their roles and the skills they cover.
    """
    side = _side(programs, [p.name for p in programs], [p.capacity for p in programs], use_knowledge=True)
    concepts: set[str] = set().union(*side.concepts) if side.concepts else set()
    terms: set[str] = set()
    for found, items, school, catalogue, own_roles, catalogue_roles in zip(
        side.concepts,
        side.skill_items,
        side.school_skills,
        side.catalogue_skills,
        side.school_roles,
        side.catalogue_roles,
    ):
        terms.update(found, *items, school, catalogue, own_roles, catalogue_roles)
    mapping = knowledge.thesaurus().mapping
    terms.update(key for key, targets in mapping.items() if concepts.intersection(targets))
    names = {name for name in (*side.majors, *side.codes) if name}
    return terms, names


def score_blocks(
    demands: Sequence[Demand], programs: Sequence[Program], weights: Weights
) -> tuple[_Scorer, Iterator[tuple[int, dict[str, np.ndarray], np.ndarray, np.ndarray]]]:
    """The scorer and, per block of demands, (first row, criterion values, combined scores,
    word part of the text cosine) -- the last is what the threshold applies to.

    Shared by `rank` and `matching.exchange` so that both score pairs the same way.
    """
    scorer, model, documents = _prepare(demands, programs, weights)

    def blocks() -> Iterator[tuple[int, dict[str, np.ndarray], np.ndarray, np.ndarray]]:
        queries = model.transform(scorer.d.texts)
        for start, text, words in iter_cosine_blocks(queries, documents, model.word_features):
            values = scorer.criteria(start, text)
            yield start, values, scorer.combine(values), words

    return scorer, blocks()


def rank(
    demands: Sequence[Demand],
    programs: Sequence[Program],
    *,
    top_k: int = 10,
    weights: Weights = Weights(),
    threshold: float = DEFAULT_THRESHOLD,
    corpus: Sequence[Program] | None = None,
    model: TextModel | None = None,
    on_model: Callable[[TextModel], None] | None = None,
    on_features: Callable[[list[DemandFeatures]], None] | None = None,
) -> list[Ranking]:
    """Up to `top_k` proposals per demand, in input order, best first, with their reasons.

    `corpus`: the programs the text model is fitted on (default: `programs`). Ranking against
    one new or changed program with every live program as the corpus scores each pair as a
    ranking against all of them would, at the cost of one column instead of all.
    `model`: the text model already fitted on the corpus (`fit_text_model`), which then need
    not be read at all; it takes the place of `corpus`. `on_model` is called with the model the
    ranking used, to keep it (a ranking of every program fits the one `fit_text_model` would);
    `on_features` with the demands' features in that model, to keep them (`rank_features`).
    """
    if not programs or top_k <= 0:
        _check_unique([d.id for d in demands], "demand")
        return [Ranking(d.id, ()) for d in demands]
    with _collector_paused():
        return _rank(demands, programs, top_k, weights, threshold, corpus, model, on_model, on_features)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a ranking.

    A ranking builds hundreds of thousands of small objects that all stay reachable (features,
    `Match` records and their reasons' callables): the collector would walk them every few
    hundred allocations and, as they pile up, run full collections over the whole heap, which
    took a third of the time of ranking 10,000 demands while finding nothing to free.
    Reference counting still frees everything outside cycles; the collector resumes after
    (a caller that had disabled it keeps it disabled).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _rank(
    demands: Sequence[Demand],
    programs: Sequence[Program],
    top_k: int,
    weights: Weights,
    threshold: float,
    corpus: Sequence[Program] | None,
    model: TextModel | None = None,
    on_model: Callable[[TextModel], None] | None = None,
    on_features: Callable[[list[DemandFeatures]], None] | None = None,
) -> list[Ranking]:
    scorer, model, documents = _prepare(
        demands, programs, weights, use_knowledge=True, corpus=corpus, model=model
    )
    if on_model is not None:
        on_model(model)
    queries = model.transform(scorer.d.texts)
    if on_features is not None:
        on_features(_features_of(demands, scorer.d, queries))
    return _pick(scorer, queries, documents, model.word_features, demands, programs, top_k, threshold)


def _pick(
    scorer: _Scorer,
    queries: sparse.csr_matrix,
    documents: sparse.csr_matrix,
    word_features: np.ndarray,
    demands: Sequence[Demand] | Sequence[DemandFeatures],
    programs: Sequence[Program],
    top_k: int,
    threshold: float,
) -> list[Ranking]:
    """The proposals of each demand (rows of `queries`) among the programs (`documents`)."""
    program_ids = [p.id for p in programs]
    results: list[Ranking] = []
    for start, cosine, _words in iter_cosine_blocks(queries, documents, word_features):
        height = cosine.shape[0]
        # Evidence that the major prepares for the posting: a role it leads to, a skill or
        # catalogue term it teaches, or its name asked for. Only pairs whose evidence reaches
        # the threshold can be proposed (a few percent of them): the other criteria, the
        # combined score and the ordering are computed for those pairs alone.
        role, skill, concept, major = scorer.knowledge(start, height)
        evidence = np.maximum(np.maximum(role, skill), np.maximum(concept, major))
        # Flat positions, then rows and columns: about three times faster than np.nonzero on
        # a 2-D mask, same row-major order.
        flat = np.flatnonzero(evidence >= threshold)
        rows = flat // cosine.shape[1]
        cols = flat - rows * cosine.shape[1]
        text = (_ROLE * role.flat[flat] + _SKILL * skill.flat[flat] + _COSINE * cosine.flat[flat]).astype(
            np.float32
        )
        values = scorer.pair_criteria(start, height, rows, cols, text, major.flat[flat])
        scores = scorer.combine(values)
        best = _best_pairs(rows, scores, top_k, height)
        proposed = _Proposed(scorer, start + rows[best], cols[best], {n: v[best] for n, v in values.items()})
        # One slotted object per match carries its pair (functools.partial would make three):
        # with 100,000 proposals, the collector's passes over those objects cost more than
        # building them.
        matches = [
            Match(program_ids[j], score, _Explained(proposed, n))
            for n, (j, score) in enumerate(zip(proposed.programs.tolist(), scores[best].tolist()))
        ]
        end = 0
        for row, count in enumerate(np.bincount(rows[best], minlength=height).tolist()):
            results.append(Ranking(demands[start + row].id, tuple(matches[end : end + count])))
            end += count
    return results


# --- demands prepared once, ranked later (issue 31) ------------------------------------------
# Reading a demand (its roles, skills, thesaurus terms, text vector) is most of what ranking one
# program against thousands of demands costs. A caller that keeps each demand's features with the
# text model they were computed in ranks one program against them later without reading a text.

# The fields of _Side one demand has (use_knowledge), and their short keys in `evidence`.
_DEMAND_FIELDS = {
    "c": "concepts",
    "s": "skill_items",
    "x": "certificate_items",
    "r": "roles",
    "e": "roles_elsewhere",
    "k": "kb_skills",
    "m": "majors",
    "d": "codes",
    "a": "asked",
    "st": "skills_entered",
    "xt": "certificates_entered",
    "i": "industries",
}


@dataclass(frozen=True, slots=True)
class DemandFeatures:
    """One demand as `rank` reads it: its evidence (plain JSON: terms, items, industry, size,
    town) and its text vector in the model it was computed with (sorted feature ids, weights)."""

    id: str
    evidence: dict[str, object]
    indices: np.ndarray  # int32
    values: np.ndarray  # float32

    def vector_bytes(self) -> bytes:
        """The vector as bytes (little-endian int32 ids, then float32 weights), to store."""
        return self.indices.astype("<i4").tobytes() + self.values.astype("<f4").tobytes()

    @classmethod
    def from_stored(cls, id: str, evidence: dict[str, object], vector: bytes) -> DemandFeatures:
        half = len(vector) // 2
        return cls(
            id,
            evidence,
            np.frombuffer(vector[:half], dtype="<i4").astype(np.int32),
            np.frombuffer(vector[half:], dtype="<f4").astype(np.float32),
        )


def _features_of(demands: Sequence[Demand], side: _Side, queries: sparse.csr_matrix) -> list[DemandFeatures]:
    out = []
    indptr, indices, data = queries.indptr, queries.indices, queries.data
    for i, demand in enumerate(demands):
        evidence: dict[str, object] = {key: getattr(side, name)[i] for key, name in _DEMAND_FIELDS.items()}
        size = float(side.sizes[i])
        evidence["n"] = None if np.isnan(size) else size
        evidence["t"] = int(side.towns[i])
        row = slice(indptr[i], indptr[i + 1])
        out.append(DemandFeatures(demand.id, evidence, indices[row].copy(), data[row].copy()))
    return out


def demand_features(demands: Sequence[Demand], model: TextModel) -> list[DemandFeatures]:
    """The demands' features in `model`, as `rank(..., model=model, on_features=...)` gives them."""
    _check_unique([d.id for d in demands], "demand")
    side = _side(demands, [d.title for d in demands], [d.headcount for d in demands], use_knowledge=True)
    return _features_of(demands, side, model.transform(side.texts))


def rank_features(
    features: Sequence[DemandFeatures],
    programs: Sequence[Program],
    model: TextModel,
    *,
    top_k: int = 10,
    weights: Weights = Weights(),
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Ranking]:
    """`rank(demands, programs, model=model)` for demands kept as features computed with that
    model (`demand_features`, or `rank(on_features=...)`): the same rankings, bit for bit, and no
    demand's text is read again."""
    _check_unique([f.id for f in features], "demand")
    _check_unique([p.id for p in programs], "program")
    if not programs or top_k <= 0:
        return [Ranking(f.id, ()) for f in features]
    with _collector_paused():
        d_side = _Side([], [], [], [], [], np.array([]), np.array([]))
        for key, name in _DEMAND_FIELDS.items():
            setattr(d_side, name, [f.evidence[key] for f in features])
        d_side.sizes = np.array(
            [np.nan if f.evidence["n"] is None else f.evidence["n"] for f in features], dtype=np.float32
        )
        d_side.towns = np.array([f.evidence["t"] for f in features], dtype=np.intp)
        p_side = _side(
            programs, [p.name for p in programs], [p.capacity for p in programs], use_knowledge=True
        )
        p_side.concept_sets = [frozenset(c) for c in p_side.concepts]
        scorer = _Scorer(d_side, p_side, weights, True)
        split = model.word_features
        lengths = [len(f.indices) for f in features]
        queries = sparse.csr_matrix(
            (
                np.concatenate([f.values for f in features]) if features else np.zeros(0, np.float32),
                np.concatenate([f.indices for f in features]) if features else np.zeros(0, np.int32),
                np.concatenate(([0], np.cumsum(lengths))),
            ),
            shape=(len(features), len(split)),
        )
        documents = model.transform(p_side.texts, as_documents=True)
        return _pick(scorer, queries, documents, split, features, programs, top_k, threshold)


class _Proposed:
    """The proposed pairs of one block: demand and program rows, and their criterion values."""

    __slots__ = ("scorer", "demands", "programs", "values", "_lists")

    def __init__(
        self, scorer: _Scorer, demands: np.ndarray, programs: np.ndarray, values: dict[str, np.ndarray]
    ):
        self.scorer, self.demands, self.programs = scorer, demands, programs
        self.values = values
        self._lists: tuple[list[int], list[int], dict[str, list[float]]] | None = None

    def reason_fields(self, n: int) -> list[ReasonFields]:
        """The fields of the n-th pair's reasons (`_reason_fields`)."""
        # The block as Python lists, made when a first pair of it is explained (most blocks of
        # a major's ranking never are): one conversion instead of a numpy scalar per figure.
        if self._lists is None:
            self._lists = (
                self.demands.tolist(),
                self.programs.tolist(),
                {name: block.tolist() for name, block in self.values.items()},
            )
        demands, programs, values = self._lists
        return _reason_fields(
            self.scorer, {name: column[n] for name, column in values.items()}, demands[n], programs[n]
        )


class _Explained:
    """A `Match`'s reasons: the n-th pair of a block (`_Proposed`), explained when asked.

    One small object per match (as light as the bound method it replaced); it also gives the
    reasons' dicts without building the records (`Match.to_dict`)."""

    __slots__ = ("proposed", "n")

    def __init__(self, proposed: _Proposed, n: int) -> None:
        self.proposed, self.n = proposed, n

    def __call__(self) -> tuple[Reason, ...]:
        return tuple(Reason(*fields) for fields in self.proposed.reason_fields(self.n))

    def as_dicts(self) -> list[dict[str, object]]:
        return [_reason_dict(*fields) for fields in self.proposed.reason_fields(self.n)]


def _best_pairs(rows: np.ndarray, scores: np.ndarray, k: int, height: int) -> np.ndarray:
    """Positions of each row's k best pairs, grouped by row, best first.

    The pairs come in row-major order and the sort is stable, so equal scores
    stay in column order, as `top_k` orders them. The sort key is one integer per pair: the
    row, then the score's bits inverted (non-negative floats order like their bit patterns,
    and scores are weighted means of non-negative values), which sorts much faster than a
    two-key lexsort and compares scores exactly. Adding +0.0 turns a -0.0 into +0.0.
    """
    bits = (scores.astype(np.float32, copy=False) + np.float32(0.0)).view(np.uint32)
    order = np.argsort((rows.astype(np.uint64) << np.uint64(32)) | (~bits).astype(np.uint64), kind="stable")
    counts = np.bincount(rows, minlength=height)
    first = np.cumsum(counts) - counts  # where each row starts in `order`
    return order[np.arange(len(order)) - first[rows[order]] < k]
