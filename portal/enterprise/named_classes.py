"""Enterprise HR: the named classes of the enterprise's cooperations; review or admit when the partnership allows."""
from __future__ import annotations

from portal.enterprise.views import bp
from portal.named_class_views import add_named_class_routes, add_review_route

add_named_class_routes(bp)
add_review_route(bp)
