"""Tests of portal/internships/."""
