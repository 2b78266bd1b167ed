"""Tests of portal/named_classes/."""
