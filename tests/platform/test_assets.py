"""Static files under versioned URLs (portal/platform/assets.py): a page's style sheet and script are
asked for once and kept, and a changed file gets a new URL."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def _version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_pages_link_the_files_at_their_version_and_those_are_kept_a_year(app, client):
    page = client.get("/").get_data(as_text=True)
    css = f"/static/css/app.css?v={_version('css/app.css')}"
    js = f"/static/js/app.js?v={_version('js/app.js')}"
    assert css in page and js in page
    for url in (css, js):
        with client.get(url) as response:  # `with`: the file it streams is closed
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_without_the_current_version_a_file_is_revalidated(app, client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        with client.get(url) as response:
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/missing.css?v=0123456789ab").status_code == 404


def test_a_changed_file_gets_a_new_url_in_debug(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "a.css").write_text("body {}")
    app.debug = True
    try:
        with app.test_request_context():
            from flask import url_for

            first = url_for("static", filename="a.css")
            (tmp_path / "a.css").write_text("body { color: red }")
            second = url_for("static", filename="a.css")
    finally:
        app.debug = False
    assert re.fullmatch(r"/static/a\.css\?v=[0-9a-f]{12}", first) and first != second
