"""Static files under URLs that carry their content's version, kept by browsers for a year.

`url_for("static", filename=...)` adds `?v=` and the first 12 hex digits of the file's SHA-256. A
request for a file at its current version is answered `Cache-Control: public, max-age=31536000,
immutable`: a browser then loads the style sheet and script once, not on every page (each page
cost four requests, three of them for files that had not changed; issue 31, the base cost of a
page). A deploy that changes a file changes its URL. A request without `v`, or with an old one,
is answered as before: the file, revalidated on each use.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def init_assets(app: Flask) -> None:
    versions: dict[str, str] = {}

    def version(filename: str) -> str:
        # Read once per file and process; in debug, at every use, so an edited file shows at once.
        if filename not in versions or app.debug:
            path = safe_join(str(app.static_folder), filename)
            try:
                versions[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12] if path else ""
            except OSError:  # no such file: its URL stays as asked, and answers 404
                versions[filename] = ""
        return versions[filename]

    @app.url_defaults
    def _versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and (digest := version(values.get("filename", ""))):
            values["v"] = digest

    served = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        current = version(filename) if filename else ""
        if current and request.args.get("v") == current:
            return YEAR
        return served(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]

    @app.after_request
    def _immutable(response):
        if request.endpoint == "static" and response.cache_control.max_age == YEAR:
            response.cache_control.immutable = True
        return response
