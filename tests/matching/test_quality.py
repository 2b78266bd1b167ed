"""The quality targets of the labelled evaluation set hold (deterministic, no timing)."""

import json
from pathlib import Path

import pytest

from matching import Demand, Program
from matching.evaluation import (
    STYLES,
    baseline_rankings,
    candidate_set,
    evaluate,
    load_extra_relevance,
    load_majors,
    load_split,
    matcher_rankings,
    score_split,
)

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def evaluation() -> tuple[list[dict], list[list[str]], list[list[str]]]:
    majors = json.loads((DATA / "majors.json").read_text(encoding="utf-8"))
    postings = json.loads((DATA / "demands.json").read_text(encoding="utf-8"))
    programs = [
        Program(
            m["id"],
            m["name"],
            m["description"],
            industry=m["group"],
            skills=tuple(m.get("skills", ())),
            certificates=tuple(m.get("certificates", ())),
        )
        for m in majors
    ]
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


# --- the dev and test splits (issue 12) --------------------------------------------------------


MAJOR_FILES = (DATA / "majors.json", DATA / "eval_majors_extra.json")
# Majors outside a posting's labels that fit it too (d313 招调酒师 -> 高星级饭店运营与管理).
EXTRA = load_extra_relevance(DATA / "relevant_whole_catalogue.tsv")
# Floors on the held-out test split, a little below what the matcher reaches (bench/eval_matching.py
# prints the figures); the targets are 0.98/0.95/0.93 and 0.92/0.90/0.88.
TEST_FLOORS = {
    ("rich", "formal"): 0.98,
    ("rich", "colloquial"): 0.97,
    ("rich", "jargon"): 0.96,
    ("bare", "formal"): 0.97,
    ("bare", "colloquial"): 0.95,
    ("bare", "jargon"): 0.94,
}


@pytest.fixture(scope="module")
def splits():
    catalogues = {"rich": load_majors(*MAJOR_FILES), "bare": load_majors(*MAJOR_FILES, bare=True)}
    out = {}
    for split in ("dev", "test"):
        postings = load_split(DATA / f"postings_{split}.tsv")
        out[split] = (
            postings,
            score_split(postings, catalogues, matcher_rankings, EXTRA),
            score_split(postings, catalogues, baseline_rankings, EXTRA),
        )
    return out


def test_each_split_has_150_postings_in_every_style_and_10_without_a_fitting_major(splits) -> None:
    majors = {p.name for p in load_majors(*MAJOR_FILES)}
    for postings, _, _ in splits.values():
        assert len(postings) >= 150
        assert all(sum(p.style == s for p in postings) >= 40 for s in STYLES)
        assert sum(not p.relevant for p in postings) >= 10
        assert all(p.relevant <= majors for p in postings)  # every label names an offered major
    dev, test = ({(p.title, p.description) for p in splits[s][0]} for s in ("dev", "test"))
    assert not dev & test  # the splits share no posting


@pytest.mark.parametrize("key", list(TEST_FLOORS))
def test_test_split_mrr_holds_its_floor_and_beats_the_baseline(splits, key) -> None:
    _, ours, plain = splits["test"]
    assert ours.mrr[key] >= TEST_FLOORS[key]
    assert ours.mrr[key] > plain.mrr[key]


def test_postings_no_offered_major_prepares_for_get_nothing(splits) -> None:
    for split in ("dev", "test"):
        _, ours, _ = splits[split]
        for kind in ("rich", "bare"):
            got_nothing, no_fit = ours.no_fit_empty[kind]
            assert no_fit >= 10 and got_nothing == no_fit, (split, kind)


# --- the whole catalogue and the ads split (issue 23) ------------------------------------------

# Floors a little below what bench/eval_matching.py measures with all 1,102 majors offered (the 72
# described majors keep their descriptions, the rest are offered by name), counting the same trade at
# the other level as right (tests/data/counterparts.tsv).
WHOLE_FLOORS = {
    ("rich", "formal"): 0.95,
    ("rich", "colloquial"): 0.96,
    ("rich", "jargon"): 0.92,
    ("bare", "formal"): 0.95,
    ("bare", "colloquial"): 0.97,
    ("bare", "jargon"): 0.91,
}


@pytest.fixture(scope="module")
def whole():
    import csv

    with open(DATA.parent.parent / "matching" / "data" / "catalogue-2021.csv", encoding="utf-8") as handle:
        names = [r["name"] for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    described = load_majors(*MAJOR_FILES)
    catalogues = {kind: candidate_set(described, names, bare=kind == "bare") for kind in ("rich", "bare")}
    trade = load_extra_relevance(DATA / "counterparts.tsv")
    ads = load_split(DATA / "postings_ads.tsv")
    held_out = ads[len(ads) // 2 :]
    return {
        split: (
            score_split(postings, catalogues, matcher_rankings, EXTRA, trade),
            score_split(postings, catalogues, baseline_rankings, EXTRA, trade),
        )
        for split, postings in (("test", load_split(DATA / "postings_test.tsv")), ("adsB", held_out))
    }


def test_the_ads_split_is_ours_big_enough_and_has_roles_no_major_trains_for() -> None:
    text = (DATA / "postings_ads.tsv").read_text(encoding="utf-8")
    assert "WRITTEN BY US" in text.split("\n", 1)[0]
    ads = load_split(DATA / "postings_ads.tsv")
    assert len(ads) >= 100 and sum(not p.relevant for p in ads) >= 15
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all(line.endswith("written by us, modelled on the structure of public ads") for line in lines)
    duties = ("岗位职责", "职位描述", "工作内容")
    assert all(any(heading in p.description for heading in duties) for p in ads)


@pytest.mark.parametrize("key", list(WHOLE_FLOORS))
def test_with_the_whole_catalogue_offered_the_test_split_holds(whole, key) -> None:
    ours, plain = whole["test"]
    assert ours.mrr[key] >= WHOLE_FLOORS[key] and ours.mrr[key] > plain.mrr[key]
    assert ours.no_fit_empty[key[0]][0] == ours.no_fit_empty[key[0]][1]


@pytest.mark.parametrize("kind", ["rich", "bare"])
def test_held_out_ads_are_read_from_their_duties(whole, kind) -> None:
    ours, plain = whole["adsB"]
    assert ours.mrr[(kind, "ad")] >= 0.95 and ours.mrr[(kind, "ad")] > plain.mrr[(kind, "ad")] + 0.2
    got_nothing, no_fit = ours.no_fit_empty[kind]
    assert no_fit >= 8 and got_nothing == no_fit  # office, sales-agent, cleaning, driving … ads
