"""Deferred acceptance: equals the algmatch oracle, is stable, respects capacities."""

from __future__ import annotations

import random

import pytest
from algmatch import HospitalResidentsProblem, StudentProjectAllocation
from conftest import random_instance
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import AllocationResult, Enterprise, Place, Student, allocate


def oracle_hr(students: list[Student], places: list[Place]) -> dict[str, str | None]:
    """Resident-optimal stable matching from algmatch (integer ids, as it requires)."""
    s_num = {s.id: i for i, s in enumerate(students)}
    p_num = {p.id: j for j, p in enumerate(places)}
    instance = {
        "residents": {s_num[s.id]: [p_num[p] for p in s.preferences] for s in students},
        "hospitals": {
            p_num[p.id]: {"capacity": p.capacity, "preferences": [s_num[s] for s in p.preferences or ()]}
            for p in places
        },
    }
    matching = HospitalResidentsProblem(dictionary=instance, optimised_side="residents").get_stable_matching()
    assert matching is not None
    assigned = matching["resident_sided"]
    return {
        s.id: (places[int(assigned[f"r{i}"][1:])].id if assigned[f"r{i}"] else None)
        for i, s in enumerate(students)
    }


def oracle_spa(
    students: list[Student], places: list[Place], enterprises: list[Enterprise]
) -> dict[str, str | None]:
    s_num = {s.id: i for i, s in enumerate(students)}
    p_num = {p.id: j for j, p in enumerate(places)}
    e_num = {e.id: k for k, e in enumerate(enterprises)}
    instance = {
        "students": {s_num[s.id]: [p_num[p] for p in s.preferences] for s in students},
        "projects": {p_num[p.id]: {"capacity": p.capacity, "lecturer": e_num[p.enterprise]} for p in places},
        "lecturers": {
            e_num[e.id]: {"capacity": e.capacity, "preferences": [s_num[s] for s in e.preferences or ()]}
            for e in enterprises
        },
    }
    matching = StudentProjectAllocation(dictionary=instance, optimised_side="students").get_stable_matching()
    assert matching is not None
    assigned = matching["student_sided"]
    return {
        s.id: (places[int(p[1:])].id if (p := assigned[f"s{i}"]) else None) for i, s in enumerate(students)
    }


def assert_valid(result: AllocationResult, students: list[Student], places: list[Place]) -> None:
    assert result.blocking_pairs == 0
    load: dict[str, int] = {}
    for student in students:
        place = result.assignments[student.id]
        if place is not None:
            assert place in student.preferences
            load[place] = load.get(place, 0) + 1
        else:
            assert student.id in result.unassigned_reasons
    assert all(load.get(p.id, 0) <= p.capacity for p in places)


@pytest.mark.parametrize(("n_students", "n_places", "length"), [(20, 5, 3), (300, 40, 5), (2000, 150, 8)])
def test_equals_the_student_optimal_matching_of_algmatch(n_students: int, n_places: int, length: int) -> None:
    for trial in range(3):
        students, places, _ = random_instance(random.Random(trial), n_students, n_places, length)
        result = allocate(students, places, seed=trial)
        assert dict(result.assignments) == oracle_hr(students, places)
        assert_valid(result, students, places)


