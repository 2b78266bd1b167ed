"""校企通 matcher: a pure library (no web framework) for three matching problems.

Ranking (partnership proposals)::

    rank(demands: Sequence[Demand], programs: Sequence[Program], *, top_k=10,
         weights=Weights(), threshold=DEFAULT_THRESHOLD) -> list[Ranking]

Allocation (modern apprenticeship places, named-class seats)::

    allocate(students: Sequence[Student], places: Sequence[Place], *,
             enterprises: Sequence[Enterprise] = (), seed=0) -> AllocationResult

Exchange (experts to teaching needs, teachers to enterprise practice posts)::

    exchange(experts: Sequence[Expert], needs: Sequence[Need], *,
             threshold=DEFAULT_THRESHOLD) -> list[ExchangePair]

Alignment (which catalogue majors a posting prepares for, for the supply-and-demand figures)::

    alignment.classify(title, description="", skills=(), major="", *, limit=3) -> tuple[MajorFit, ...]

Inputs and outputs are frozen dataclasses; outputs have `to_dict()` giving the JSON form
of the command line (`python -m matching rank|allocate|exchange`). Reasons are structured
(`Reason`: criterion code, score, weight, matched terms, figures), never sentences, so the
portal can render them in any language. Invalid input raises `ValueError` naming the record.
"""

from matching import alignment
from matching.allocation import AllocationResult, Enterprise, Place, Student, allocate
from matching.exchange import ExchangePair, Expert, Need, exchange
from matching.ranking import DEFAULT_THRESHOLD, Demand, Match, Program, Ranking, Reason, Weights, rank

__all__ = [
    "DEFAULT_THRESHOLD",
    "AllocationResult",
    "Demand",
    "Enterprise",
    "ExchangePair",
    "Expert",
    "Match",
    "Need",
    "Place",
    "Program",
    "Ranking",
    "Reason",
    "Student",
    "Weights",
    "alignment",
    "allocate",
    "exchange",
    "rank",
]
