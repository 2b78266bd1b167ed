"""Shared column types and helpers for the typed models."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class State(str, enum.Enum):
    """A stored state that also says how people read it: a label and a tone.

    Members are declared `VALUE = "value", _l("Label"), "tone"`. The value is what the database
    stores and the services compare; the label is what every page, export and message shows
    (one label per state, everywhere); the tone is the badge's colour: good, warn, bad, info or
    neutral (`tone-*` in static/css/app.css).
    """

    label: object
    tone: str

    def __new__(cls, value: str, label: object, tone: str = "neutral") -> State:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.tone = tone
        return member

    @classmethod
    def labels(cls) -> dict[str, object]:
        """{value: label}, for choice lists and spreadsheet columns."""
        return {member.value: member.label for member in cls}


def step_table(**table: tuple[State, ...]) -> dict[str, frozenset[str]]:
    """{step: the states it may start from}, for `Stateful.steps`."""
    return {step: frozenset(state.value for state in starts) for step, starts in table.items()}


class Stateful:
    """A model whose `status` column holds one of `states`: `record.state` is the member,
    with its label and tone (what `status_badge` shows).

    `steps` says from which states each step may start. It is the one rule both sides use:
    the service refuses a step the record `can` not take, and a page shows a step's button
    only when `record.can(step)`, so no template decides who may act from a state's name.
    """

    states: type[State]
    steps: ClassVar[Mapping[str, frozenset[str]]] = {}
    status: str

    @property
    def state(self) -> State:
        return self.states(self.status)

    def can(self, step: str) -> bool:
        return self.status in self.steps[step]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware values.

    SQLite drops tzinfo; PostgreSQL keeps it. Normalising here means the rest
    of the code can compare datetimes without caring which database it runs on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Timestamps:
    """`created_at` and `updated_at` (aware UTC, set by the ORM). A mixin's columns come after
    the model's own in its table, where these two always stood."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def render_migration_item(type_: str, obj, autogen_context):
    """Alembic hook: write UTCDateTime as a plain timezone-aware DateTime.

    Migrations then never import application code, which may change or vanish.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
