"""Tests of portal/exchanges/."""
