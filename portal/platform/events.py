"""Domain events: what happened, for whoever listens (the open API's webhooks), and the hooks
by which one domain follows another's changes without importing it.

A service calls `emit` once per event, after its flush, in the same transaction as the change
itself; listeners write what they need (e.g. webhook deliveries) in that transaction too, so an
event is recorded exactly when its change commits and never when it rolls back. Services never
know who listens: `portal.api.webhooks` subscribes when the app starts.

    emit("proposal.created", organisations=(school_id, enterprise_id), data={...})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State


class Event(State):
    """The events a listener may receive, and how a webhook's form and page name them."""

    PROPOSAL_CREATED = "proposal.created", _l("A proposal was made")
    COOPERATION_AGREED = "cooperation.agreed", _l("A cooperation was agreed")
    APPLICATION_RECEIVED = "application.received", _l("An application was received")
    PLACEMENT_APPROVED = "placement.approved", _l("An internship placement was approved")
    JOB_FINISHED = "job.finished", _l("A background job finished")


PROPOSAL_CREATED = Event.PROPOSAL_CREATED.value
COOPERATION_AGREED = Event.COOPERATION_AGREED.value
APPLICATION_RECEIVED = Event.APPLICATION_RECEIVED.value
PLACEMENT_APPROVED = Event.PLACEMENT_APPROVED.value
JOB_FINISHED = Event.JOB_FINISHED.value
EVENTS = tuple(event.value for event in Event)

Listener = Callable[[str, tuple[int, ...], dict[str, Any]], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def emit(event: str, *, organisations: Iterable[int | None], data: dict[str, Any]) -> None:
    """Tell every listener that `event` happened to `organisations` (their ids; None skipped)."""
    assert event in EVENTS, event
    owners = tuple(sorted({org for org in organisations if org is not None}))
    for listener in _listeners:
        listener(event, owners, data)


# --- hooks between domains --------------------------------------------------------------------
# A lower domain announces a change; a higher one registers what must follow (the app factory
# wires them in `portal.register_hooks`), so imports keep going one way. Same transaction as
# the change: a handler flushes, never commits.

POSTING_CHANGED = "posting.changed"  # (posting,): published, edited while published, or closed
HOOKS = (POSTING_CHANGED,)

_hooks: dict[str, list[Callable[..., Any]]] = {}


def on(hook: str, handler: Callable[..., Any]) -> None:
    assert hook in HOOKS, hook
    handlers = _hooks.setdefault(hook, [])
    if handler not in handlers:
        handlers.append(handler)


def announce(hook: str, *args: Any) -> None:
    assert hook in HOOKS, hook
    for handler in _hooks.get(hook, ()):
        handler(*args)
