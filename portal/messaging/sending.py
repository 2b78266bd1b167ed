"""The outbox: every outgoing message is a row written with the change it reports, sent by a
`send_messages` background job (portal/services/jobs.py) once that change commits.

One attempt at one message (`attempt`):
1. claim it with a conditional update: pending and due, or sending with a lapsed lease, becomes
   sending with a lease of MESSAGE_LEASE_SECONDS and one more attempt; committed at once, so
   no second worker takes it while the lease runs;
2. if it is no longer needed (a reminder about an offer already answered, a code already
   expired) it is cancelled; else the provider is called (outside any transaction);
3. the outcome is recorded only if the claim is still ours (same attempt number, still
   sending): sent, or pending again after a back-off (base × 4ⁿ, at most an hour), or failed
   after MESSAGE_MAX_ATTEMPTS or an answer that retrying cannot cure.

A worker killed at any point leaves the row pending or sending; after the lease another worker
sends it: nothing is lost. What "not doubled" means: no two workers ever send a message at once,
and a message recorded as sent is never sent again. A worker that dies after the provider took
the message and before step 3 committed (a few milliseconds) leaves a message that will be sent
a second time: SMS and robot APIs take no idempotency key, so that window can only be narrowed
and made traceable (the key goes out as Aliyun OutId / Tencent SessionContext / Message-ID),
not closed. A failing provider never fails the step that queued the message.

No log line carries a recipient, a name or a message text: they name the message's id.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.extensions import db
from portal.messaging import providers
from portal.messaging.models import MessageStatus, OutgoingMessage, SmsCode
from portal.platform import jobs, retries
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow
from portal.platform.models import Job, JobStatus

log = logging.getLogger(__name__)

JOB_KIND = "send_messages"
_SUBMITTED = "messaging_job_submitted"
CODE_TEMPLATES = ("login_code", "reset_code", "verify_code")
BLANK_CODE = {"code": "******"}

# template -> whether a message about `about` is still worth sending (registered below and by
# portal.messaging.services).
STILL_NEEDED: dict[str, Callable[[OutgoingMessage], bool]] = {}


def _key() -> str:
    return secrets.token_hex(16)


def _queue(message: OutgoingMessage) -> OutgoingMessage:
    session = db.session()
    session.add(message)
    session.flush()
    if not session.info.get(_SUBMITTED):
        session.info[_SUBMITTED] = True
        _submit_job()
    return message


def _submit_job() -> None:
    """A job to send the outbox, unless one is already waiting (it will send this one too)."""
    waiting = db.session.scalar(
        select(Job.id).where(Job.kind == JOB_KIND, Job.status == JobStatus.QUEUED.value).limit(1)
    )
    if waiting is not None:
        return
    try:
        jobs.submit(JOB_KIND)
    except jobs.QueueFull:  # cannot happen with the check above; never fails the step
        log.warning("messages: no new job (queue full); the waiting one will send them")


def queue_sms(
    phone: str,
    template: str,
    params: dict,
    *,
    user: User | None = None,
    notification_id: int | None = None,
    about: str | None = None,
    dedupe_key: str | None = None,
) -> OutgoingMessage:
    return _queue(
        OutgoingMessage(
            channel="sms",
            user_id=user.id if user else None,
            notification_id=notification_id,
            recipient=phone,
            template=template,
            params={k: str(v) for k, v in params.items()},
            about=about,
            dedupe_key=dedupe_key,
            idempotency_key=_key(),
        )
    )


def queue_email(
    address: str,
    subject: str,
    body: str,
    *,
    user: User | None = None,
    notification_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutgoingMessage:
    return _queue(
        OutgoingMessage(
            channel="email",
            user_id=user.id if user else None,
            notification_id=notification_id,
            recipient=address,
            template="email",
            params={"subject": subject, "body": body},
            dedupe_key=dedupe_key,
            idempotency_key=_key(),
        )
    )


def queue_wecom(url: str, text: str, *, organisation_id: int) -> OutgoingMessage:
    return _queue(
        OutgoingMessage(
            channel="wecom",
            organisation_id=organisation_id,
            recipient=url,
            template="wecom",
            params={"text": text},
            idempotency_key=_key(),
        )
    )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_SUBMITTED, None)


# --- sending ------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    return retries.backoff(current_app.config["MESSAGE_RETRY_SECONDS"], attempts)


def _claimable(now: datetime):
    return or_(
        (OutgoingMessage.status == MessageStatus.PENDING.value) & (OutgoingMessage.next_attempt_at <= now),
        (OutgoingMessage.status == MessageStatus.SENDING.value) & (OutgoingMessage.lease_until < now),
    )


def claim(message_id: int) -> int | None:
    """Take the message for one attempt (committed); the attempt number, or None if not ours."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["MESSAGE_LEASE_SECONDS"])
    taken = db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id == message_id, _claimable(now))
        .values(
            status=MessageStatus.SENDING.value,
            lease_until=now + lease,
            attempts=OutgoingMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if taken != 1:
        return None
    return db.session.scalar(select(OutgoingMessage.attempts).where(OutgoingMessage.id == message_id))


def _finish(message_id: int, attempt_no: int, **values) -> bool:
    """Record an outcome if the claim is still ours (committed)."""
    done = db.session.execute(
        update(OutgoingMessage)
        .where(
            OutgoingMessage.id == message_id,
            OutgoingMessage.status == MessageStatus.SENDING.value,
            OutgoingMessage.attempts == attempt_no,
        )
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return done == 1


def attempt(message_id: int) -> bool:
    """One attempt at one message (see the module doc). True when the provider took it."""
    attempt_no = claim(message_id)
    if attempt_no is None:
        return False
    message = db.session.get(OutgoingMessage, message_id)
    db.session.refresh(message)
    blank = {"params": BLANK_CODE} if message.template in CODE_TEMPLATES else {}
    needed = STILL_NEEDED.get(message.template)
    if needed is not None and not needed(message):
        _finish(message_id, attempt_no, status=MessageStatus.CANCELLED.value, **blank)
        log.info("message %s cancelled (no longer needed)", message_id)
        return False
    provider = providers.for_channel(message.channel)
    db.session.commit()  # no transaction stays open while the provider answers
    if provider is None:
        outcome = providers.Outcome(False, error=f"no provider for {message.channel}", retry=False)
    else:
        try:
            outcome = provider.send(message)
        except Exception as exc:  # a provider's bug must not stop the other messages
            log.exception("message %s: provider %s raised", message_id, getattr(provider, "name", "?"))
            outcome = providers.Outcome(False, error=f"{type(exc).__name__}"[:300])
    name = getattr(provider, "name", None)
    if outcome.ok:
        _finish(
            message_id,
            attempt_no,
            status=MessageStatus.SENT.value,
            sent_at=utcnow(),
            provider=name,
            provider_id=(outcome.provider_id or "")[:80] or None,
            last_error=None,
            **blank,
        )
        log.info("message %s sent (%s, attempt %s)", message_id, name, attempt_no)
        return True
    final = not outcome.retry or attempt_no >= current_app.config["MESSAGE_MAX_ATTEMPTS"]
    if final:
        _finish(
            message_id,
            attempt_no,
            status=MessageStatus.FAILED.value,
            provider=name,
            last_error=(outcome.error or "")[:300],
            **blank,
        )
    else:
        _finish(
            message_id,
            attempt_no,
            status=MessageStatus.PENDING.value,
            provider=name,
            last_error=(outcome.error or "")[:300],
            next_attempt_at=utcnow() + backoff(attempt_no),
        )
    log.warning(
        "message %s: attempt %s failed (%s)%s",
        message_id,
        attempt_no,
        outcome.error,
        " – given up" if final else "",
    )
    return False


def _due(limit: int = 100) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(OutgoingMessage.id)
            .where(_claimable(now))
            .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.id)
            .limit(limit)
        )
    )


def _due_now() -> list[int]:
    due = _due()
    db.session.commit()
    return due


def send_due(*, wait: bool = True) -> dict[str, int]:
    """Send every due message; with `wait`, stay for retries due within MESSAGE_MAX_WAIT seconds."""
    return retries.work_off(
        _due_now,
        attempt,
        lambda: retries.seconds_to_next(
            OutgoingMessage.next_attempt_at, OutgoingMessage.status == MessageStatus.PENDING.value
        ),
        done="sent",
        wait=wait,
        max_wait=current_app.config["MESSAGE_MAX_WAIT_SECONDS"],
    )


def _send_job(job: Job, progress: jobs.Progress) -> dict:
    return send_due()


# A job kind of its own, registered beside the others (portal/services/jobs.py runs it).
jobs.register_kind(JOB_KIND, _send_job, _l("Sending messages"))


def _code_still_live(message: OutgoingMessage) -> bool:
    code_id = int((message.about or "sms_code:0").split(":")[1])
    code = db.session.get(SmsCode, code_id)
    return code is not None and code.used_at is None and code.expires_at > utcnow()


for _template in CODE_TEMPLATES:
    STILL_NEEDED[_template] = _code_still_live
