"""Webhooks: an organisation's URL told of its events, signed, retried with back-off.

An event (`portal.platform.events`) becomes one `WebhookDelivery` row per hook that wants it, in
the transaction of the change itself (an outbox), and a `deliver_webhooks` background job is
submitted to send them once that transaction commits. Each attempt is its own short transaction:
a worker killed mid-delivery leaves the row pending, and the next job (or `flask
deliver-webhooks`, run every minute by cron) sends it again: delivery is at least once, and the
`X-Xiaoqi-Delivery` id lets a receiver drop a repeat.

Signature: `X-Xiaoqi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
A receiver recomputes it over the raw body and refuses a timestamp older than a few minutes.

    delivery:  pending → delivered | (after WEBHOOK_MAX_ATTEMPTS failures) failed

URLs are HTTPS; plain HTTP only to the loopback address outside production (development and
tests). In production a URL whose host resolves to a private, loopback or link-local address is
refused when sending (no requests into the platform's own network), and redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.models.api import DeliveryStatus, Webhook, WebhookDelivery
from portal.platform import checks, events, jobs, retries
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow
from portal.platform.models import Job, JobStatus

log = logging.getLogger(__name__)

JOB_KIND = "deliver_webhooks"
URL_MAX = 500
HOOKS_MAX = 10  # per organisation
BODY_LOG_MAX = 300
_CACHE = "webhooks_by_organisation"
_FINISHED = "webhook_jobs_finished"


# --- registering --------------------------------------------------------------------------------


def _may_register(user: User) -> bool:
    return (
        user.role in (Role.ENTERPRISE_HR.value, Role.SCHOOL_STAFF.value)
        and user.organisation_id is not None
        and user.is_member_active
    )


def check_url(url: str, *, production: bool) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host in ("localhost",) or _is_loopback(host)
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and loopback and not production:
        return url
    raise ServiceError(
        _l("Give an https:// address (http:// only to this machine, outside production)."), field="url"
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hooks_of(user: User) -> list[Webhook]:
    if not _may_register(user):
        return []
    return list(
        db.session.scalars(
            select(Webhook).where(Webhook.organisation_id == user.organisation_id).order_by(Webhook.id.desc())
        )
    )


def register(user: User, *, url: str, events_wanted: list[str]) -> Webhook:
    if not _may_register(user):
        raise ServiceError(_l("Only active members of an enterprise or a school can add webhooks."))
    problems = Problems()
    url = problems.check(checks.text, url, field="url", max_length=URL_MAX, required=True)
    if url:
        problems.check(check_url, url, production=current_app.config["ENV"] == "production")
    wanted = [e for e in events.EVENTS if e in (events_wanted or [])]
    if not wanted or len(wanted) != len(set(events_wanted or [])):
        problems.add(_l("Please choose a valid value."), field="events")
    if len(hooks_of(user)) >= HOOKS_MAX:
        problems.add(_l("At most %(n)d webhooks; delete one first.", n=HOOKS_MAX))
    problems.raise_if_any()
    hook = Webhook(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        url=url,
        events=wanted,
        secret=secrets.token_hex(32),
    )
    db.session.add(hook)
    db.session.flush()
    return hook


def get_own(user: User, hook_id: int) -> Webhook:
    hook = db.session.get(Webhook, hook_id) if checks.is_id(hook_id) else None
    if hook is None or not _may_register(user) or hook.organisation_id != user.organisation_id:
        raise NotFound(_l("Webhook not found."))
    return hook


def remove(user: User, hook_id: int) -> None:
    db.session.delete(get_own(user, hook_id))
    db.session.flush()


def deliveries_of(user: User, limit: int = 50) -> list[WebhookDelivery]:
    if not _may_register(user):
        return []
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .join(Webhook, WebhookDelivery.webhook_id == Webhook.id)
            .where(Webhook.organisation_id == user.organisation_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


# --- recording events (in the transaction of the change) ----------------------------------------


def _hooks_by_organisation(session: Session) -> dict[int, list[tuple[int, list[str]]]]:
    """Active hooks, read once per transaction (a district recompute emits thousands of events)."""
    if _CACHE not in session.info:
        rows = session.execute(
            select(Webhook.id, Webhook.organisation_id, Webhook.events).where(Webhook.active.is_(True))
        ).all()
        found: dict[int, list[tuple[int, list[str]]]] = {}
        for hook_id, org_id, wanted in rows:
            found.setdefault(org_id, []).append((hook_id, list(wanted or [])))
        session.info[_CACHE] = found
    return session.info[_CACHE]


def record(event_name: str, organisations: tuple[int, ...], data: dict[str, Any]) -> None:
    """The events listener: a pending delivery per hook that wants the event, and the job."""
    session = db.session()
    hooks = _hooks_by_organisation(session)
    created = []
    for org_id in organisations:
        for hook_id, wanted in hooks.get(org_id, []):
            if event_name not in wanted:
                continue
            body = json.dumps(
                {
                    "event": event_name,
                    "organisation_id": org_id,
                    "occurred_at": utcnow().isoformat(),
                    "data": data,
                },
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            )
            delivery = WebhookDelivery(webhook_id=hook_id, event=event_name, body=body)
            session.add(delivery)
            created.append(delivery)
    if created and not session.info.get("webhook_job_submitted"):
        session.info["webhook_job_submitted"] = True
        jobs.submit(JOB_KIND)  # flushes the deliveries; starts once the transaction commits


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_CACHE, None)
    session.info.pop("webhook_job_submitted", None)


# A job that ends: done is set on the object (seen before the flush), failed by an UPDATE
# statement (seen when executed). Each is announced after its commit, in a session of its own
# (the job's own transaction must stay as jobs.py wrote it). Jobs that deliver webhooks are not
# themselves announced.


@event.listens_for(Session, "before_flush")
def _jobs_done(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty):
        if isinstance(obj, Job) and obj.kind != JOB_KIND and obj.status == JobStatus.DONE.value:
            if db.inspect(obj).attrs.status.history.has_changes():
                session.info.setdefault(_FINISHED, []).append(obj.id)


@event.listens_for(Session, "do_orm_execute")
def _jobs_failed(state) -> None:
    statement = state.statement
    if not state.is_update or getattr(statement, "table", None) is not Job.__table__:
        return
    values = {getattr(k, "key", k): getattr(v, "value", v) for k, v in (statement._values or {}).items()}
    if values.get("status") != JobStatus.FAILED.value:
        return
    where = statement.whereclause
    for clause in getattr(where, "clauses", [where]):
        left, right = getattr(clause, "left", None), getattr(clause, "right", None)
        if getattr(left, "key", None) == "id" and hasattr(right, "value"):
            state.session.info.setdefault(_FINISHED, []).append(right.value)


@event.listens_for(Session, "after_commit")
def _announce_finished(session: Session) -> None:
    finished = session.info.pop(_FINISHED, [])
    if not finished:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():  # a session of its own: this one has just committed
        try:
            for job in db.session.scalars(select(Job).where(Job.id.in_(finished), Job.kind != JOB_KIND)):
                _announce(job)
            db.session.commit()
        except Exception:  # an announcement must never undo or break the job's own result
            log.exception("job-finished event of jobs %s not recorded", finished)
            db.session.rollback()
        finally:
            db.session.remove()


@event.listens_for(Session, "after_soft_rollback")
def _forget_finished(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_FINISHED, None)


def _announce(job: Job) -> None:
    if job.organisation_id is None:
        return
    events.emit(
        events.JOB_FINISHED,
        organisations=(job.organisation_id,),
        data={"job_id": job.id, "kind": job.kind, "status": job.status},
    )


# --- sending ------------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _refused_address(url: str) -> str | None:
    """In production: why the URL's host may not be called (it is inside our own network)."""
    if current_app.config["ENV"] != "production":
        return None
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        return f"DNS: {exc}"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return f"address {address} is not public"
    return None


