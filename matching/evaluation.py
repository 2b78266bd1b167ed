"""Ranking quality measures and the plain baseline the matcher must beat.

Used by `bench/eval_matching.py` and by the quality test; kept in the package so both
compute exactly the same figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from matching.ranking import Demand, Program, rank
from matching.text import TextModel, normalise, top_k

__all__ = [
    "Scores",
    "evaluate",
    "matcher_rankings",
    "baseline_rankings",
    "Posting",
    "load_split",
    "load_majors",
    "SplitScores",
    "score_split",
    "candidate_set",
    "load_extra_relevance",
]


@dataclass(frozen=True, slots=True)
class Scores:
    """Means over demands that have relevant programs (recall@k counts min(k, |relevant|))."""

    mrr: float
    recall_at_1: float
    recall_at_3: float
    ndcg_at_5: float
    count: int


def evaluate(rankings: Sequence[Sequence[str]], relevant: Sequence[set[str]]) -> Scores:
    rr, r1, r3, ndcg = [], [], [], []
    for ranked, wanted in zip(rankings, relevant):
        if not wanted:
            continue
        hits = [program in wanted for program in ranked]
        rr.append(next((1.0 / (i + 1) for i, hit in enumerate(hits) if hit), 0.0))
        r1.append(sum(hits[:1]) / min(1, len(wanted)))
        r3.append(sum(hits[:3]) / min(3, len(wanted)))
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits[:5]) if hit)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(5, len(wanted))))
        ndcg.append(dcg / ideal)
    mean = lambda values: float(np.mean(values)) if values else 0.0  # noqa: E731
    return Scores(mean(rr), mean(r1), mean(r3), mean(ndcg), len(rr))


def matcher_rankings(demands: Sequence[Demand], programs: Sequence[Program], k: int = 10) -> list[list[str]]:
    return [[m.program_id for m in r.matches] for r in rank(demands, programs, top_k=k)]


def baseline_rankings(demands: Sequence[Demand], programs: Sequence[Program], k: int = 10) -> list[list[str]]:
    """Plain character 1-2-gram TF-IDF cosine of title+description vs name+description."""
    model = TextModel([normalise(f"{p.name} {p.description}") for p in programs])
    queries = model.transform([normalise(f"{d.title} {d.description}") for d in demands])
    scores = (queries @ model.documents.T).toarray()
    return [[programs[j].id for j in row] for row in top_k(scores, min(k, len(programs)))]


# --- the dev and test splits (tests/data/postings_{dev,test}.tsv) -------------------------

STYLES = ("formal", "colloquial", "jargon")


@dataclass(frozen=True, slots=True)
class Posting:
    """One labelled posting of a split: `relevant` names the majors that fit (empty: none)."""

    id: str
    style: str
    title: str
    description: str
    relevant: frozenset[str]


def load_split(path: str | Path) -> list[Posting]:
    """Postings of a split file: tab-separated id, style, title, description, relevant (、)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = (line.split("\t") + [""] * 5)[:5]
        out.append(
            Posting(
                fields[0],
                fields[1],
                fields[2],
                fields[3],
                frozenset(name for name in fields[4].split("、") if name),
            )
        )
    return out


def load_majors(*paths: str | Path, bare: bool = False) -> list[Program]:
    """Programs from majors JSON files; `bare` keeps the catalogue name only (as many schools list them)."""
    out = []
    for path in paths:
        for m in json.loads(Path(path).read_text(encoding="utf-8")):
            if bare:
                out.append(Program(m["id"], m["name"]))
            else:
                out.append(
                    Program(
                        m["id"],
                        m["name"],
                        m["description"],
                        industry=m["group"],
                        skills=tuple(m.get("skills", ())),
                        certificates=tuple(m.get("certificates", ())),
                    )
                )
    return out


