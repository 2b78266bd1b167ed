"""Tests of portal/planning/."""
