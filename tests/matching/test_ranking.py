import json

import pytest

from matching import Demand, Program, Weights, rank
from matching.ranking import DemandFeatures, demand_features, fit_text_model, rank_features

PROGRAMS = [
    Program(
        "weld",
        "焊接技术应用",
        "培养焊接操作与焊接检验人员",
        industry="装备制造大类",
        skills=("焊接",),
        certificates=("特种作业操作证（熔化焊接与热切割）",),
        capacity=40,
        town="凤城街道",
    ),
    Program(
        "weld-small",
        "焊接技术应用",
        "培养焊接操作与焊接检验人员",
        industry="装备制造大类",
        skills=("焊接",),
        capacity=2,
        town="凤城街道",
    ),
    Program("nurse", "护理", "培养临床护理人员", industry="医药卫生大类", capacity=80, town="口镇"),
]


def test_colloquial_title_reaches_the_major_through_the_thesaurus() -> None:
    [ranking] = rank([Demand("d", "招电焊工", "会二保焊")], PROGRAMS)
    assert [m.program_id for m in ranking.matches][:2] == ["weld", "weld-small"]
    text = ranking.matches[0].reasons[0]
    assert text.criterion == "text" and "焊接" in text.terms
    assert "nurse" not in [m.program_id for m in ranking.matches]


def test_demand_nothing_fits_gets_no_proposals() -> None:
    assert rank([Demand("d", "招保安员", "夜班巡逻")], PROGRAMS)[0].matches == ()


def test_reasons_are_structured_and_weights_sum_to_one() -> None:
    demand = Demand(
        "d",
        "焊工",
        "",
        industry="高端装备制造",
        skills=("氩弧焊",),
        certificates=("焊工证",),
        headcount=10,
        town="张家洼",
    )
    [ranking] = rank([demand], PROGRAMS, top_k=2)
    best, second = ranking.matches
    assert best.program_id == "weld"
    by_code = {r.criterion: r for r in best.reasons}
    assert set(by_code) == {"text", "skills", "certificates", "industry", "capacity", "distance"}
    assert sum(r.weight for r in best.reasons) == pytest.approx(1.0)
    assert best.score == pytest.approx(sum(r.weight * r.score for r in best.reasons))
    assert by_code["skills"].terms == ("焊接",)
    assert by_code["industry"].score == 1.0
    assert dict(by_code["capacity"].values) == {"headcount": 10, "capacity": 40, "fits": True}
    assert 5 < dict(by_code["distance"].values)["km"] < 15
    # The small intake cannot hold the headcount: it ranks lower and says so.
    capacity = {r.criterion: r for r in second.reasons}["capacity"]
    assert second.program_id == "weld-small" and dict(capacity.values)["fits"] is False
    assert "certificates" not in {r.criterion for r in second.reasons}  # no certificates: absent
    json.dumps(ranking.to_dict(), ensure_ascii=False)


def test_weights_are_configurable() -> None:
    demand = Demand("d", "焊工", headcount=10)
    default = {m.program_id: m for m in rank([demand], PROGRAMS)[0].matches}["weld-small"]
    no_capacity = {
        m.program_id: m for m in rank([demand], PROGRAMS, weights=Weights(capacity=0.0))[0].matches
    }
    text_only = no_capacity["weld-small"]
    assert text_only.score > default.score
    assert "capacity" not in {r.criterion for r in text_only.reasons}


def test_invalid_input_is_refused_naming_the_record() -> None:
    with pytest.raises(ValueError, match="program 'weld': duplicate id"):
        rank([Demand("d", "焊工")], [*PROGRAMS, PROGRAMS[0]])
    with pytest.raises(ValueError, match="negative capacity"):
        Program("p", "x", capacity=-1)
    with pytest.raises(ValueError, match="negative weight"):
        Weights(skills=-1)


def test_top_k_limits_and_orders_matches() -> None:
    [ranking] = rank([Demand("d", "焊接 护理")], PROGRAMS, top_k=1)
    assert len(ranking.matches) == 1
    assert rank([Demand("d", "焊接")], [], top_k=3)[0].matches == ()


def test_equal_scores_keep_input_order_even_at_the_cut() -> None:
    # Identical programs tie; which of them make the top k must not depend on a sort's
    # internals: the earliest in input order win, and they come in input order.
    twins = [Program(f"w{i}", "焊接技术应用", "培养焊接操作人员") for i in range(12)]
    [ranking] = rank([Demand("d", "招电焊工")], [PROGRAMS[2], *twins], top_k=5)
    assert [m.program_id for m in ranking.matches] == ["w0", "w1", "w2", "w3", "w4"]
    assert len({m.score for m in ranking.matches}) == 1


def test_pairs_under_the_threshold_are_never_proposed_whatever_top_k() -> None:
    demand = Demand("d", "焊工", headcount=10, town="口镇")
    [ranking] = rank([demand], PROGRAMS, top_k=50)
    assert [m.program_id for m in ranking.matches] == ["weld", "weld-small"]
    assert all(0.0 <= m.score <= 1.0 for m in ranking.matches)


