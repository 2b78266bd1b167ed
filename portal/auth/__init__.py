"""Accounts: sign-in, registration, notifications and job pages: `bp`, with the routes of its modules."""

from portal.accounts.views import bp
from portal.notifications import views as notifications  # noqa: F401  (adds routes to bp)
from portal.platform import job_views as jobs  # noqa: F401  (adds routes to bp)

__all__ = ["bp"]
