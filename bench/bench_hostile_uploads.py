"""Each hostile spreadsheet is refused or parsed within 1 s and 100 MB of extra memory (issue 9).

Run: python bench/bench_hostile_uploads.py [--repeat 5]
Every file is read by `spreadsheets.read_table` (what an import does first) in a fresh child
process, so that its peak RSS is its own; the legitimate 5,000-row workbook, the largest the
site accepts, runs beside them as the baseline. Prints the median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS, TARGET_MB = 1.0, 100


def child(name: str) -> None:
    from portal.platform import spreadsheets
    from portal.platform.errors import ServiceError
    from tests import hostile_files

    if name == "legitimate 5,000 rows":
        data, fmt = hostile_files.legitimate(spreadsheets.MAX_ROWS), "xlsx"
    else:
        make, fmt, _expected = hostile_files.HOSTILE[name]
        data = make()
    import openpyxl  # noqa: F401  (imported before the baseline, as in a running worker)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        table = spreadsheets.read_table(data, f"upload.{fmt}")
        outcome = f"parsed, {len(table.rows)} rows"
    except ServiceError as exc:
        outcome = f"refused: {exc.message}"
    seconds = time.perf_counter() - started
    extra_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({"seconds": seconds, "extra_mb": extra_mb, "outcome": outcome, "kb": len(data) / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    from tests import hostile_files

    names = ["legitimate 5,000 rows", *hostile_files.HOSTILE]
    print(
        f"{'file':24} {'size':>9} {'seconds':>8} {'extra MB':>9}  target: ≤{TARGET_SECONDS:g} s, "
        f"≤{TARGET_MB} MB"
    )
    failed = False
    for name in names:
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--child", name], check=True, capture_output=True, text=True
                ).stdout
            )
            for _ in range(args.repeat)
        ]
        seconds = statistics.median(r["seconds"] for r in runs)
        extra = statistics.median(r["extra_mb"] for r in runs)
        ok = name.startswith("legitimate") or (seconds <= TARGET_SECONDS and extra <= TARGET_MB)
        failed |= not ok
        print(
            f"{name:24} {runs[0]['kb']:>7.1f}KB {seconds:>8.3f} {extra:>9.1f}  {'ok' if ok else 'OVER'}  "
            f"{runs[0]['outcome'][:70]}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
