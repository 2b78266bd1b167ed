"""Tests of portal/apprenticeships/."""