def _send(delivery: WebhookDelivery, hook: Webhook) -> tuple[int | None, str | None]:
    refused = _refused_address(hook.url)
    if refused:
        return None, refused
    body = delivery.body.encode("utf-8")
    timestamp = int(time.time())
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Xiaoqi-Webhooks/1",
            "X-Xiaoqi-Event": delivery.event,
            "X-Xiaoqi-Delivery": str(delivery.id),
            "X-Xiaoqi-Signature": sign(hook.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:BODY_LOG_MAX]


def backoff(attempts: int) -> timedelta:
    return retries.backoff(current_app.config["WEBHOOK_RETRY_SECONDS"], attempts)


def attempt(delivery_id: int) -> bool:
    """One attempt at one pending delivery, in a transaction of its own. True when delivered."""
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING.value:
        db.session.commit()
        return False
    # Claim it: push its next attempt out, so a second worker does not send it at the same time.
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + timedelta(seconds=current_app.config["WEBHOOK_TIMEOUT_SECONDS"] * 2))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return False
    hook = db.session.get(Webhook, delivery.webhook_id)
    status, error = _send(delivery, hook) if hook is not None and hook.active else (None, "webhook removed")
    db.session.refresh(delivery)
    delivery.attempts += 1
    delivery.last_status_code = status
    ok = status is not None and 200 <= status < 300
    if ok:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED.value,
            utcnow(),
            None,
        )
    else:
        delivery.last_error = (error or "")[:BODY_LOG_MAX]
        if delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
            delivery.status = DeliveryStatus.FAILED.value
        else:
            delivery.next_attempt_at = utcnow() + backoff(delivery.attempts)
    db.session.commit()
    return ok


def _due(limit: int = 100) -> list[int]:
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING.value,
                WebhookDelivery.next_attempt_at <= utcnow(),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def deliver_due(*, wait: bool = True) -> dict[str, int]:
    """Send every due delivery; with `wait`, stay for retries due within WEBHOOK_MAX_WAIT seconds."""
    return retries.work_off(
        _due,
        attempt,
        lambda: retries.seconds_to_next(
            WebhookDelivery.next_attempt_at, WebhookDelivery.status == DeliveryStatus.PENDING.value
        ),
        done="delivered",
        wait=wait,
        max_wait=current_app.config["WEBHOOK_MAX_WAIT_SECONDS"],
    )


def _deliver_job(job: Job, progress: jobs.Progress) -> dict:
    return deliver_due()


def init() -> None:
    events.subscribe(record)
    # A job kind of its own, registered beside the others (portal.platform.jobs runs it).
    jobs.register_kind(JOB_KIND, _deliver_job, _l("Sending webhooks"))
