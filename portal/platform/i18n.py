"""Translated strings that stay text.

Flask-Babel's `LazyString.__html__` returns the translated string as it is, so Jinja
treats it as markup and does not escape it. Our messages interpolate names typed by
users (a school's name, a student's name): sent as markup, a name such as
`<meta http-equiv=refresh …>` would be injected into the page. Every lazy message here
is plain text: `__html__` escapes it like any other string (SECURITY.md, stored XSS).
"""

from __future__ import annotations

from flask import Flask, g, has_app_context
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from markupsafe import escape


def catalogue():
    """The translations of the language being rendered, found once per request and language:
    Flask-Babel finds them anew for every message, a few hundred times a page (issue 31, the
    base cost of a page). Keyed by the locale object itself, so `force_locale` (which sets another
    for a while) and `flask_babel.refresh` each get their own."""
    if not has_app_context():
        return get_translations()  # nothing to translate with: Babel's null translations
    locale = get_locale()
    kept = g.get("_catalogue")
    if kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    g._catalogue = (locale, found)
    return found


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext (default domain), through `catalogue`."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def install(app: Flask) -> None:
    """Templates' `_`, `gettext`, `ngettext`… through `catalogue` (after `babel.init_app`)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )


class TextLazyString(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> TextLazyString:
    return TextLazyString(gettext, string, **variables)


def current_locale() -> str:
    """The language of what is being rendered now ("zh" outside a request); work done later for a
    page (an import job's report) is given it."""
    return str(get_locale() or "zh")
