"""Tests of portal/organisations/."""
