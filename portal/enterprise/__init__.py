"""Enterprise HR area: `bp` and the shared features nested in it."""

from portal.enterprise.views import bp

__all__ = ["bp"]
