"""Accounts: sign-in, registration, notifications and job pages: `bp`, with the routes of its modules."""

from portal.auth import jobs, notifications  # noqa: F401  (they add routes to bp)
from portal.auth.views import bp

__all__ = ["bp"]
