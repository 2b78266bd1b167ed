"""Ranking school majors (programs) for enterprise demands: partnership proposals.

Score of a (demand, program) pair, in [0, 1]::

    score = sum(w_c * s_c for c in present) / sum(w_c for c in present)

over the criteria c present for that pair (a criterion is absent when either side lacks the
data, e.g. no headcount or an unknown town, so missing data neither helps nor hurts):

    text          cosine of character 1-2-gram TF-IDF vectors; both texts are first expanded
                  with the catalogue terms their colloquial words stand for (电焊工 -> 焊接)
    skills        share of the demand's skills the program covers (via the same thesaurus)
    certificates  share of the demand's certificates the program prepares for
    industry      affinity of the demand's industry and the program's major group (data file)
    capacity      min(1, program capacity / demand headcount)
    distance      max(0, 1 - km / 40) between the two towns

A pair is proposed only when the part of its text cosine due to words (character bigrams,
Latin words, thesaurus terms; not single characters) reaches `threshold`: single characters
such as 员 or 安 are shared by unrelated texts, words are not, so a demand that no major fits
("招保安员") gets no proposals instead of the least bad ones. The default was calibrated on
the labelled set in tests/data (unrelated demands stay under 0.05, fitting ones above 0.1).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from types import MethodType

import numpy as np
from scipy import sparse

from matching import knowledge
from matching.text import TextModel, iter_cosine_blocks, normalise

__all__ = ["Demand", "Program", "Reason", "Match", "Ranking", "Weights", "DEFAULT_THRESHOLD", "rank"]

DEFAULT_THRESHOLD = 0.075
_DISTANCE_RANGE_KM = 40.0
Value = float | int | str | bool | None


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
        data: dict[str, object] = {
            "criterion": self.criterion,
            "score": round(self.score, 4),
            "weight": round(self.weight, 4),
            "terms": list(self.terms),
        }
        data.update(self.values)
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
        return {
            "program_id": self.program_id,
            "score": round(self.score, 4),
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


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
    skill_terms: list[list[str]]
    certificate_terms: list[list[str]]
    industries: list[str]
    sizes: np.ndarray  # headcount or capacity, NaN when unknown
    towns: np.ndarray  # row of the town in knowledge.town_coordinates(), -1 when unknown
    concept_sets: list[frozenset[str]] = field(default_factory=list)


def _terms(items: Sequence[str], thesaurus: knowledge.Thesaurus) -> list[str]:
    """Each item's catalogue terms, or the item itself when the thesaurus does not know it."""
    out: dict[str, None] = {}
    for item in items:
        norm = normalise(item)
        for term in thesaurus.concepts(norm) or [norm]:
            out[term] = None
    return list(out)


def _side(
    records: Sequence[Demand] | Sequence[Program], names: list[str], sizes: list[int | None]
) -> _Side:
    thesaurus = knowledge.thesaurus()
    town_index = {name: i for i, name in enumerate(knowledge.town_coordinates())}
    # Names, skills, certificates, industries and towns repeat across thousands of records
    # (the same major at many schools, the same skill in many postings): each distinct value
    # is normalised, and each distinct skill or certificate list resolved, once. The lists
    # are shared between records and only ever read.
    normalised: dict[str, str] = {}
    resolved: dict[tuple[str, ...], list[str]] = {}

    def norm(text: str) -> str:
        value = normalised.get(text)
        if value is None:
            value = normalised[text] = normalise(text)
        return value

    def terms(items: tuple[str, ...]) -> list[str]:
        value = resolved.get(items)
        if value is None:
            value = resolved[items] = _terms(items, thesaurus)
        return value

    texts, concepts, skill_terms, certificate_terms, towns = [], [], [], [], []
    for record, name in zip(records, names):
        # Certificates are left to their own criterion: their long official names would
        # otherwise dilute the text similarity.
        body = normalise(" ".join((name, record.description, *record.skills)))
        found = thesaurus.concepts(body)
        concepts.append(found)
        # The name counts twice (titles say what the job is); the catalogue terms found count
        # twice more, as they are the clearest evidence of what the text is about.
        texts.append(" ".join((norm(name), body, *found, *found)))
        skill_terms.append(terms(tuple(record.skills)))
        certificate_terms.append(terms(tuple(record.certificates)))
        towns.append(town_index.get(norm(record.town), -1))
    return _Side(
        texts=texts,
        concepts=concepts,
        skill_terms=skill_terms,
        certificate_terms=certificate_terms,
        industries=[norm(r.industry) for r in records],
        sizes=np.array([np.nan if s is None else s for s in sizes], dtype=np.float32),
        towns=np.array(towns, dtype=np.intp),
    )


def _check_unique(ids: Sequence[str], kind: str) -> None:
    seen: set[str] = set()
    for record_id in ids:
        if record_id in seen:
            raise ValueError(f"{kind} {record_id!r}: duplicate id")
        seen.add(record_id)


