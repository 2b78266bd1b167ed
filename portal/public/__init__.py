"""Public pages: `bp`, with the routes of its modules."""

from portal.public import directory, named_classes, pilots, postings, stats  # noqa: F401  (they add routes to bp)
from portal.public.views import bp

__all__ = ["bp"]
