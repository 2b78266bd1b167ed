import itertools

import pytest

from matching import Expert, Need, exchange

EXPERTS = [
    Expert("welder", "高级焊接技师，二保焊氩弧焊", ("焊接",)),
    Expert("nurse", "三甲医院护士长，临床护理", ("护理",), hours=2),
]
NEEDS = [
    Need("weld-class", "焊接实训课", ("焊接",)),
    Need("care-class", "老年护理课程", ("护理",)),
    Need("care-lab", "护理实训指导", ("护理",)),
    Need("guard", "保安员培训", ()),
]


def test_best_total_with_hours_as_slots_and_nothing_under_threshold() -> None:
    pairs = exchange(EXPERTS, NEEDS)
    assert {(p.expert_id, p.need_id, p.hours) for p in pairs} == {
        ("welder", "weld-class", 1),
        ("nurse", "care-class", 1),
        ("nurse", "care-lab", 1),
    }
    assert all(0 < p.score <= 1 and p.reasons[0].criterion == "text" for p in pairs)
    assert pairs[0].to_dict()["reasons"][0]["terms"]


def test_a_need_of_several_hours_can_take_several_slots_of_one_expert() -> None:
    [pair] = exchange([Expert("e", "焊接技师", hours=3)], [Need("n", "焊接课", hours=2)])
    assert pair.hours == 2


def test_maximises_the_total_score_against_brute_force() -> None:
    experts = [
        Expert(f"e{i}", text) for i, text in enumerate(["焊接 数控", "数控 编程", "护理 养老", "电商 直播"])
    ]
    needs = [
        Need(f"n{i}", text)
        for i, text in enumerate(["数控编程课", "焊接课", "养老护理", "直播带货", "焊接数控"])
    ]
    pairs = exchange(experts, needs)
    total = sum(p.score * p.hours for p in pairs)
    single = {(p.need_id, p.expert_id): p.score for p in exchange(experts, needs)}
    full = {}
    for n in needs:
        for e in experts:
            got = exchange([e], [n])
            full[(n.id, e.id)] = got[0].score if got else 0.0
    best = max(
        sum(full[(needs[i].id, experts[j].id)] for i, j in enumerate(perm) if j is not None)
        for perm in itertools.permutations([*range(len(experts)), None])
    )
    assert total == pytest.approx(best)
    assert single


def test_invalid_input_names_the_record() -> None:
    with pytest.raises(ValueError, match="expert 'a': duplicate id"):
        exchange([Expert("a", "x"), Expert("a", "y")], [Need("n", "x")])
    with pytest.raises(ValueError, match="negative hours"):
        Need("n", "x", hours=-1)
