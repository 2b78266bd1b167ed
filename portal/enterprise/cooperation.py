"""Enterprise HR: the majors proposed for their postings, and their cooperations."""
from __future__ import annotations

from portal.enterprise.views import bp
from portal.models.proposals import Side
from portal.partnership_views import add_partnership_routes

add_partnership_routes(bp, Side.ENTERPRISE)
