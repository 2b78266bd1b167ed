"""Tests of portal/programs/."""
