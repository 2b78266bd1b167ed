"""bin/start says what it does while it installs (issue 13, item 13)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
# Stands in for .venv/bin/python: pip prints what real pip prints, without the network.
case "$*" in
  *"-r requirements-dev.txt"*)
    echo "Collecting Flask==3.1.0 (from -r requirements.txt (line 1))"
    echo "  Downloading flask-3.1.0-py3-none-any.whl"
    echo "Collecting rq==2.12.0"
    echo "Successfully installed Flask-3.1.0 rq-2.12.0" ;;
esac
exit 0
"""


def test_install_reports_progress(tmp_path):
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "_env", tmp_path / "bin" / "_env")
    (tmp_path / "requirements.txt").write_text("Flask==3.1.0\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\nrq==2.12.0\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    first = subprocess.run(
        ["bash", "-c", f"source {tmp_path}/bin/_env"], capture_output=True, text=True, check=True
    )
    assert "installing the pinned requirements" in first.stderr
    assert "  · Flask==3.1.0" in first.stderr and "  · rq==2.12.0" in first.stderr
    assert "requirements installed in" in first.stderr
    assert "Downloading" not in first.stderr and first.stdout == ""
    # Nothing changed: nothing to install, nothing said.
    again = subprocess.run(
        ["bash", "-c", f"source {tmp_path}/bin/_env"], capture_output=True, text=True, check=True
    )
    assert again.stderr == ""
