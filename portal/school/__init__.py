"""School staff area: `bp`, with the routes of its modules and the shared features nested in it."""

from portal.exchanges import school_views as exchanges  # noqa: F401  (adds routes to bp)
from portal.pilots import school_views as pilots  # noqa: F401  (adds routes to bp)
from portal.planning import double_qualified_views as double_qualified  # noqa: F401  (adds routes to bp)
from portal.planning import school_views as alignment  # noqa: F401  (adds routes to bp)
from portal.programs import school_sheet_views as sheets  # noqa: F401  (adds routes to bp)
from portal.programs import school_views as records  # noqa: F401  (adds routes to bp)
from portal.school.views import bp

__all__ = ["bp"]
