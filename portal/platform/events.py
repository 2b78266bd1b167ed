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

# The events a listener may receive (also the choices of a webhook's form).
PROPOSAL_CREATED = "proposal.created"
COOPERATION_AGREED = "cooperation.agreed"
APPLICATION_RECEIVED = "application.received"
PLACEMENT_APPROVED = "placement.approved"
JOB_FINISHED = "job.finished"
EVENTS = (PROPOSAL_CREATED, COOPERATION_AGREED, APPLICATION_RECEIVED, PLACEMENT_APPROVED, JOB_FINISHED)

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
