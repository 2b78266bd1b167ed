"""Template globals, all registered here: vocabulary labels, locale, navigation and its counts,
charts. Functions are called by the templates only when a page needs them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_babel import format_datetime
from flask_login import current_user
from markupsafe import Markup

from portal.audit.services import reason_text, state_label
from portal.internships import services as internships
from portal.named_classes.public_views import class_card
from portal.navigation import navigation
from portal.notifications.views import unread_notifications
from portal.pilots import services as pilots
from portal.platform import charts, links, vocab
from portal.platform.confirm import confirm_message
from portal.platform.i18n import current_locale
from portal.platform.model_base import State
from portal.platform.vocab import term_label
from portal.platform.web import area
from portal.postings.public_views import posting_card
from portal.programs import catalogue
from portal.rules.internships import RULES as internship_rules
from portal.statistics import services as statistics


def _label(vocabulary: dict, code: str | None) -> str:
    return str(vocabulary.get(code, code or "")) if code else ""


def local_time(value: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> Markup:
    """A stored UTC time as the district reads it (Asia/Shanghai, the app's Babel time zone),
    in a <time> element whose datetime attribute keeps the exact instant."""
    if value is None:
        return Markup("—")
    if value.tzinfo is None:  # SQLite hands back naive values; they are stored in UTC
        value = value.replace(tzinfo=UTC)
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), format_datetime(value, pattern))


def status_badge(state: State, /, **attributes: object) -> Markup:
    """A state as people read it: its label in its tone's colour. `data-state` keeps the stored
    value (for scripts and tests); keyword arguments add more data attributes (testid=…)."""
    data = {"state": state.value, **attributes}
    extra = Markup("").join(
        Markup(' data-{}="{}"').format(name.replace("_", "-"), value) for name, value in data.items()
    )
    return Markup('<span class="badge tone-{}"{}>{}</span>').format(state.tone, extra, state.label)


def init_templating(app: Flask) -> None:

    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(term_label, "term_label")
    for name, value in {
        "audit_reason": reason_text,
        "audit_state": state_label,
        "status_badge": status_badge,
        "confirm_message": confirm_message,
        "navigation": navigation,
        "posting_card": posting_card,
        "class_card": class_card,
        "unread_notifications": unread_notifications,
        "inbox_url": lambda key: links.inbox_url(area(), key),
        # The administrators' home shows what waits for a decision.
        "pilot_waiting_counts": pilots.waiting_counts,
        "charts": charts,
        "format_value": statistics.format_value,
        # Whether a page offers the current user the way to apply to an internship posting.
        "offers_to_apply": lambda posting: internships.offers_to_apply(current_user, posting),
        # The 2021 internship rules, listed wherever an internship is offered.
        "internship_rules": internship_rules,
        # A 专业大类 or 专业类 by name: the catalogue's Chinese, or the platform's English rendering
        # (globals, so that macros imported without the context have them too).
        "catalogue_group": lambda name: catalogue.group_label(name, current_locale()),
        "catalogue_level": lambda level: catalogue.level_label(level, current_locale()),
    }.items():
        app.add_template_global(value, name)

    @app.context_processor
    def globals_():
        locale = current_locale()
        return {
            "locale": locale,
            "industry_label": lambda code: _label(vocab.INDUSTRIES, code),
            "school_kind_label": lambda code: _label(vocab.SCHOOL_KINDS, code),
            "size_label": lambda code: _label(vocab.ENTERPRISE_SIZES, code),
            "town_label": lambda code: vocab.town_label(code, locale),
        }
