"""/api/v1/openapi.json (the spec) and /api/docs (Swagger UI on it, from static/, no CDN)."""

from __future__ import annotations

from flask import jsonify, render_template

from portal.api.blueprints import docs_bp
from portal.api.spec import openapi
from portal.api.web import add_cors


@docs_bp.get("/v1/openapi.json")
def openapi_json():
    response = jsonify(openapi())
    response.headers["Cache-Control"] = "no-cache"
    return add_cors(response)


@docs_bp.get("/docs")
def docs():
    return render_template("api/docs.html")
