"""Administrators' area: `bp`, with the routes of its modules."""

from portal.admin import alignment, audit, dashboard, moderation, pilots, proposals, rules  # noqa: F401  (they add routes to bp)
from portal.admin.views import bp

__all__ = ["bp"]
