"""Helpers for the matcher's tests: random allocation instances and the algmatch oracle."""

from __future__ import annotations

import random

import pytest

from matching import Enterprise, Place, Student


def random_instance(
    rng: random.Random, n_students: int, n_places: int, list_length: int, *, grouped: bool = False
) -> tuple[list[Student], list[Place], list[Enterprise]]:
    """Students with random incomplete lists; each place ranks a random subset of its applicants.

    Capacities start at 1 because algmatch fails on empty places (hypothesis covers 0).
    """
    places_ids = [f"p{j}" for j in range(n_places)]
    students = [
        Student(f"s{i}", tuple(rng.sample(places_ids, min(list_length, n_places)))) for i in range(n_students)
    ]
    applicants: dict[str, list[str]] = {p: [] for p in places_ids}
    for s in students:
        for p in s.preferences:
            applicants[p].append(s.id)
    enterprises: list[Enterprise] = []
    if grouped:
        n_enterprises = max(1, n_places // 3)
        for e in range(n_enterprises):
            ranked = [s.id for s in students if rng.random() < 0.9]
            rng.shuffle(ranked)
            enterprises.append(Enterprise(f"e{e}", rng.randint(1, 6), tuple(ranked)))
        places = [
            Place(p, rng.randint(1, 4), enterprise=f"e{j % n_enterprises}") for j, p in enumerate(places_ids)
        ]
    else:
        places = []
        for p in places_ids:
            ranked = [s for s in applicants[p] if rng.random() < 0.9]
            rng.shuffle(ranked)
            places.append(Place(p, rng.randint(1, 4), tuple(ranked)))
    return students, places, enterprises


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20240601)
