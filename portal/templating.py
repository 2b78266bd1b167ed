"""Template globals: vocabulary labels, locale, navigation counts."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from portal import vocab


def _label(vocabulary: dict, code: str | None) -> str:
    return str(vocabulary.get(code, code or "")) if code else ""


def init_templating(app: Flask) -> None:
    @app.context_processor
    def globals_():
        locale = str(get_locale() or "zh")
        return {
            "locale": locale,
            "industry_label": lambda code: _label(vocab.INDUSTRIES, code),
            "school_kind_label": lambda code: _label(vocab.SCHOOL_KINDS, code),
            "size_label": lambda code: _label(vocab.ENTERPRISE_SIZES, code),
            "town_label": lambda code: vocab.town_label(code, locale),
        }
