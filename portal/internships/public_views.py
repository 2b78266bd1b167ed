"""Internship postings as the public sees them (`/internships/`): one blueprint in the public area."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.internships import services as internships

public_bp = Blueprint("internships", __name__, url_prefix="/internships")


@public_bp.get("/")
def listing():
    query = internships.ListingQuery.from_args(request.args)
    return render_template(
        "internships/listing.html",
        query=query,
        results=internships.open_postings(query),
        options=internships.listing_options(),
    )
