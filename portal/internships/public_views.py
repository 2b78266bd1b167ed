"""Internship postings as the public sees them (`/internships/`): one blueprint in the public area."""

from __future__ import annotations

from flask import Blueprint, request

from portal.internships import services as internships
from portal.platform import web

public_bp = Blueprint("internships", __name__, url_prefix="/internships")


@public_bp.get("/")
def listing():
    return web.listing(
        "internships/listing.html",
        internships.ListingQuery.from_args(request.args),
        internships.open_postings,
        options=internships.listing_options(),
    )
