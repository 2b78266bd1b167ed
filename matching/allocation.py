"""Allocating students to limited places: modern apprenticeship places, named-class seats.

Student-proposing deferred acceptance (Gale–Shapley, many-to-one) with capacities and
incomplete lists. The result is the student-optimal stable matching, and no student can gain
by misreporting preferences (strategy-proof for students).

How a place ranks its applicants, in order of precedence:
1. its enterprise's `preferences` when the place belongs to an `Enterprise` with a cap on the
   total across its places (the student–project allocation variant, SPA-S, with the
   enterprise as the lecturer);
2. its own `preferences` (students not listed are not acceptable to it);
3. the text similarity of the student's `profile` to the place's `description`;
4. otherwise everyone is equal.
Remaining ties are broken by one seeded lottery over all students (the same draw everywhere,
"single tie-breaking"), returned in the result so the allocation can be reproduced and audited.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.text import TextModel, normalise

__all__ = ["Student", "Place", "Enterprise", "AllocationResult", "allocate", "UNASSIGNED_REASONS"]

UNASSIGNED_REASONS = ("no_preferences", "not_acceptable", "capacity", "enterprise_cap")


@dataclass(frozen=True, slots=True)
class Student:
    id: str
    preferences: tuple[str, ...]  # place ids, best first
    profile: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    capacity: int
    preferences: tuple[str, ...] | None = None  # student ids, best first; None: see module doc
    description: str = ""
    enterprise: str = ""

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"place {self.id!r}: negative capacity")


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An enterprise whose places share a cap on the total number of students it takes."""

    id: str
    capacity: int
    preferences: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"enterprise {self.id!r}: negative capacity")


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """assignments: every student id -> place id or None, in input order.

    unassigned_reasons: for each unassigned student, one of UNASSIGNED_REASONS.
    blocking_pairs: the number of (student, place) pairs that would both rather be together
    (0 for a stable allocation). lottery: the tie-breaking number of each student (lower wins).
    """

    assignments: Mapping[str, str | None]
    unassigned_reasons: Mapping[str, str]
    blocking_pairs: int
    seed: int
    lottery: Mapping[str, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "assignments": dict(self.assignments),
            "unassigned_reasons": dict(self.unassigned_reasons),
            "blocking_pairs": self.blocking_pairs,
            "seed": self.seed,
            "lottery": dict(self.lottery),
        }


