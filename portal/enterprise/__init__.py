"""Enterprise HR area: `bp`, with the routes of its modules and the shared features nested in it."""

from portal.enterprise import exchanges, pilots, postings, sheets  # noqa: F401  (they add routes to bp)
from portal.enterprise.views import bp

__all__ = ["bp"]
