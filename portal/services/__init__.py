"""Use cases: plain arguments in, model objects out.

Services flush but never commit: the view or CLI command that called them owns
the single commit point, and an error rolls everything back.
"""
