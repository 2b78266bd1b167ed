"""Tests of portal/notifications/."""
