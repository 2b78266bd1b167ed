"""Ranking quality measures and the plain baseline the matcher must beat.

Used by `bench/eval_matching.py` and by the quality test; kept in the package so both
compute exactly the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.ranking import Demand, Program, rank
from matching.text import TextModel, normalise, top_k

__all__ = ["Scores", "evaluate", "matcher_rankings", "baseline_rankings"]


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
