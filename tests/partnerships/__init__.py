"""Tests of portal/partnerships/."""
