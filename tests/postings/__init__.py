"""Tests of portal/postings/."""
