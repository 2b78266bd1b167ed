"""Membership: an organisation approves the staff who ask to join it (schools also confirm students)."""

from portal.membership.views import bp

__all__ = ["bp"]
