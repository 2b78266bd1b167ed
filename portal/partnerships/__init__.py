"""Partnerships: the majors proposed for each posting, the way to terms, and the cooperations agreed.

One feature both partners use: `bp` is nested in the school and the enterprise areas.
"""