def load_extra_relevance(path: str | Path) -> dict[str, frozenset[str]]:  # also reads counterparts.tsv
    """Posting id -> majors outside the labelled ones that also fit it (tab-separated id, names 、,
    reason): labels were written against a few dozen majors; with the whole catalogue offered, a
    posting for a trade one of the other majors teaches (招保安 -> 安全保卫服务) has a right answer too."""
    out: dict[str, frozenset[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            out[fields[0]] = frozenset(name for name in fields[1].split("、") if name)
    return out


def candidate_set(described: Sequence[Program], names: Sequence[str], *, bare: bool = False) -> list[Program]:
    """The majors on offer: `described` (schools' descriptions; by name only when `bare`), then every
    name of `names` (a catalogue) that none of them has, by name only. A described major whose old
    name the catalogue replaced (data/aliases.tsv) takes its 2021 name when `names` lacks the old one."""
    from matching.knowledge import major_key, majors

    kb = majors()
    wanted = {major_key(n) for n in names}
    out, seen = [], set()
    for p in described:
        name = p.name
        if major_key(name) not in wanted and kb.aliases.get(major_key(name)) in wanted:
            name = kb.find(name).name
        if major_key(name) not in wanted:
            continue  # not a major of this catalogue: a school cannot offer it
        seen.add(major_key(name))
        out.append(Program(p.id, name) if bare else replace(p, name=name))
    for i, name in enumerate(names):
        key = major_key(name)
        if key in seen:  # each described major stands for one catalogue line of its name
            seen.discard(key)
        else:
            out.append(Program(f"c{i:04d}", name))
    return out


@dataclass(frozen=True, slots=True)
class SplitScores:
    """MRR (top 5) per (catalogue, style), and how many no-fit postings got no proposal."""

    mrr: dict[tuple[str, str], float]
    no_fit_empty: dict[str, tuple[int, int]]
    misses: dict[str, list[str]]


def score_split(
    postings: Sequence[Posting],
    catalogues: dict[str, Sequence[Program]],
    system,
    extra: dict[str, frozenset[str]] | None = None,
    counterparts: dict[str, frozenset[str]] | None = None,
) -> SplitScores:
    """Score `system(demands, programs) -> rankings` on every catalogue ("rich", "bare").

    A posting's relevant programs are those named by its label (or by the 2021 name of an old name in
    it, and the same name at the other level), plus `extra` majors when the catalogue offers them; a
    posting with none of them on offer counts as no-fit."""
    from matching.knowledge import major_key, majors

    aliases = majors().aliases
    extra = extra or {}
    counterparts = counterparts or {}
    demands = [Demand(p.id, p.title, p.description) for p in postings]
    mrr: dict[tuple[str, str], float] = {}
    empty: dict[str, tuple[int, int]] = {}
    misses: dict[str, list[str]] = {}
    styles = list(dict.fromkeys(p.style for p in postings if p.relevant))
    for name, programs in catalogues.items():
        ids: dict[str, set[str]] = {}
        for p in programs:
            ids.setdefault(major_key(p.name), set()).add(p.id)
            if major_key(p.name) in aliases:  # an old name offered as it is (the 227 names)
                ids.setdefault(aliases[major_key(p.name)], set()).add(p.id)

        def relevant(posting: Posting) -> set[str]:
            found: set[str] = set()
            names = set(posting.relevant) | extra.get(posting.id, frozenset())
            for n in posting.relevant:
                names |= counterparts.get(n, frozenset())
            for n in names:
                key = major_key(n)
                found |= ids.get(key, set()) | ids.get(aliases.get(key, ""), set())
            return found

        wanted_all = [relevant(p) for p in postings]
        rankings = system(demands, programs)
        for style in styles:
            rows = [i for i, p in enumerate(postings) if p.style == style and wanted_all[i]]
            mrr[(name, style)] = evaluate([rankings[i][:5] for i in rows], [wanted_all[i] for i in rows]).mrr
        none = [i for i in range(len(postings)) if not wanted_all[i]]
        empty[name] = (sum(1 for i in none if not rankings[i]), len(none))
        names = {p.id: p.name for p in programs}
        misses[name] = [
            f"{p.id} {p.title} -> {[names[j] for j in rankings[i][:3]]}"
            for i, p in enumerate(postings)
            if (wanted_all[i] and (not rankings[i] or rankings[i][0] not in wanted_all[i]))
            or (not wanted_all[i] and rankings[i])
        ]
    return SplitScores(mrr, empty, misses)
