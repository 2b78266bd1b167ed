"""The major knowledge base (matching/data/majors.tsv) covers the catalogue and is well formed."""

import csv
from pathlib import Path

from matching import knowledge
from matching.text import normalise

ROOT = Path(__file__).resolve().parents[2]


DATA = ROOT / "matching" / "data"
# 专业大类 of the 专科 list whose every major needs knowledge (the district's industries, issue 23);
# every 中职 major needs it too.
SCOPE = {
    "41": "农林牧渔大类",
    "42": "资源环境与安全大类",
    "43": "能源动力与材料大类",
    "44": "土木建筑大类",
    "46": "装备制造大类",
    "47": "生物与化工大类",
    "48": "轻工纺织大类",
    "49": "食品药品与粮食大类",
    "50": "交通运输大类",
    "51": "电子与信息大类",
    "52": "医药卫生大类",
    "53": "财经商贸大类",
    "54": "旅游大类",
    "59": "公共管理与服务大类",
}


def official() -> list[dict[str, str]]:
    """The project's copy of 《职业教育专业目录（2021年）》 (中职 and 专科), with its provenance lines."""
    with open(DATA / "catalogue-2021.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def kb_lines() -> list[list[str]]:
    text = (DATA / "majors.tsv").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_catalogue_copy_is_whole() -> None:
    rows = official()
    assert sum(r["level"] == "中职" for r in rows) == 358 and sum(r["level"] == "专科" for r in rows) == 744
    assert len({r["code"] for r in rows}) == 1102
    assert sum(r["code"].endswith("K") for r in rows) == 47
    assert {r["category"] for r in rows if r["category_code"] in SCOPE} == set(SCOPE.values())


def test_every_line_is_an_official_major_with_its_code_level_group_and_class() -> None:
    by_code = {r["code"]: r for r in official()}
    wrong = []
    for fields in kb_lines():
        code, name, level, group, major_class = fields[:5]
        row = by_code.get(code)
        if row is None or (row["name"], row["level"], row["category"], row["class"]) != (
            name,
            level,
            group,
            major_class,
        ):
            wrong.append(f"{code} {name} {level} {group} {major_class}")
    assert not wrong, "lines that differ from catalogue-2021.csv:\n" + "\n".join(wrong)
    codes = [fields[0] for fields in kb_lines()]
    assert len(codes) == len(set(codes))


def test_every_major_a_laiwu_school_can_offer_has_knowledge() -> None:
    """All 358 中职 majors and every 专科 major of the district's 大类; the gaps are listed."""
    kb = knowledge.majors()
    gaps = []
    for row in official():
        if row["level"] == "中职" or row["category_code"] in SCOPE:
            major = kb.by_code.get(row["code"])
            if major is None or not (major.titles and major.skills):
                gaps.append(f"{row['code']} {row['name']}")
    if gaps:
        print(f"{len(gaps)} majors without knowledge:", " ".join(gaps))
    assert not gaps, f"{len(gaps)} majors without knowledge, e.g. {gaps[:10]}"


def test_old_names_find_their_2021_major() -> None:
    kb = knowledge.majors()
    names = {(r["name"], r["level"]) for r in official()}
    for fields in knowledge._data_lines("aliases.tsv"):
        old, new, level = fields[:3]
        assert (new, level) in names and old not in {n for n, _ in names}, old
        assert kb.find(old).name == new, old
    assert kb.find("现代农艺技术").name == "作物生产技术"
    assert kb.find("机电设备安装与维修（电梯方向）").name == "机电技术应用"
    assert kb.find("", "460110").name == "智能焊接技术"


def test_a_school_major_inherits_by_name_with_a_direction_or_by_code() -> None:
    kb = knowledge.majors()
    assert kb.find("焊接技术应用（机器人焊接方向）").name == "焊接技术应用"
    assert kb.find("没有这个专业") is None


def test_titles_are_found_longest_first_in_normalised_text() -> None:
    kb = knowledge.majors()
    assert kb.scan(normalise("ＣＮＣ操机师傅"))[1] == ["cnc", "操机"]  # full-width letters read as Latin
    assert "维修工" not in kb.scan(normalise("设备维修工"))[1]


def _from(origin: str, town: str) -> tuple[float, float]:
    """(km, compass bearing in degrees) from one unit's seat to another's, by matching/data/towns.tsv."""
    import math

    import numpy as np

    places = knowledge.town_coordinates()
    (lat1, lon1), (lat2, lon2) = places[normalise(origin)], places[normalise(town)]
    km = float(knowledge.distance_km(np.array([[lat1, lon1]]), np.array([[lat2, lon2]]))[0, 0])
    east = (lon2 - lon1) * math.cos(math.radians(lat1))
    return km, math.degrees(math.atan2(east, lat2 - lat1)) % 360


def test_towns_stand_where_the_gazetteer_puts_them() -> None:
    """Distances and directions from the city as the units' and their seat villages' entries give them."""
    city = "凤城街道"
    km, bearing = _from(city, "方下街道")  # 方下南街 (the seat): 7.5 km west of 莱城
    assert 5 <= km <= 9 and 240 <= bearing <= 300
    km, bearing = _from(city, "牛泉镇")  # 东牛泉 (the seat): 11 km west, in the south-west
    assert 7 <= km <= 12 and 230 <= bearing <= 280
    km, bearing = _from(city, "杨庄镇")  # 梅家官庄 15 km west is at 杨庄镇's east end, 6 km from its seat
    assert 17 <= km <= 23 and 250 <= bearing <= 290
    for town in ("羊里街道", "寨里镇"):  # seats 20 and 19 km north-west (by road)
        km, bearing = _from(city, town)
        assert 14 <= km <= 21 and 280 <= bearing <= 320, town
    km, bearing = _from(city, "苗山镇")  # 牛旺泉, 2 km north of the seat, is 20 km north-east
    assert 14 <= km <= 21 and 30 <= bearing <= 70
    # Neighbours: 杨庄 west of 方下, 牛泉 across the river south of 方下, 口镇 east of 羊里,
    # 茶业口 to the north of both 口镇 (its south-west neighbour) and 苗山 (its south-east one).
    assert 250 <= _from("方下街道", "杨庄镇")[1] <= 290
    assert 135 <= _from("方下街道", "牛泉镇")[1] <= 225
    assert 45 <= _from("羊里街道", "口镇街道")[1] <= 135
    assert _from("口镇街道", "茶业口镇")[1] <= 60 and 270 <= _from("苗山镇", "茶业口镇")[1] <= 360
