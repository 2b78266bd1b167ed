"""School staff area: `bp` and the shared features nested in it."""

from portal.school.views import bp

__all__ = ["bp"]
