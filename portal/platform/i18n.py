"""Translated strings that stay text.

Flask-Babel's `LazyString.__html__` returns the translated string as it is, so Jinja
treats it as markup and does not escape it. Our messages interpolate names typed by
users (a school's name, a student's name): sent as markup, a name such as
`<meta http-equiv=refresh …>` would be injected into the page. Every lazy message here
is plain text: `__html__` escapes it like any other string (SECURITY.md, stored XSS).
"""

from __future__ import annotations

from flask import Flask
from flask.globals import _cv_app  # the app context, without the `g` proxy (see `catalogue`)
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup, escape


def catalogue():
    """The translations of the language being rendered, found once per request and language:
    Flask-Babel finds them anew for every message, a few hundred times a page (issue 31, the
    base cost of a page). Keyed by the locale object itself, so `force_locale` (which sets another
    for a while) and `flask_babel.refresh` each get their own.

    The kept pair is checked against the locale Flask-Babel holds for this context (its
    `g._flask_babel`), read from the context's `g` directly: through `get_locale` and the `g`
    proxy, finding the catalogue cost more than the message itself."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return get_translations()  # nothing to translate with: Babel's null translations
    values = app_context.g.__dict__
    kept = values.get("_catalogue")
    if kept is not None and kept[0] is getattr(values.get("_flask_babel"), "babel_locale", None):
        return kept[1]
    locale = get_locale()
    found = get_translations()
    values["_catalogue"] = (locale, found)
    return found


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext (default domain), through `catalogue`."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


# Templates' `_`, `gettext` and `ngettext`, as Jinja's "new style" callables do it (the message
# escaped, then always formatted, so "%%" reads "%"), without their two calls through the
# template context for each message: a page says some hundred messages (issue 31). A message
# without "%" and without variables is the same formatted or not, and most are.
@pass_context
def _template_gettext(context, string: str, /, **variables) -> str:
    text = catalogue().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


@pass_context
def _template_ngettext(context, singular: str, plural: str, number: int, /, **variables) -> str:
    variables.setdefault("num", number)
    text = catalogue().ungettext(singular, plural, number)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def install(app: Flask) -> None:
    """Templates' `_`, `gettext`, `ngettext`… through `catalogue` (after `babel.init_app`)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)


class TextLazyString(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> TextLazyString:
    return TextLazyString(gettext, string, **variables)


def current_locale() -> str:
    """The language of what is being rendered now ("zh" outside a request); work done later for a
    page (an import job's report) is given it."""
    return str(get_locale() or "zh")
