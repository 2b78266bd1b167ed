"""Ranking quality on the dev and test splits of tests/data: matcher vs plain character TF-IDF.

Run: python bench/eval_matching.py [--misses dev|test]
Prints MRR (top 5) per writing style, against majors described by their school ("rich") and
against majors listed by catalogue name only ("bare"), for both splits, beside the baseline
and the targets (which apply to the test split), and how many no-fit postings got nothing.
The matcher is tuned on the dev split only; the test split was written before any tuning.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.evaluation import (  # noqa: E402
    STYLES,
    baseline_rankings,
    load_majors,
    load_split,
    matcher_rankings,
    score_split,
)

DATA = ROOT / "tests" / "data"
MAJOR_FILES = (DATA / "majors.json", DATA / "eval_majors_extra.json")
TARGETS = {
    ("rich", "formal"): 0.98,
    ("rich", "colloquial"): 0.95,
    ("rich", "jargon"): 0.93,
    ("bare", "formal"): 0.92,
    ("bare", "colloquial"): 0.90,
    ("bare", "jargon"): 0.88,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--misses", choices=("dev", "test"), help="list the postings whose best proposal is wrong"
    )
    args = parser.parse_args()
    catalogues = {"rich": load_majors(*MAJOR_FILES), "bare": load_majors(*MAJOR_FILES, bare=True)}
    results = {}
    for split in ("dev", "test"):
        postings = load_split(DATA / f"postings_{split}.tsv")
        results[split] = (
            len(postings),
            score_split(postings, catalogues, matcher_rankings),
            score_split(postings, catalogues, baseline_rankings),
        )
    print(
        f"catalogue: {len(catalogues['rich'])} majors; postings: dev {results['dev'][0]}, test "
        f"{results['test'][0]}"
    )
    print(f"{'majors':<7}{'style':<12}{'dev':>7}{'base':>7}{'test':>8}{'base':>7}   target (test)")
    ok = True
    for key, target in TARGETS.items():
        dev, test = results["dev"], results["test"]
        met = test[1].mrr[key] >= target
        ok &= met
        print(
            f"{key[0]:<7}{key[1]:<12}{dev[1].mrr[key]:>7.3f}{dev[2].mrr[key]:>7.3f}"
            f"{test[1].mrr[key]:>8.3f}{test[2].mrr[key]:>7.3f}   >= {target:.2f} {'ok' if met else 'MISSED'}"
        )
    for name in ("rich", "bare"):
        figures = ", ".join(
            f"{split} {results[split][1].no_fit_empty[name][0]}/{results[split][1].no_fit_empty[name][1]}"
            for split in ("dev", "test")
        )
        print(f"no-fit postings with no proposal ({name} majors): {figures}")
        ok &= all(
            results[s][1].no_fit_empty[name][0] == results[s][1].no_fit_empty[name][1] for s in ("test",)
        )
    if args.misses:
        for name in ("rich", "bare"):
            for line in results[args.misses][1].misses[name]:
                print(f"  {name} miss {line}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


assert {k[1] for k in TARGETS} == set(STYLES)

if __name__ == "__main__":
    sys.exit(main())