def _index(records: Sequence[Student] | Sequence[Place] | Sequence[Enterprise], kind: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, record in enumerate(records):
        if record.id in index:
            raise ValueError(f"{kind} {record.id!r}: duplicate id")
        index[record.id] = position
    return index


def _resolve(ids: Sequence[str], index: Mapping[str, int], owner: str, kind: str) -> list[int]:
    """Positions of `ids`, refusing unknown and repeated ones (a list is a strict order)."""
    out: list[int] = []
    seen: set[str] = set()
    for item in ids:
        if item not in index:
            raise ValueError(f"{owner}: unknown {kind} {item!r} in preferences")
        if item in seen:
            raise ValueError(f"{owner}: {kind} {item!r} listed twice in preferences")
        seen.add(item)
        out.append(index[item])
    return out


@dataclass(slots=True)
class _Instance:
    """Integer form: prefs[s] are acceptable place indices; keys[p][s] ranks s at p (lower wins)."""

    prefs: list[list[int]]
    keys: list[Mapping[int, float] | Sequence[int]]
    capacity: list[int]
    enterprise_of: list[int]  # -1 when the place has no enterprise cap
    enterprise_capacity: list[int]
    empty: list[bool]  # the student listed no place at all


def _similarity_keys(
    students: Sequence[Student],
    place: Place,
    applicants: list[int],
    model: TextModel,
    p: int,
    lottery: np.ndarray,
) -> dict[int, float]:
    """Rank applicants by profile similarity to the place, lottery breaking ties."""
    profiles = model.transform([normalise(students[s].profile) for s in applicants])
    similarity = np.asarray(profiles @ model.documents[p].T.toarray()).ravel()
    order = np.lexsort((lottery[applicants], -np.round(similarity, 9)))
    return {applicants[position]: float(rank) for rank, position in enumerate(order)}


def _build(
    students: Sequence[Student],
    places: Sequence[Place],
    enterprises: Sequence[Enterprise],
    lottery: np.ndarray,
) -> _Instance:
    s_index, p_index, e_index = (
        _index(students, "student"),
        _index(places, "place"),
        _index(enterprises, "enterprise"),
    )
    raw_prefs = [_resolve(s.preferences, p_index, f"student {s.id!r}", "place") for s in students]
    lottery_keys: Sequence[int] = lottery.tolist()
    enterprise_keys: list[Mapping[int, float] | Sequence[int]] = []
    for e in enterprises:
        listed = e.preferences
        ranks = _resolve(listed, s_index, f"enterprise {e.id!r}", "student") if listed is not None else None
        enterprise_keys.append(
            {s: float(r) for r, s in enumerate(ranks)} if ranks is not None else lottery_keys
        )
    applicants: list[list[int]] = [[] for _ in places]
    for s, prefs in enumerate(raw_prefs):
        for p in prefs:
            applicants[p].append(s)
    needs_text = any(
        pl.preferences is None and not pl.enterprise and pl.description for pl in places
    ) and any(st.profile for st in students)
    model = TextModel([normalise(pl.description) for pl in places]) if needs_text else None
    keys: list[Mapping[int, float] | Sequence[int]] = []
    enterprise_of: list[int] = []
    for p, place in enumerate(places):
        owner = f"place {place.id!r}"
        if place.enterprise:
            if place.enterprise not in e_index:
                raise ValueError(f"{owner}: unknown enterprise {place.enterprise!r}")
            if place.preferences is not None:
                raise ValueError(f"{owner}: a place under an enterprise cap is ranked by its enterprise")
            enterprise_of.append(e_index[place.enterprise])
            keys.append(enterprise_keys[e_index[place.enterprise]])
            continue
        enterprise_of.append(-1)
        if place.preferences is not None:
            ranks = _resolve(place.preferences, s_index, owner, "student")
            keys.append({s: float(r) for r, s in enumerate(ranks)})
        elif model is not None and place.description and applicants[p]:
            keys.append(_similarity_keys(students, place, applicants[p], model, p, lottery))
        else:
            keys.append(lottery_keys)
    # Pairs the place does not accept are dropped up front (a place's incomplete list).
    prefs = [
        [p for p in ps if not isinstance(keys[p], dict) or s in keys[p]] for s, ps in enumerate(raw_prefs)
    ]
    return _Instance(
        prefs=prefs,
        keys=keys,
        capacity=[pl.capacity for pl in places],
        enterprise_of=enterprise_of,
        enterprise_capacity=[e.capacity for e in enterprises],
        empty=[not ps for ps in raw_prefs],
    )


def _deferred_acceptance(inst: _Instance) -> list[int]:
    """Student-proposing deferred acceptance without enterprise caps; place index or -1.

    Each place holds its applicants in a max-heap on their key, so the worst held student is
    found in O(1) and replaced in O(log capacity); a full place refuses worse applicants at once.
    """
    prefs, keys, capacity = inst.prefs, inst.keys, inst.capacity
    held: list[list[tuple[float, int]]] = [[] for _ in capacity]
    assigned = [-1] * len(prefs)
    next_choice = [0] * len(prefs)
    free = [s for s in range(len(prefs) - 1, -1, -1) if prefs[s]]
    while free:
        s = free.pop()
        while s >= 0:
            choices = prefs[s]
            i = next_choice[s]
            if i == len(choices):
                break
            next_choice[s] = i + 1
            p = choices[i]
            key = -keys[p][s]
            heap = held[p]
            if len(heap) < capacity[p]:
                heapq.heappush(heap, (key, s))
                assigned[s] = p
                s = -1
            elif heap and heap[0][0] < key:
                _, displaced = heapq.heapreplace(heap, (key, s))
                assigned[s], assigned[displaced] = p, -1
                s = displaced
    return assigned


def _worst(members: set[int], key: Mapping[int, float] | Sequence[int]) -> int:
    return max(members, key=key.__getitem__)


def _deferred_acceptance_capped(inst: _Instance) -> list[int]:
    """SPA-student (Abraham, Irving and Manlove 2007) for places grouped under enterprise caps.

    Deleting a (student, place) pair is done lazily with per-place and per-enterprise key
    thresholds: once full, a place or enterprise never again accepts anyone it ranks lower
    than its current worst, exactly as the algorithm's deletions prescribe.
    """
    prefs, keys, capacity = inst.prefs, inst.keys, inst.capacity
    enterprise_of, e_capacity = inst.enterprise_of, inst.enterprise_capacity
    at_place: list[set[int]] = [set() for _ in capacity]
    at_enterprise: list[set[int]] = [set() for _ in e_capacity]
    place_limit = [float("inf")] * len(capacity)
    enterprise_limit = [float("inf")] * len(e_capacity)
    assigned = [-1] * len(prefs)
    next_choice = [0] * len(prefs)
    free = [s for s in range(len(prefs) - 1, -1, -1) if prefs[s]]

    def release(student: int) -> None:
        place = assigned[student]
        at_place[place].discard(student)
        if enterprise_of[place] >= 0:
            at_enterprise[enterprise_of[place]].discard(student)
        assigned[student] = -1
        free.append(student)

    while free:
        s = free.pop()
        if assigned[s] >= 0 or next_choice[s] == len(prefs[s]):
            continue
        p = prefs[s][next_choice[s]]
        next_choice[s] += 1
        e, key = enterprise_of[p], keys[p]
        if key[s] > place_limit[p] or (e >= 0 and key[s] > enterprise_limit[e]):
            free.append(s)
            continue
        assigned[s] = p
        at_place[p].add(s)
        if e >= 0:
            at_enterprise[e].add(s)
        if len(at_place[p]) > capacity[p]:
            release(_worst(at_place[p], key))
        elif e >= 0 and len(at_enterprise[e]) > e_capacity[e]:
            release(_worst(at_enterprise[e], key))
        if len(at_place[p]) == capacity[p]:
            place_limit[p] = min(place_limit[p], key[_worst(at_place[p], key)] if at_place[p] else -1.0)
        if e >= 0 and len(at_enterprise[e]) == e_capacity[e]:
            worst = key[_worst(at_enterprise[e], key)] if at_enterprise[e] else -1.0
            enterprise_limit[e] = min(enterprise_limit[e], worst)
    return assigned


def _blocking_pairs(inst: _Instance, assigned: list[int]) -> int:
    """Count pairs (s, p) where s prefers p to its lot and p (and its enterprise) would take s.

    With enterprise caps this is SPA-S stability: p has room and so has its enterprise (or s
    is already with that enterprise, or the enterprise prefers s to its worst student), or p
    is full and prefers s to its worst student.
    """
    worst_at_place: list[float] = [-1.0] * len(inst.capacity)
    count_at_place = [0] * len(inst.capacity)
    worst_at_enterprise: list[float] = [-1.0] * len(inst.enterprise_capacity)
    count_at_enterprise = [0] * len(inst.enterprise_capacity)
    for s, p in enumerate(assigned):
        if p >= 0:
            key = inst.keys[p][s]
            count_at_place[p] += 1
            worst_at_place[p] = max(worst_at_place[p], key)
            e = inst.enterprise_of[p]
            if e >= 0:
                count_at_enterprise[e] += 1
                worst_at_enterprise[e] = max(worst_at_enterprise[e], key)
    blocking = 0
    for s, choices in enumerate(inst.prefs):
        mine = assigned[s]
        for p in choices:
            if p == mine:
                break
            key, e = inst.keys[p][s], inst.enterprise_of[p]
            if count_at_place[p] >= inst.capacity[p]:
                blocking += key < worst_at_place[p]
            elif e < 0 or count_at_enterprise[e] < inst.enterprise_capacity[e]:
                blocking += 1
            else:
                same_enterprise = mine >= 0 and inst.enterprise_of[mine] == e
                blocking += same_enterprise or key < worst_at_enterprise[e]
    return blocking


def _unassigned_reasons(inst: _Instance, assigned: list[int]) -> dict[int, str]:
    """Why each unassigned student got nothing; a student with room left at a place it
    applied to was kept out by that place's enterprise cap."""
    occupancy = [0] * len(inst.capacity)
    for p in assigned:
        if p >= 0:
            occupancy[p] += 1
    reasons: dict[int, str] = {}
    for s, p in enumerate(assigned):
        if p >= 0:
            continue
        if inst.empty[s]:
            reasons[s] = "no_preferences"
        elif not inst.prefs[s]:
            reasons[s] = "not_acceptable"
        elif any(occupancy[q] < inst.capacity[q] and inst.enterprise_of[q] >= 0 for q in inst.prefs[s]):
            reasons[s] = "enterprise_cap"
        else:
            reasons[s] = "capacity"
    return reasons


def allocate(
    students: Sequence[Student],
    places: Sequence[Place],
    *,
    enterprises: Sequence[Enterprise] = (),
    seed: int = 0,
) -> AllocationResult:
    """Student-optimal stable allocation; see the module docstring for how places rank."""
    lottery = np.random.default_rng(seed).permutation(len(students))
    inst = _build(students, places, enterprises, lottery)
    capped = any(e >= 0 for e in inst.enterprise_of)
    assigned = _deferred_acceptance_capped(inst) if capped else _deferred_acceptance(inst)
    assignments = {st.id: (places[p].id if p >= 0 else None) for st, p in zip(students, assigned)}
    reasons = {students[s].id: why for s, why in _unassigned_reasons(inst, assigned).items()}
    return AllocationResult(
        assignments=assignments,
        unassigned_reasons=reasons,
        blocking_pairs=_blocking_pairs(inst, assigned),
        seed=seed,
        lottery=dict(zip((st.id for st in students), lottery.tolist())),
    )