def test_ranking_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    rank([Demand("d", "焊工")], PROGRAMS)
    assert gc.isenabled()
    gc.disable()
    try:
        rank([Demand("d", "焊工")], PROGRAMS)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        rank([Demand("d", "焊工"), Demand("d", "焊工")], PROGRAMS)
    assert gc.isenabled()


def test_a_match_gives_its_reasons_dicts_as_its_reasons_records_would() -> None:
    """Match.to_dict builds the reasons' dicts without the Reason records (issue 31): the same
    dicts, in the same order, every criterion present or absent alike."""
    demands = [
        Demand("a", "焊工", "", industry="高端装备制造", skills=("氩弧焊", "装配"), certificates=("焊工证",),
               headcount=10, town="张家洼", major="焊接技术应用"),
        Demand("b", "招电焊工", "会二保焊", headcount=0),
        Demand("c", "护理员", "照护老人", industry="医学护理及老年人护理", town="口镇"),
    ]  # fmt: skip
    compared = 0
    for ranking in rank(demands, PROGRAMS, top_k=3):
        for match in ranking.matches:
            assert match.to_dict()["reasons"] == [r.to_dict() for r in match.reasons]
            assert json.dumps(match.to_dict()["reasons"]) == json.dumps([r.to_dict() for r in match.reasons])
            compared += 1
    assert compared >= 4


def test_one_program_against_the_whole_corpus_scores_as_the_full_ranking() -> None:
    """What the platform ranks when one major is published or edited: that major's column alone."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    majors = json.loads((data / "majors.json").read_text(encoding="utf-8"))
    programs = [
        Program(m["id"], m["name"], m["description"], industry=m["group"], skills=tuple(m.get("skills", ())))
        for m in majors
    ]
    demands = [
        Demand(p["id"], p["title"], p["description"])
        for p in json.loads((data / "demands.json").read_text(encoding="utf-8"))
    ]

    def matches(offered, **how):
        """Each (demand, major) pair's match when `offered` are ranked for every demand."""
        return {(r.demand_id, m.program_id): m for r in rank(demands, offered, **how) for m in r.matches}

    full = matches(programs, top_k=len(programs))
    compared = 0
    for program in programs[::7]:
        alone = matches([program], top_k=1, corpus=programs)
        assert alone.keys() == {key for key in full if key[1] == program.id}
        for key, match in alone.items():
            assert match.score == pytest.approx(full[key].score, abs=1e-6)
            assert [r.to_dict() for r in match.reasons] == pytest.approx(
                [r.to_dict() for r in full[key].reasons]
            )
            compared += 1
    assert compared > 20
    # The model fitted on the corpus beforehand (and kept by the portal) gives the very same scores.
    model = fit_text_model(programs)
    for program in programs[::7]:
        alone = matches([program], top_k=1, model=model)
        assert alone.keys() == {key for key in full if key[1] == program.id}
        for key, match in alone.items():
            assert match.score == full[key].score
            assert [r.to_dict() for r in match.reasons] == [r.to_dict() for r in full[key].reasons]
    kept, features = [], []
    rank(demands, programs, top_k=1, on_model=kept.append, on_features=features.extend)
    assert len(kept) == 1 and kept[0].state()["features"].tolist() == model.state()["features"].tolist()
    # Demands kept as features (stored as JSON and bytes, read back) rank as the demands themselves.
    stored = [
        DemandFeatures.from_stored(f.id, json.loads(json.dumps(f.evidence)), f.vector_bytes())
        for f in features
    ]
    assert [f.evidence for f in demand_features(demands, model)] == [f.evidence for f in features]
    for program in programs[::7]:
        alone = {
            (r.demand_id, m.program_id): m
            for r in rank_features(stored, [program], model, top_k=1)
            for m in r.matches
        }
        assert alone.keys() == {key for key in full if key[1] == program.id}
        for key, match in alone.items():
            assert match.score == full[key].score
            assert [r.to_dict() for r in match.reasons] == [r.to_dict() for r in full[key].reasons]
    # Without the corpus, one program alone is its own vocabulary: other scores, the reason the option exists.
    alone = {
        (r.demand_id, m.program_id): m.score for r in rank(demands, programs[:1], top_k=1) for m in r.matches
    }
    assert any(
        score != pytest.approx(full[key].score, abs=1e-6) for key, score in alone.items() if key in full
    )


# --- knowledge of the trades (issue 12) --------------------------------------------------------

BARE = [
    Program(name, name)
    for name in (
        "机电设备安装与维修",
        "汽车运用与维修",
        "母婴照护",
        "智慧健康养老服务",
        "数字媒体技术应用",
        "服装设计与工艺",
        "畜牧兽医",
        "焊接技术应用",
        "护理",
        "制药技术应用",
    )
]


