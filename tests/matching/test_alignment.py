"""Classifying a posting into the catalogue majors it prepares for (no app needed)."""

from __future__ import annotations

from matching import alignment


def names(fits) -> list[str]:
    return [f.name for f in fits]


def test_a_colloquial_title_finds_its_major_and_group():
    fits = alignment.classify("招聘电焊工")
    assert names(fits) == ["焊接技术应用"]
    assert fits[0].group == "装备制造大类"
    assert fits[0].evidence == (("title", "电焊工"),)
    assert fits[0].points == 2.0


def test_the_named_major_counts_most_and_evidence_adds_up():
    fits = alignment.classify("实习生", skills=("焊接",), major="焊接技术应用")
    best = fits[0]
    assert best.name == "焊接技术应用"
    assert ("named", "焊接技术应用") in best.evidence
    assert best.points == sum(alignment._POINTS[kind] for kind, _term in best.evidence)


def test_no_evidence_no_major():
    assert alignment.classify("招大货车司机") == ()  # no major of the catalogue trains lorry drivers
    assert alignment.classify("诚聘", "待遇从优，五险一金") == ()


def test_a_trade_of_the_catalogue_is_its_major():
    assert alignment.classify("招保安员")[0].name == "安全保卫服务"
    assert alignment.classify("招殡葬服务员")[0].name == "殡葬服务与管理"  # the 中职 major, now known


def test_a_major_name_outside_the_knowledge_base_is_ignored():
    assert alignment.classify("实习生", major="不存在的专业") == ()


def test_best_first_and_limited():
    fits = alignment.classify("电商主播", "直播带货 网店运营", limit=2)
    assert len(fits) == 2
    assert fits[0].points >= fits[1].points
    assert all(f.group == "财经商贸大类" for f in fits)
    assert fits[0].to_dict()["evidence"][0] == list(fits[0].evidence[0])


def test_an_ad_is_classified_by_its_duties_not_by_its_blurb() -> None:
    blurb = "【公司简介】本公司是一家医药企业，主营片剂和胶囊。"
    fits = alignment.classify("焊工", blurb + "【岗位职责】负责结构件气体保护焊。【福利待遇】五险一金")
    assert fits and fits[0].name in ("焊接技术应用", "智能焊接技术")
    assert all(f.group != "食品药品与粮食大类" for f in fits)
    assert alignment.classify("行政文员", "岗位职责：负责档案整理、公文写作和会议记录。") == ()
