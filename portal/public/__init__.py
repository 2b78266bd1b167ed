"""Public pages: `bp`, with the routes of its modules."""

from portal.named_classes import public_views as named_classes  # noqa: F401  (adds routes to bp)
from portal.pilots import public_views as pilots  # noqa: F401  (adds routes to bp)
from portal.postings import public_views as postings  # noqa: F401  (adds routes to bp)
from portal.programs import public_views as directory  # noqa: F401  (adds routes to bp)
from portal.public.views import bp
from portal.statistics import public_views as stats  # noqa: F401  (adds routes to bp)

__all__ = ["bp"]
