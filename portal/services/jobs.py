"""Background jobs: work that can take more than a moment never runs inside a web request.

A request `submit`s a job (a `Job` row in its own transaction) and answers at once; the job
starts after that transaction commits, so it sees what the request saved. Three backends
(`JOBS_BACKEND`, read in portal/config.py):

- "rq": an RQ queue on the Redis the platform already uses; `flask worker` runs the jobs.
- "thread": a daemon thread of the web process; the quick start needs no Redis.
- "inline": in the same thread right after the commit (commands, seed data, and tests of
  everything but the jobs themselves).

A job runs once (queued → running is a conditional update), reports its progress and a
heartbeat in a short transaction of its own, and ends done (with a result) or failed (with
the error). A job whose heartbeat stopped lost its worker: it reads as failed and can be
retried. Each kind writes its data in one transaction (or in steps that are each complete),
so a killed worker leaves nothing half-written.

    state machine:  queued → running → done | failed;  failed → queued (retry)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import Job, JobStatus, Role, User
from portal.models.base import utcnow
from portal.services.errors import NotFound, ServiceError
from portal.services.locking import transition

log = logging.getLogger(__name__)

JOB_TIMEOUT = 3600  # seconds RQ lets one job run
_TO_START = "jobs_to_start"

KIND_LABELS = {
    "rank_programs": _l("Updating the proposals of a major"),
    "rank_school": _l("Recomputing your proposals"),
    "rank_all": _l("Recomputing every proposal of the district"),
    "import_sheet": _l("Importing a spreadsheet"),
    "classify_all": _l("Finding the majors of every posting (supply and demand)"),
}


# What a ranking job's result counts (matching.Tally).
RESULT_LABELS = {
    "postings": _l("Postings ranked"),
    "scored": _l("Proposals scored"),
    "created": _l("New proposals"),
    "reopened": _l("Declined proposals proposed again (their inputs changed)"),
    "kept_declined": _l("Declined proposals left declined"),
    "classified": _l("Postings classified"),
    "removed": _l("Proposals no longer made"),
}


class Progress:
    """Passed to a job's work: `progress(done, total)` after each step."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(99, int(100 * done / total))
        _touch(self.job_id, progress=percent)


def _touch(job_id: int, **values: Any) -> None:
    """Write progress and the heartbeat beside the work's own transaction.

    On SQLite the work may hold the database's write lock until it commits: then this
    waits briefly and skips (the next step reports again); progress is best effort.
    """
    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout=100")
            conn.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow(), **values))
            conn.commit()
    except OperationalError:
        log.info("job %s: progress not recorded (database busy)", job_id)


# --- the kinds of work ------------------------------------------------------------------------


def _rank_programs(job: Job, progress: Progress) -> dict:
    from portal.services import matching

    return matching.recompute_for_programs(job.args["program_ids"], progress=progress).as_dict()


def _rank_school(job: Job, progress: Progress) -> dict:
    from portal.services import matching

    return matching.recompute_for_school(job.args["school_id"], progress=progress).as_dict()


def _rank_all(job: Job, progress: Progress) -> dict:
    from portal.services import matching

    def step(done: int, total: int, _tally) -> None:
        db.session.commit()  # each chunk of postings is complete in itself
        progress(done, total)

    return matching.recompute_all(progress=step).as_dict()


def _import_sheet(job: Job, progress: Progress) -> dict:
    """Every row or none (ImportRefused lists each bad row); the report in the asker's language."""
    from flask_babel import force_locale

    from portal.services import posting_sheets, school_sheets
    from portal.services.spreadsheets import ImportRefused

    user = db.session.get(User, job.created_by_id)
    importer = {
        "postings": lambda: posting_sheets.import_postings(user, job.payload, job.args.get("filename")),
        "majors": lambda: school_sheets.import_programs(
            user.organisation, job.payload, job.args.get("filename")
        ),
        "teachers": lambda: school_sheets.import_teachers(
            user.organisation, job.payload, job.args.get("filename")
        ),
    }[job.args["sheet"]]
    with force_locale(job.args.get("locale") or user.locale or "zh"):
        try:
            return {"imported": importer()}
        except ImportRefused as exc:
            db.session.rollback()
            return {"imported": 0, "message": str(exc.message), "errors": [str(e) for e in exc.errors]}
        except ServiceError as exc:
            db.session.rollback()
            return {"imported": 0, "message": str(exc.message), "errors": []}


def _classify_all(job: Job, progress: Progress) -> dict:
    """Every posting's catalogue majors again, e.g. after the knowledge base learnt new titles."""
    from portal.services import alignment

    def step(done: int, total: int) -> None:
        db.session.commit()  # each chunk of postings is complete in itself
        progress(done, total)

    return {"classified": alignment.classify_all(progress=step)}


KINDS: dict[str, Callable[[Job, Progress], dict]] = {
    "rank_programs": _rank_programs,
    "rank_school": _rank_school,
    "rank_all": _rank_all,
    "import_sheet": _import_sheet,
    "classify_all": _classify_all,
}


