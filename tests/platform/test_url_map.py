"""The site's URL map is a contract: every rule, its methods and its endpoint (issue 25).

Moving code between folders must not change a URL or an endpoint name (`url_for` in templates
and code depends on both). `url_map.txt` beside this file records the map; a deliberate change
updates it with `python -m tests.platform.test_url_map > tests/platform/url_map.txt`.
"""

from __future__ import annotations

from pathlib import Path

RECORD = Path(__file__).with_name("url_map.txt")


def url_map_lines(app) -> list[str]:
    lines = []
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        lines.append(f"{rule.rule} {methods} {rule.endpoint}")
    return sorted(lines)


def test_url_map_is_unchanged(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'urls.db'}")
    recorded = RECORD.read_text(encoding="utf-8").splitlines()
    current = url_map_lines(app)
    missing = sorted(set(recorded) - set(current))
    added = sorted(set(current) - set(recorded))
    assert not missing and not added, f"routes gone: {missing}\nroutes new: {added}"
    assert len(current) == len(recorded)


if __name__ == "__main__":  # pragma: no cover - regenerates the record
    import tempfile

    from tests.conftest import make_app

    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(url_map_lines(make_app(f"sqlite:///{folder}/urls.db"))))