@pytest.mark.parametrize(
    ("title", "best"),
    [
        ("设备维修工", "机电设备安装与维修"),  # plant maintenance, not car repair
        ("招育婴员", "母婴照护"),  # infant care, not elderly care
        ("UI设计", "数字媒体技术应用"),  # digital design, not garment design
        ("招打版师傅", "服装设计与工艺"),
        ("猪场兽医", "畜牧兽医"),
        ("招电焊学徒 有师傅带", "焊接技术应用"),  # a master/apprentice phrase still gets its proposal
    ],
)
def test_a_title_is_read_as_a_role_of_a_major_listed_by_name_only(title: str, best: str) -> None:
    [ranking] = rank([Demand("d", title)], BARE)
    assert ranking.matches and ranking.matches[0].program_id == best
    text = ranking.matches[0].reasons[0]
    assert text.criterion == "text" and dict(text.values)["source"] == "catalogue" and text.terms


def test_no_offered_major_prepares_for_an_office_cleaner() -> None:
    assert rank([Demand("d", "写字楼保洁员", "打扫办公室卫生")], BARE)[0].matches == ()


def test_a_word_inside_a_longer_title_is_not_that_word() -> None:
    """服务员 alone reads as hotel work, 车工 as machining; inside 殡葬服务员 and 纺织挡车工 they are
    other trades, which no offered major here prepares for."""
    majors = [Program(name, name) for name in ("高星级饭店运营与管理", "数控技术应用")]
    best = [
        r.matches[0].program_id if r.matches else None
        for r in rank(
            [Demand(t, t) for t in ("招酒店服务员", "招殡葬服务员", "数控车工", "纺织挡车工")], majors
        )
    ]
    assert best == ["高星级饭店运营与管理", None, "数控技术应用", None]


def test_skills_and_certificates_are_counted_per_item_hr_entered() -> None:
    # Four skills, some of which the thesaurus expands into several terms: still "of 4".
    demand = Demand(
        "d",
        "机器人焊接订单班",
        skills=("机器人焊接", "氩弧焊", "装配", "叉车驾驶"),
        certificates=("特殊焊接技术",),
    )
    program = Program(
        "p", "焊接技术应用", "焊接操作与检验", skills=("焊接", "装配"), certificates=("特殊焊接技术",)
    )
    [ranking] = rank([demand], [program])
    reasons = {r.criterion: dict(r.values) for r in ranking.matches[0].reasons}
    assert reasons["skills"]["required"] == 4 and reasons["skills"]["covered"] == 3
    assert reasons["skills"]["listed"] == "机器人焊接、氩弧焊、装配"
    assert reasons["certificates"] == {
        **reasons["certificates"],
        "required": 1,
        "covered": 1,
        "listed": "特殊焊接技术",
        "source": "school",
    }


def test_the_major_a_posting_names_is_a_criterion_by_name_or_code() -> None:
    programs = [Program("weld", "焊接技术应用"), Program("robot", "工业机器人技术应用", code="660303")]
    for asked, expected in (("焊接技术应用（机器人焊接方向）", "weld"), ("660303", "robot")):
        [ranking] = rank([Demand("d", "机器人焊接工", major=asked)], programs)
        best = ranking.matches[0]
        major = {r.criterion: r for r in best.reasons}["major"]
        assert best.program_id == expected and major.score == 1.0 and dict(major.values)["major"] == asked
        other = {r.criterion: r for r in ranking.matches[1].reasons}["major"]
        assert other.score == 0.0


# --- ads as they are written (issue 23) ---------------------------------------------------------

CATALOGUE = [
    Program("weld", "焊接技术应用"),
    Program("pharma", "制药技术应用"),
    Program("nurse", "护理"),
    Program("stats", "统计事务"),
    Program("office", "文秘"),
    Program("plastic", "塑料成型"),
]


def test_an_industry_word_in_the_company_blurb_is_not_evidence() -> None:
    ad = Demand(
        "d",
        "焊工（包吃住）",
        "【公司简介】本公司是一家医药企业，拥有GMP片剂车间和医院客户。【岗位职责】负责结构件二保焊。"
        "【福利待遇】五险一金",
    )
    [ranking] = rank([ad], CATALOGUE)
    assert [m.program_id for m in ranking.matches] == ["weld"]


def test_a_role_no_major_trains_for_gets_nothing_unless_hr_names_a_major() -> None:
    clerk = "岗位职责：负责文件收发、Excel数据录入、档案整理和会议记录。任职要求：会Office"
    assert rank([Demand("d", "行政文员", clerk)], CATALOGUE)[0].matches == ()
    assert rank([Demand("d", "电话销售", "负责电话邀约客户，介绍护理服务")], CATALOGUE)[0].matches == ()
    [ranking] = rank([Demand("d", "行政文员", clerk, major="文秘")], CATALOGUE)
    assert ranking.matches[0].program_id == "office"


def test_duties_carry_a_proposal_when_the_title_names_no_known_role() -> None:
    ad = Demand("d", "生产储备干部", "岗位职责：负责注塑机调机与模具安装，处理缩水、飞边等缺陷。")
    [ranking] = rank([ad], CATALOGUE)
    assert ranking.matches and ranking.matches[0].program_id == "plastic"
    assert "调机" in ranking.matches[0].reasons[0].terms  # the duties' words, not the title's
