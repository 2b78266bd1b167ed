"""Ranking quality on the labelled set in tests/data: matcher vs plain character TF-IDF.

Run: python bench/eval_matching.py
Prints MRR, recall@1, recall@3 and nDCG@5 per kind of posting (formal, colloquial), next to
the targets, and how many demands with no fitting major got no proposals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import Demand, Program  # noqa: E402
from matching.evaluation import baseline_rankings, evaluate, matcher_rankings  # noqa: E402

DATA = ROOT / "tests" / "data"
TARGET_MRR = {"formal": 0.95, "colloquial": 0.93}


def load() -> tuple[list[Demand], list[Program], list[dict]]:
    majors = json.loads((DATA / "majors.json").read_text(encoding="utf-8"))
    postings = json.loads((DATA / "demands.json").read_text(encoding="utf-8"))
    programs = [
        Program(id=m["id"], name=m["name"], description=m["description"], industry=m["group"],
                skills=tuple(m.get("skills", ())), certificates=tuple(m.get("certificates", ())))
        for m in majors
    ]
    demands = [Demand(id=p["id"], title=p["title"], description=p["description"], kind=p["kind"]) for p in postings]
    by_name = {m["name"]: m["id"] for m in majors}
    for p in postings:
        p["relevant_ids"] = {by_name[name] for name in p["relevant"]}
    return demands, programs, postings


def main() -> int:
    demands, programs, postings = load()
    matcher = matcher_rankings(demands, programs)
    baseline = baseline_rankings(demands, programs)
    ok = True
    print(f"catalogue: {len(programs)} majors; postings: {len(postings)}")
    print(f"{'kind':<11}{'n':>4}  {'system':<9}{'MRR':>7}{'R@1':>7}{'R@3':>7}{'nDCG@5':>8}   target MRR")
    for kind, target in TARGET_MRR.items():
        rows = [i for i, p in enumerate(postings) if p["kind"] == kind]
        wanted = [postings[i]["relevant_ids"] for i in rows]
        for name, rankings in (("matcher", matcher), ("baseline", baseline)):
            s = evaluate([rankings[i] for i in rows], wanted)
            note = f">= {target:.2f}" if name == "matcher" else ""
            print(f"{kind:<11}{s.count:>4}  {name:<9}{s.mrr:>7.3f}{s.recall_at_1:>7.3f}{s.recall_at_3:>7.3f}"
                  f"{s.ndcg_at_5:>8.3f}   {note}")
        m = evaluate([matcher[i] for i in rows], wanted)
        b = evaluate([baseline[i] for i in rows], wanted)
        ok &= m.mrr >= target and m.mrr >= b.mrr
    none = [i for i, p in enumerate(postings) if p["kind"] == "none"]
    empty = sum(1 for i in none if not matcher[i])
    print(f"no fitting major: {empty}/{len(none)} got no proposals (target: all)")
    for i in none:
        if matcher[i]:
            print(f"  {postings[i]['id']} {postings[i]['title']}: {matcher[i][:3]}")
    ok &= empty == len(none)
    for i, p in enumerate(postings):
        if p["relevant_ids"] and (not matcher[i] or matcher[i][0] not in p["relevant_ids"]):
            print(f"  miss {p['id']} {p['title']}: top {matcher[i][:3]} want {sorted(p['relevant_ids'])}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
