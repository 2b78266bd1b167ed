"""Students' area: `bp`."""

from portal.student.views import bp

__all__ = ["bp"]
