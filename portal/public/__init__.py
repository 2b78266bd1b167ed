"""Public pages: `bp`."""

from portal.public.views import bp

__all__ = ["bp"]
