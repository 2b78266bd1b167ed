"""Students' area: `bp`, with the routes of its modules."""

from portal.student import applications  # noqa: F401  (it adds routes to bp)
from portal.student.views import bp

__all__ = ["bp"]
