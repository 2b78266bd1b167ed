"""Enterprise HR area: `bp`, with the routes of its modules and the shared features nested in it."""

from portal.enterprise.views import bp
from portal.exchanges import enterprise_views as exchanges  # noqa: F401  (adds routes to bp)
from portal.pilots import enterprise_views as pilots  # noqa: F401  (adds routes to bp)
from portal.postings import enterprise_views as postings  # noqa: F401  (adds routes to bp)
from portal.postings import sheet_views as sheets  # noqa: F401  (adds routes to bp)

__all__ = ["bp"]
