"""Two-way exchange: enterprise experts to schools' teaching needs, teachers to practice posts.

Pairs are scored like ranking (text and skills only, see `matching.ranking`), then the set of
pairs with the largest total score is chosen by the Hungarian method
(`scipy.optimize.linear_sum_assignment`). Hours are whole slots: an expert with `hours=3` can
fill three slots (of one need or of several) and a need with `hours=2` takes two slots, so the
assignment runs over slots and the pairs report how many hours they share. Pairs under the
ranking threshold are never made, even if that leaves slots empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.ranking import (
    DEFAULT_THRESHOLD,
    Demand,
    Program,
    Reason,
    Weights,
    explain,
    gather,
    score_blocks,
)

__all__ = ["Expert", "Need", "ExchangePair", "EXCHANGE_WEIGHTS", "exchange"]

# Only what both sides describe counts: exchange records carry no industry, size or town.
EXCHANGE_WEIGHTS = Weights(
    text=0.7, skills=0.3, certificates=0.0, industry=0.0, capacity=0.0, distance=0.0, certified=0.0
)


@dataclass(frozen=True, slots=True)
class Expert:
    """An enterprise expert (or a teacher seeking enterprise practice) and the hours offered."""

    id: str
    description: str
    skills: tuple[str, ...] = ()
    hours: int = 1

    def __post_init__(self) -> None:
        if self.hours < 0:
            raise ValueError(f"expert {self.id!r}: negative hours")


@dataclass(frozen=True, slots=True)
class Need:
    """A school's teaching need (or an enterprise practice post) and the hours it takes."""

    id: str
    description: str
    skills: tuple[str, ...] = ()
    hours: int = 1

    def __post_init__(self) -> None:
        if self.hours < 0:
            raise ValueError(f"need {self.id!r}: negative hours")


@dataclass(frozen=True, slots=True)
class ExchangePair:
    expert_id: str
    need_id: str
    score: float
    hours: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "expert_id": self.expert_id,
            "need_id": self.need_id,
            "score": round(self.score, 4),
            "hours": self.hours,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def exchange(
    experts: Sequence[Expert], needs: Sequence[Need], *, threshold: float = DEFAULT_THRESHOLD
) -> list[ExchangePair]:
    """Pairs maximising the total score, ordered by need then expert input order."""
    if not experts or not needs:
        return []
    demands = [Demand(id=n.id, title="", description=n.description, skills=n.skills) for n in needs]
    programs = [Program(id=e.id, name="", description=e.description, skills=e.skills) for e in experts]
    try:
        scorer, blocks = score_blocks(demands, programs, EXCHANGE_WEIGHTS)
    except ValueError as error:  # name the records as the caller knows them
        raise ValueError(
            str(error).replace("demand ", "need ", 1).replace("program ", "expert ", 1)
        ) from None
    from scipy.optimize import linear_sum_assignment  # on first use: see matching._lazy

    parts = list(blocks)
    values = {name: np.vstack([p[1][name] for p in parts]) for name in parts[0][1]}
    scores = np.vstack([p[2] for p in parts])
    allowed = np.where(np.vstack([p[3] for p in parts]) >= threshold, scores, 0.0)
    need_slots = np.repeat(np.arange(len(needs)), [n.hours for n in needs])
    expert_slots = np.repeat(np.arange(len(experts)), [e.hours for e in experts])
    rows, columns = linear_sum_assignment(allowed[np.ix_(need_slots, expert_slots)], maximize=True)
    hours = Counter(
        (int(need_slots[r]), int(expert_slots[c]))
        for r, c in zip(rows, columns)
        if allowed[need_slots[r], expert_slots[c]] > 0.0
    )
    pairs = []
    for (i, j), count in sorted(hours.items()):
        gathered = gather({name: block[i : i + 1] for name, block in values.items()}, np.array([[j]]))
        why = explain(scorer, gathered, 0, 0, i, j)
        pairs.append(ExchangePair(experts[j].id, needs[i].id, float(scores[i, j]), count, why))
    return pairs
