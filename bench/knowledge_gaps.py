"""How much of the 2021 catalogue the matcher's knowledge base covers, by level and 大类.

Run: python bench/knowledge_gaps.py [--write]
Prints, per level and 专业大类, the offered majors (the whole catalogue) and those without a line
in matching/data/majors.tsv (matched on their name only), and the majors.tsv lines that disagree
with the catalogue. --write rewrites tests/data/knowledge_gaps.txt and knowledge_disagreements.txt,
the exact lists tests/matching/test_knowledge.py holds the knowledge base to (they may only shrink:
review the diff before committing it).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.matching import test_knowledge as check  # noqa: E402

GAPS_HEAD = (
    '# Majors of the 2021 catalogue that matching/data/majors.tsv has no line for: "code name" a line.\n'
    "# This list may only shrink (tests/matching/test_knowledge.py);\n"
    "# such a major is matched on its name only.\n"
)
DISAGREEMENTS_HEAD = (
    "# matching/data/majors.tsv lines that disagree with seed/data/major_catalogue.csv\n"
    "# (the 2021 catalogue).\n"
    "# This list may only shrink (tests/matching/test_knowledge.py).\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the two allowlists from the data")
    args = parser.parse_args()
    rows = check.catalogue()
    gaps = check.gaps()
    offered = Counter((r["level"], r["category"]) for r in rows)
    missing = Counter((r["level"], r["category"]) for r in rows if f"{r['code']} {r['name']}" in gaps)
    print(f"{'level':4} {'专业大类':14} {'offered':>7} {'no line':>7}")
    for key in sorted(offered):
        print(f"{key[0]:4} {key[1]:14} {offered[key]:7} {missing[key]:7}")
    print(
        f"all: {len(rows)} offered, {len(gaps)} matched on the name only, "
        f"{len(check.disagreements())} majors.tsv lines at odds with the catalogue"
    )
    if args.write:
        order = {f"{r['code']} {r['name']}": n for n, r in enumerate(rows)}
        check.GAPS.write_text(GAPS_HEAD + "".join(f"{g}\n" for g in sorted(gaps, key=order.get)), "utf-8")
        check.DISAGREEMENTS.write_text(
            DISAGREEMENTS_HEAD + "".join(f"{d}\n" for d in sorted(check.disagreements())), "utf-8"
        )
        print(f"wrote {check.GAPS.relative_to(ROOT)} and {check.DISAGREEMENTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
