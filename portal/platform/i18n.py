"""Translated strings that stay text.

Flask-Babel's `LazyString.__html__` returns the translated string as it is, so Jinja
treats it as markup and does not escape it. Our messages interpolate names typed by
users (a school's name, a student's name): sent as markup, a name such as
`<meta http-equiv=refresh …>` would be injected into the page. Every lazy message here
is plain text: `__html__` escapes it like any other string (SECURITY.md, stored XSS).
"""

from __future__ import annotations

from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class TextLazyString(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> TextLazyString:
    return TextLazyString(gettext, string, **variables)


def current_locale() -> str:
    """The language of what is being rendered now ("zh" outside a request); work done later for a
    page (an import job's report) is given it."""
    return str(get_locale() or "zh")