def _incidence(rows: list[list[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Binary (rows x vocabulary) matrix; terms missing from the vocabulary are dropped."""
    indptr, indices = [0], []
    for terms in rows:
        indices.extend(vocabulary[t] for t in terms if t in vocabulary)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))


class _Scorer:
    """Vectorised criteria over blocks of demands x all programs."""

    def __init__(self, demands: _Side, programs: _Side, weights: Weights) -> None:
        self.d, self.p, self.w = demands, programs, weights
        # Programs "cover" a skill when it is in their skills or anywhere in their text.
        self.p_skill_sets = [frozenset(c).union(s) for c, s in zip(programs.concepts, programs.skill_terms)]
        self.p_cert_sets = [frozenset(c) for c in programs.certificate_terms]
        vocabulary: dict[str, int] = {}
        for terms in (*self.p_skill_sets, *self.p_cert_sets):
            for t in terms:
                vocabulary.setdefault(t, len(vocabulary))
        self.p_skills_t = _incidence([list(s) for s in self.p_skill_sets], vocabulary).T.tocsr()
        self.p_certs_t = _incidence([list(s) for s in self.p_cert_sets], vocabulary).T.tocsr()
        self.d_skills = _incidence(demands.skill_terms, vocabulary)
        self.d_certs = _incidence(demands.certificate_terms, vocabulary)
        self.d_skill_n = np.array([len(t) for t in demands.skill_terms], dtype=np.float32)
        self.d_cert_n = np.array([len(t) for t in demands.certificate_terms], dtype=np.float32)
        self.p_has_certs = np.array([bool(s) for s in self.p_cert_sets])
        self.industry = self._industry_matrix()
        # Few towns: distances between all of them, plus a NaN row/column for "unknown" (-1).
        points = np.array(list(knowledge.town_coordinates().values()), dtype=np.float64).reshape(-1, 2)
        km = np.full((len(points) + 1, len(points) + 1), np.nan, dtype=np.float32)
        km[:-1, :-1] = knowledge.distance_km(points, points)
        self.km = km

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

    def criteria(self, start: int, text: np.ndarray) -> dict[str, np.ndarray]:
        """Per-criterion value blocks for demands start..start+len(text), NaN where absent."""
        rows = slice(start, start + text.shape[0])
        out = {"text": text}
        if self.w.skills:
            n = self.d_skill_n[rows, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                out["skills"] = (self.d_skills[rows] @ self.p_skills_t).toarray() / n
        if self.w.certificates:
            n = self.d_cert_n[rows, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = (self.d_certs[rows] @ self.p_certs_t).toarray() / n
            values[:, ~self.p_has_certs] = np.nan
            out["certificates"] = values
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
        self, start: int, height: int, rows: np.ndarray, cols: np.ndarray, text: np.ndarray
    ) -> dict[str, np.ndarray]:
        """`criteria` of the pairs (start + rows[n], cols[n]) of a block of `height` demands,
        as flat arrays: the same operations on the same float32 figures, so the same values,
        but only for the few pairs the threshold lets through."""
        i = start + rows
        block = slice(start, start + height)
        out = {"text": text}
        if self.w.skills:
            shared = (self.d_skills[block] @ self.p_skills_t).toarray()[rows, cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                out["skills"] = shared / self.d_skill_n[i]
        if self.w.certificates:
            shared = (self.d_certs[block] @ self.p_certs_t).toarray()[rows, cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                values = shared / self.d_cert_n[i]
            values[~self.p_has_certs[cols]] = np.nan
            out["certificates"] = values
        if self.w.industry:
            out["industry"] = self.industry[self.d_industry_index[i], cols]
        if self.w.capacity:
            with np.errstate(invalid="ignore", divide="ignore"):
                out["capacity"] = np.minimum(1.0, self.p.sizes[cols] / self.d.sizes[i])
        if self.w.distance:
            km = self.km[self.d.towns[i], self.p.towns[cols]]
            out["distance"] = np.maximum(0.0, 1.0 - km / _DISTANCE_RANGE_KM)
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


def explain(scorer: _Scorer, gathered: dict[str, np.ndarray], row: int, col: int, i: int, j: int) -> tuple[Reason, ...]:
    """Reasons for demand i and program j, whose values are gathered[name][row, col]."""
    present = {name: float(block[row, col]) for name, block in gathered.items() if not np.isnan(block[row, col])}
    total = sum(getattr(scorer.w, name) for name in present)
    return tuple(
        Reason(name, value, getattr(scorer.w, name) / total, *_details(scorer, name, i, j))
        for name, value in present.items()
    )


def _details(scorer: _Scorer, name: str, i: int, j: int) -> tuple[tuple[str, ...], tuple[tuple[str, Value], ...]]:
    """Matched terms and figures of one criterion for demand i and program j."""
    d, p = scorer.d, scorer.p
    if name == "text":
        wanted = p.concept_sets[j]
        return tuple(t for t in d.concepts[i] if t in wanted), ()
    if name == "skills":
        have = scorer.p_skill_sets[j]
        return tuple(t for t in d.skill_terms[i] if t in have), (("required", len(d.skill_terms[i])),)
    if name == "certificates":
        have = scorer.p_cert_sets[j]
        return tuple(t for t in d.certificate_terms[i] if t in have), (("required", len(d.certificate_terms[i])),)
    if name == "industry":
        return (), (("industry", d.industries[i]), ("major_group", p.industries[j]))
    if name == "capacity":
        headcount, capacity = int(d.sizes[i]), int(p.sizes[j])
        return (), (("headcount", headcount), ("capacity", capacity), ("fits", capacity >= headcount))
    return (), (("km", round(float(scorer.km[d.towns[i], p.towns[j]]), 1)),)


def _prepare(
    demands: Sequence[Demand], programs: Sequence[Program], weights: Weights,
    corpus: Sequence[Program] | None = None,
) -> tuple[_Scorer, TextModel, sparse.csr_matrix]:
    """Checked input turned into features, the text model fitted on the programs (or on
    `corpus`), and the programs' rows in it."""
    _check_unique([d.id for d in demands], "demand")
    _check_unique([p.id for p in programs], "program")
    d_side = _side(demands, [d.title for d in demands], [d.headcount for d in demands])
    p_side = _side(programs, [p.name for p in programs], [p.capacity for p in programs])
    p_side.concept_sets = [frozenset(c) for c in p_side.concepts]
    scorer = _Scorer(d_side, p_side, weights)
    if corpus is None:
        model = TextModel(p_side.texts)
        return scorer, model, model.documents
    model = TextModel(_side(corpus, [p.name for p in corpus], [p.capacity for p in corpus]).texts)
    return scorer, model, model.transform(p_side.texts)


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
) -> list[Ranking]:
    """Up to `top_k` proposals per demand, in input order, best first, with their reasons.

    `corpus`: the programs the text model is fitted on (default: `programs`). Ranking against
    one new or changed program with every live program as the corpus scores each pair as a
    ranking against all of them would, at the cost of one column instead of all.
    """
    if not programs or top_k <= 0:
        _check_unique([d.id for d in demands], "demand")
        return [Ranking(d.id, ()) for d in demands]
    with _collector_paused():
        return _rank(demands, programs, top_k, weights, threshold, corpus)


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
    demands: Sequence[Demand], programs: Sequence[Program], top_k: int, weights: Weights, threshold: float,
    corpus: Sequence[Program] | None,
) -> list[Ranking]:
    scorer, model, documents = _prepare(demands, programs, weights, corpus)
    queries = model.transform(scorer.d.texts)
    program_ids = [p.id for p in programs]
    results: list[Ranking] = []
    for start, text, words in iter_cosine_blocks(queries, documents, model.word_features):
        # Only pairs whose word part reaches the threshold can be proposed (a few percent of
        # them): the other criteria, the combined score and the ordering are computed for
        # those pairs alone instead of for whole blocks.
        # Flat positions, then rows and columns: about three times faster than np.nonzero on
        # a 2-D mask, same row-major order.
        flat = np.flatnonzero(words >= threshold)
        rows = flat // words.shape[1]
        cols = flat - rows * words.shape[1]
        values = scorer.pair_criteria(start, text.shape[0], rows, cols, text[rows, cols])
        scores = scorer.combine(values)
        best = _best_pairs(rows, scores, top_k, text.shape[0])
        proposed = _Proposed(scorer, start + rows[best], cols[best], {n: v[best] for n, v in values.items()})
        # A bound method is the lightest callable that carries an argument (one object where
        # functools.partial makes three): with 100,000 proposals, the collector's passes
        # over those objects cost more than building them.
        matches = [
            Match(program_ids[j], score, MethodType(proposed.reasons, n))
            for n, (j, score) in enumerate(zip(proposed.programs.tolist(), scores[best].tolist()))
        ]
        end = 0
        for row, count in enumerate(np.bincount(rows[best], minlength=text.shape[0]).tolist()):
            results.append(Ranking(demands[start + row].id, tuple(matches[end : end + count])))
            end += count
    return results


class _Proposed:
    """The proposed pairs of one block: demand and program rows, and their criterion values."""

    __slots__ = ("scorer", "demands", "programs", "values")

    def __init__(self, scorer: _Scorer, demands: np.ndarray, programs: np.ndarray, values: dict[str, np.ndarray]):
        self.scorer, self.demands, self.programs = scorer, demands, programs
        self.values = {name: block[None, :] for name, block in values.items()}  # one row, as `explain` reads

    def reasons(self, n: int) -> tuple[Reason, ...]:
        """Reasons of the n-th pair."""
        return explain(self.scorer, self.values, 0, n, int(self.demands[n]), int(self.programs[n]))


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
