"""The API's two blueprints: `/api/v1` (APIFlask, documented by its views) and `/api` (the docs)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Blueprint

bp = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="Public")
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


def json_body(schema):
    """The view's JSON body as the spec documents it; the view loads it itself (`inputs.load`),
    so that type problems and the service's problems are answered together."""
    return bp.input(schema, location="json", arg_name="body", validation=False)


def query_args(schema):
    """The view's query parameters as the spec documents them; the view checks them itself."""
    return bp.input(schema, location="query", arg_name="query", validation=False)