@pytest.mark.parametrize(("n_students", "n_places"), [(15, 6), (120, 30)])
def test_enterprise_caps_equal_algmatch_student_project_allocation(n_students: int, n_places: int) -> None:
    for trial in range(5):
        students, places, enterprises = random_instance(
            random.Random(trial), n_students, n_places, 4, grouped=True
        )
        result = allocate(students, places, enterprises=enterprises)
        assert dict(result.assignments) == oracle_spa(students, places, enterprises)
        assert result.blocking_pairs == 0
        per_enterprise: dict[str, int] = {}
        for place in result.assignments.values():
            if place is not None:
                owner = places[int(place[1:])].enterprise
                per_enterprise[owner] = per_enterprise.get(owner, 0) + 1
        assert all(per_enterprise.get(e.id, 0) <= e.capacity for e in enterprises)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Student], list[Place], int]:
    n_students = draw(st.integers(0, 25))
    n_places = draw(st.integers(1, 8))
    place_ids = [f"p{j}" for j in range(n_places)]
    student_ids = [f"s{i}" for i in range(n_students)]
    students = [
        Student(s, tuple(draw(st.lists(st.sampled_from(place_ids), unique=True, max_size=n_places))))
        for s in student_ids
    ]
    places = []
    for p in place_ids:
        ranked = draw(
            st.none() | st.permutations(student_ids).flatmap(lambda xs: st.just(xs[: len(xs) * 3 // 4]))
        )
        places.append(Place(p, draw(st.integers(0, 4)), None if ranked is None else tuple(ranked)))
    return students, places, draw(st.integers(0, 2**31))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_result_is_stable_and_respects_capacities(instance) -> None:
    students, places, seed = instance
    result = allocate(students, places, seed=seed)
    assert_valid(result, students, places)
    assert allocate(students, places, seed=seed) == result  # the seed reproduces it


def test_lottery_breaks_ties_and_is_recorded() -> None:
    students = [Student(f"s{i}", ("p",)) for i in range(10)]
    result = allocate(students, [Place("p", 3)], seed=7)
    chosen = sorted(s for s, p in result.assignments.items() if p)
    assert chosen == sorted(sorted(result.lottery, key=result.lottery.get)[:3])
    assert result.seed == 7 and sorted(result.lottery.values()) == list(range(10))
    assert set(result.unassigned_reasons.values()) == {"capacity"}
    other = allocate(students, [Place("p", 3)], seed=8)
    assert other.lottery != result.lottery


def test_places_without_preferences_rank_by_profile_similarity() -> None:
    students = [Student("cook", ("p",), "会炒菜，厨师"), Student("welder", ("p",), "电焊工 焊接")]
    result = allocate(students, [Place("p", 1, description="焊接技术应用 焊接实训")], seed=1)
    assert result.assignments == {"cook": None, "welder": "p"}


def test_unassigned_reasons() -> None:
    students = [Student("a", ()), Student("b", ("p",)), Student("c", ("q",)), Student("d", ("q",))]
    places = [Place("p", 1, ("c",)), Place("q", 1, ("c", "d"))]
    result = allocate(students, places)
    assert result.assignments == {"a": None, "b": None, "c": "q", "d": None}
    assert result.unassigned_reasons == {"a": "no_preferences", "b": "not_acceptable", "d": "capacity"}
    grouped = allocate(
        [Student("x", ("p1",)), Student("y", ("p2",))],
        [Place("p1", 1, enterprise="e"), Place("p2", 1, enterprise="e")],
        enterprises=[Enterprise("e", 1, ("x", "y"))],
    )
    assert grouped.assignments == {"x": "p1", "y": None}
    assert grouped.unassigned_reasons == {"y": "enterprise_cap"}
    assert grouped.to_dict()["blocking_pairs"] == 0


@pytest.mark.parametrize(
    ("students", "places", "message"),
    [
        ([Student("a", ()), Student("a", ())], [], "student 'a': duplicate id"),
        ([Student("a", ("zz",))], [Place("p", 1)], "student 'a': unknown place 'zz'"),
        ([Student("a", ("p", "p"))], [Place("p", 1)], "listed twice"),
        ([Student("a", ("p",))], [Place("p", 1, ("b",))], "place 'p': unknown student 'b'"),
        ([Student("a", ("p",))], [Place("p", 1, enterprise="e")], "place 'p': unknown enterprise 'e'"),
    ],
)
def test_invalid_input_names_the_record(students, places, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        allocate(students, places)


def test_negative_capacity_is_refused() -> None:
    with pytest.raises(ValueError, match="place 'p': negative capacity"):
        Place("p", -1)
