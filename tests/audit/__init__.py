"""Tests of portal/audit/."""