# --- submitting and starting ------------------------------------------------------------------


def submit(
    kind: str, *, user: User | None = None, args: dict | None = None, payload: bytes | None = None
) -> Job:
    """A new job in the caller's transaction; it starts once that transaction commits."""
    assert kind in KINDS, kind
    job = Job(
        kind=kind,
        args=args or {},
        payload=payload,
        status=JobStatus.QUEUED.value,
        created_by_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_TO_START, []).append(job.id)
    return job


def submit_import(
    user: User, sheet: str, data: bytes, filename: str | None, *, back: str, again: str, locale: str
) -> Job:
    """An import as a job: what costs nothing (who may import, whether the file is a spreadsheet
    at all) is answered in the request; reading the rows happens in the job, not the web worker."""
    from portal.services import organisations, spreadsheets

    organisations.ensure_may_import(user.organisation)
    spreadsheets.sniff(data, filename)
    return submit(
        "import_sheet",
        user=user,
        payload=data,
        args={"sheet": sheet, "filename": filename, "back": back, "again": again, "locale": locale},
    )


@event.listens_for(Session, "after_commit")
def _start_after_commit(session: Session) -> None:
    for job_id in session.info.pop(_TO_START, []):
        _start(job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(_TO_START, None)


def _start(job_id: int) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = app.config["JOBS_BACKEND"]
    if backend == "thread" and not has_request_context():
        backend = "inline"  # a command (flask seed) would exit before a thread of its own finished
    if backend == "rq":
        try:
            queue(app).enqueue("portal.services.jobs.run", job_id, job_timeout=JOB_TIMEOUT)
        except Exception:  # Redis down: the job is kept, failed and retryable, not a 500
            log.exception("job %s could not be queued", job_id)
            _touch(job_id, status=JobStatus.FAILED.value, error=str(QUEUE_DOWN), finished_at=utcnow())
    elif backend == "thread":
        threading.Thread(target=_run_in_app, args=(app, job_id), name=f"job-{job_id}", daemon=True).start()
    else:
        _run_in_app(app, job_id)


def _run_in_app(app, job_id: int) -> None:
    # A fresh app context is a fresh database session, apart from the request's.
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


_connections: dict[str, Any] = {}


def redis_connection(app=None):
    """One Redis client (and its connection pool) per URL and process, reused by every request."""
    from redis import Redis

    url = (app or current_app).config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(url, socket_timeout=5)
    return _connections[url]


def queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(app.config["JOBS_QUEUE"], connection=redis_connection(app))


# --- running ----------------------------------------------------------------------------------


def run(job_id: int) -> None:
    """Run one job to its end. RQ calls this in `flask worker`, whose app context is pushed."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(
            status=JobStatus.RUNNING.value,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            attempts=Job.attempts + 1,
            error=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return  # already taken by another worker, or no longer queued
    job = db.session.get(Job, job_id)
    assert job is not None
    try:
        result = KINDS[job.kind](job, Progress(job_id))
        job.status, job.result, job.progress = JobStatus.DONE.value, result, 100
        job.finished_at, job.payload = utcnow(), None
        db.session.commit()
    except Exception as exc:  # a job's failure is its result, recorded and shown
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        message = str(exc.message) if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.FAILED.value, error=message[:2000], finished_at=utcnow())
        )
        db.session.commit()


# --- reading and retrying ---------------------------------------------------------------------

QUEUE_DOWN = _l("The job could not be queued (the job queue is unreachable). Run it again in a moment.")
INTERRUPTED = _l(
    "The job was interrupted (its worker stopped). Nothing it was doing was saved; run it again."
)


def get_for(user: User, job_id: int) -> Job:
    """A job its asker (or an administrator) may see; a running job without heartbeat is failed."""
    job = db.session.get(Job, job_id)
    if job is None or not (job.created_by_id == user.id or user.role == Role.ADMIN.value):
        raise NotFound(_l("Job not found."))
    stale_after = timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    if (
        job.status == JobStatus.RUNNING.value
        and job.heartbeat_at is not None
        and utcnow() - job.heartbeat_at > stale_after
    ):
        db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == JobStatus.RUNNING.value)
            .values(status=JobStatus.FAILED.value, error=str(INTERRUPTED), finished_at=utcnow())
        )
        db.session.commit()
        db.session.refresh(job)
    return job


def retry(user: User, job_id: int) -> Job:
    job = get_for(user, job_id)
    if job.status != JobStatus.FAILED.value:
        raise ServiceError(_l("Only a failed job can be run again."))
    transition(job, JobStatus.QUEUED.value)
    job.error, job.progress, job.finished_at = None, 0, None
    db.session.info.setdefault(_TO_START, []).append(job.id)
    return job


def pending_count() -> int | None:
    """Jobs waiting in the RQ queue (None without Redis), for /healthz."""
    if current_app.config["JOBS_BACKEND"] != "rq":
        return None
    return len(queue())


def unfinished(kind: str) -> Job | None:
    """The latest job of `kind` still queued or running, if any."""
    return db.session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
        .order_by(Job.id.desc())
        .limit(1)
    )
