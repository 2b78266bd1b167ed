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
