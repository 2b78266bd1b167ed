"""Ranking quality measures and the plain baseline the matcher must beat.

Used by `bench/eval_matching.py` and by the quality test; kept in the package so both
compute exactly the same figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class SplitScores:
    """MRR (top 5) per (catalogue, style), and how many no-fit postings got no proposal."""

    mrr: dict[tuple[str, str], float]
    no_fit_empty: dict[str, tuple[int, int]]
    misses: dict[str, list[str]]


def score_split(postings: Sequence[Posting], catalogues: dict[str, Sequence[Program]], system) -> SplitScores:
    """Score `system(demands, programs) -> rankings` on every catalogue ("rich", "bare")."""
    demands = [Demand(p.id, p.title, p.description) for p in postings]
    mrr: dict[tuple[str, str], float] = {}
    empty: dict[str, tuple[int, int]] = {}
    misses: dict[str, list[str]] = {}
    for name, programs in catalogues.items():
        ids = {p.name: p.id for p in programs}
        rankings = system(demands, programs)
        for style in STYLES:
            rows = [i for i, p in enumerate(postings) if p.style == style]
            wanted = [{ids[n] for n in postings[i].relevant} for i in rows]
            mrr[(name, style)] = evaluate([rankings[i][:5] for i in rows], wanted).mrr
        none = [i for i, p in enumerate(postings) if not p.relevant]
        empty[name] = (sum(1 for i in none if not rankings[i]), len(none))
        names = {p.id: p.name for p in programs}
        misses[name] = [
            f"{p.id} {p.title} -> {[names[j] for j in rankings[i][:3]]}"
            for i, p in enumerate(postings)
            if (p.relevant and (not rankings[i] or names[rankings[i][0]] not in p.relevant))
            or (not p.relevant and rankings[i])
        ]
    return SplitScores(mrr, empty, misses)
