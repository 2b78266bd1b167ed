"""The major knowledge base (matching/data/majors.tsv) covers the catalogue and is well formed."""

import csv
from pathlib import Path

from matching import knowledge
from matching.text import normalise

ROOT = Path(__file__).resolve().parents[2]


def catalogue() -> list[dict[str, str]]:
    with open(ROOT / "seed" / "data" / "major_catalogue.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_every_major_of_the_catalogue_has_its_knowledge() -> None:
    kb = knowledge.majors()
    for row in catalogue():
        major = kb.find(row["name"], row["code"])
        assert major is not None, row["name"]
        assert major.group == row["category"], row["name"]
        assert major.occupations and major.titles and major.skills, row["name"]
        assert not row["code"] or major.code in ("", row["code"]), row["name"]


def test_a_school_major_inherits_by_name_with_a_direction_or_by_code() -> None:
    kb = knowledge.majors()
    assert kb.find("焊接技术应用（机器人焊接方向）").name == "焊接技术应用"
    assert kb.find("没有这个专业") is None


def test_titles_are_found_longest_first_in_normalised_text() -> None:
    kb = knowledge.majors()
    assert kb.scan(normalise("ＣＮＣ操机师傅"))[1] == ["cnc", "操机"]  # full-width letters read as Latin
    assert "维修工" not in kb.scan(normalise("设备维修工"))[1]
