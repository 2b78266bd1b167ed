"""The quality targets of the labelled evaluation set hold (deterministic, no timing)."""

import json
from pathlib import Path

import pytest

from matching import Demand, Program
from matching.evaluation import baseline_rankings, evaluate, matcher_rankings

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def evaluation() -> tuple[list[dict], list[list[str]], list[list[str]]]:
    majors = json.loads((DATA / "majors.json").read_text(encoding="utf-8"))
    postings = json.loads((DATA / "demands.json").read_text(encoding="utf-8"))
    programs = [Program(m["id"], m["name"], m["description"], industry=m["group"],
                        skills=tuple(m.get("skills", ())), certificates=tuple(m.get("certificates", ())))
                for m in majors]
    demands = [Demand(p["id"], p["title"], p["description"], kind=p["kind"]) for p in postings]
    ids = {m["name"]: m["id"] for m in majors}
    for p in postings:
        p["wanted"] = {ids[name] for name in p["relevant"]}
    return postings, matcher_rankings(demands, programs), baseline_rankings(demands, programs)


def test_the_set_is_big_enough() -> None:
    postings = json.loads((DATA / "demands.json").read_text(encoding="utf-8"))
    majors = json.loads((DATA / "majors.json").read_text(encoding="utf-8"))
    assert len([p for p in postings if p["relevant"]]) >= 80 and len(majors) >= 50


@pytest.mark.parametrize(("kind", "target"), [("formal", 0.95), ("colloquial", 0.93)])
def test_mrr_meets_target_and_baseline(evaluation, kind: str, target: float) -> None:
    postings, matcher, baseline = evaluation
    rows = [i for i, p in enumerate(postings) if p["kind"] == kind]
    wanted = [postings[i]["wanted"] for i in rows]
    ours = evaluate([matcher[i] for i in rows], wanted)
    plain = evaluate([baseline[i] for i in rows], wanted)
    assert ours.mrr >= target
    assert ours.mrr >= plain.mrr and ours.ndcg_at_5 >= plain.ndcg_at_5


def test_demands_with_no_fitting_major_get_no_proposals(evaluation) -> None:
    postings, matcher, _ = evaluation
    assert {p["id"]: matcher[i] for i, p in enumerate(postings) if p["kind"] == "none" and matcher[i]} == {}
