"""A browser asks for the style sheet and the script once, however many pages it opens
(portal/platform/assets.py: versioned URLs, kept a year)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# What each static file of the page cost on the wire: 0 bytes when the browser used its own copy
# without asking the server (a revalidation answered 304 still costs its headers).
TRANSFERRED = """() => Object.fromEntries(performance.getEntriesByType("resource")
    .filter(entry => entry.name.includes("/static/"))
    .map(entry => [new URL(entry.name).pathname, entry.transferSize]))"""


def test_the_style_sheet_and_script_are_loaded_once(page):
    page.goto("/")
    first = page.evaluate(TRANSFERRED)
    assert first["/static/css/app.css"] > 0 and first["/static/js/app.js"] > 0, first
    for path in ("/postings", "/catalogue"):
        page.goto(path)
        again = page.evaluate(TRANSFERRED)
        assert again["/static/css/app.css"] == 0 and again["/static/js/app.js"] == 0, (path, again)
    # Styled from the kept copy: the site's rules apply (the skip link is moved off-screen).
    assert page.evaluate("getComputedStyle(document.querySelector('.skip')).position") == "absolute"
