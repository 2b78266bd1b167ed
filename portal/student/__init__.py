"""Students' area: `bp`, with the routes of its modules."""

from portal.named_classes import student_views as applications  # noqa: F401  (it adds routes to bp)
from portal.student.views import bp

__all__ = ["bp"]
