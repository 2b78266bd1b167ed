"""Tests of portal/statistics/."""
