"""The API's two blueprints: `/api/v1` (APIFlask, documented by its views) and `/api` (the docs)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Blueprint

bp = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="Public")
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")
