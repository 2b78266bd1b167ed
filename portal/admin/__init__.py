"""Administrators' area: `bp`, with the routes of its modules."""

from portal.admin.views import bp
from portal.audit import admin_views as audit  # noqa: F401  (adds routes to bp)
from portal.partnerships import admin_views as proposals  # noqa: F401  (adds routes to bp)
from portal.pilots import admin_views as pilots  # noqa: F401  (adds routes to bp)
from portal.planning import admin_views as alignment  # noqa: F401  (adds routes to bp)
from portal.postings import admin_views as moderation  # noqa: F401  (adds routes to bp)
from portal.rules import admin_views as rules  # noqa: F401  (adds routes to bp)
from portal.statistics import admin_views as dashboard  # noqa: F401  (adds routes to bp)

__all__ = ["bp"]
