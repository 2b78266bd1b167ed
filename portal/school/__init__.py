"""School staff area: `bp`, with the routes of its modules and the shared features nested in it."""

from portal.school import alignment, double_qualified, exchanges, pilots, records, sheets  # noqa: F401  (they add routes to bp)
from portal.school.views import bp

__all__ = ["bp"]
