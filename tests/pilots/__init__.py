"""Tests of portal/pilots/."""
