"""The matcher is a pure library: importing it must not load the web stack."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_matching_loads_no_flask_sqlalchemy_or_portal() -> None:
    # A subprocess, because this test session has Flask loaded by the shared conftest.
    code = (
        "import matching, matching.cli, sys; "
        "loaded = [m for m in ('flask', 'sqlalchemy', 'portal') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, check=True)


def test_scipy_and_scikit_learn_load_only_when_ranking_runs() -> None:
    # `python -m matching allocate` and a web process that never ranks skip their import time.
    code = (
        "import sys, matching, matching.cli; "
        "from matching import Demand, Program, Student, Place, allocate, rank; "
        "heavy = lambda: [m for m in ('scipy', 'sklearn') if m in sys.modules]; "
        "allocate([Student('s', ('p',))], [Place('p', 1)]); "
        "assert not heavy(), heavy(); "
        "rank([Demand('d', '焊工')], [Program('p', '焊接技术应用')]); "
        "assert heavy() == ['scipy', 'sklearn'], heavy()"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, check=True)
