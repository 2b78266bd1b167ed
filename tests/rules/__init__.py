"""Tests of portal/rules/."""
