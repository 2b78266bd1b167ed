"""The major knowledge base (matching/data/majors.tsv) covers the catalogue and is well formed."""

import csv
from pathlib import Path

from matching import knowledge
from matching.text import normalise

ROOT = Path(__file__).resolve().parents[2]


CATALOGUE = ROOT / "seed" / "data" / "major_catalogue.csv"
# Offered majors (the whole catalogue) the knowledge base has no line for yet, one "code name" a
# line, and majors.tsv lines that disagree with the catalogue: both lists may only shrink. A major
# without knowledge still works by its name (its page says "matched on the name only").
GAPS = ROOT / "tests" / "data" / "knowledge_gaps.txt"
DISAGREEMENTS = ROOT / "tests" / "data" / "knowledge_disagreements.txt"


def catalogue() -> list[dict[str, str]]:
    with open(CATALOGUE, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if line.strip() and not line.startswith("#")))


def _listed(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def knowledge_lines() -> list[list[str]]:
    text = (ROOT / "matching" / "data" / "majors.tsv").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def disagreements() -> set[str]:
    """majors.tsv lines whose name is not a catalogue name at their level, or whose code or 大类
    is not the catalogue's: "level name: what is wrong"."""
    at = {(r["level"], r["name"]): r for r in catalogue()}
    found = set()
    for code, name, level, group, *_ in knowledge_lines():
        row = at.get((level.strip(), name.strip()))
        if row is None:
            found.add(f"{level} {name}: not a 2021 name at this level")
            continue
        if code.strip() not in ("-", "", row["code"]):
            found.add(f"{level} {name}: code {code} is {row['code']} in the catalogue")
        if group.strip() != row["category"]:
            found.add(f"{level} {name}: group {group} is {row['category']} in the catalogue")
    return found


def gaps() -> set[str]:
    kb = knowledge.majors()
    return {f"{r['code']} {r['name']}" for r in catalogue() if kb.find(r["name"], r["code"]) is None}


def test_the_knowledge_base_agrees_with_the_catalogue() -> None:
    """Every majors.tsv line names a 2021 major with its code and 大类, but for the listed ones."""
    found, listed = disagreements(), _listed(DISAGREEMENTS)
    assert not found - listed, f"new disagreements with the catalogue: {sorted(found - listed)}"
    assert not listed - found, f"put right, remove from {DISAGREEMENTS.name}: {sorted(listed - found)}"


def test_every_offered_major_without_knowledge_is_listed() -> None:
    """The gap list is exact: a new major without a line fails, and so does a filled gap still listed."""
    found, listed = gaps(), _listed(GAPS)
    assert not found - listed, f"offered majors without knowledge: {sorted(found - listed)}"
    assert not listed - found, f"now known, remove from {GAPS.name}: {sorted(listed - found)}"


def test_a_major_line_is_complete() -> None:
    for major in knowledge.majors().by_name.values():
        assert major.occupations and major.titles and major.skills, major.name


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
