"""Tests of portal/accounts/."""
