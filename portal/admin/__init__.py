"""Administrators' area: `bp`."""

from portal.admin.views import bp

__all__ = ["bp"]
