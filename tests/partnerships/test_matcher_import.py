"""The portal imports the matcher on first use (portal/partnerships/matching.py, `_OnFirstUse`): an
app start does not load it, and a script or shell that imports the library's modules itself after the
portal is loaded gets the same classes the portal ranks with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from portal.partnerships import matching as adapter
assert "matching.ranking" not in sys.modules, "the portal loaded the matcher before using it"
import matching.ranking
assert adapter.matching.Program is matching.ranking.Program
assert adapter.matching.ranking is sys.modules["matching.ranking"]
model = matching.ranking.fit_text_model([adapter.matching.Program(id="1", name="焊接技术应用")])
print("ok", type(model).__name__)
"""


def test_a_script_importing_the_library_after_the_portal_ranks_with_the_same_classes():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")
