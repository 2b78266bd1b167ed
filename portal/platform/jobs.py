"""Background jobs: work that can take more than a moment never runs inside a web request.

A request `submit`s a job (a `Job` row in its own transaction) and answers at once; the job
starts after that transaction commits, so it sees what the request saved. Three backends
(`JOBS_BACKEND`, read in portal/config.py):

- "rq": an RQ queue on the Redis the platform already uses; `flask worker` runs the jobs.
- "thread": a daemon thread of the web process; the quick start needs no Redis.
- "inline": in the same thread right after the commit (commands, seed data, and tests of
  everything but the jobs themselves).

The Job table is the queue; RQ, the thread and the inline call only say "a job may start".
Whoever is woken takes the next job in the fair order (`work_next`), so one organisation's
flood never keeps another's short job waiting (issue 22):

- admission (`submit`): an organisation has at most JOBS_QUEUED_PER_KIND jobs of a kind
  waiting; one more is refused (`QueueFull`, 429). A request for a recompute that is already
  waiting joins it (the same job is returned, so the page follows it; a major's ranking adds
  its majors to the waiting one), and the district-wide kinds (rank_all, classify_all) have at
  most one job queued or running in the whole district.
- start (`work_next`): of the waiting jobs that may start (an organisation runs at most
  JOBS_RUNNING_PER_ORGANISATION jobs, and one of each kind), the oldest job of the organisation
  that has used the least running time in the last USAGE_WINDOW, then the one that started
  a job longest ago. The choice and the claim run under one lock (an advisory lock on
  PostgreSQL, the write lock on SQLite), so several workers never start two jobs an
  organisation may not run together.

A job runs once (queued → running is a conditional update), reports its progress and a
heartbeat in a short transaction of its own, and ends done (with a result) or failed (with
the error). A job whose heartbeat stopped lost its worker: `sweep` (every JOBS_SWEEP_SECONDS in
`flask worker`, `flask sweep-jobs`, and the job's page) marks it failed, and it can be retried.
A worker that loses the database mid-job marks the job failed once it is back (retrying for a
bounded time). Each kind writes its data in one transaction (or in steps that are each
complete), so a killed worker leaves nothing half-written.

    state machine:  queued → running → done | failed;  failed → queued (retry)
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import event, func, or_, select, text, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.platform import spreadsheets
from portal.platform.errors import NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import begin_write, transition
from portal.platform.model_base import utcnow
from portal.platform.models import Job, JobStatus
from portal.platform.roles import Role

if TYPE_CHECKING:
    from portal.accounts.models import User

log = logging.getLogger(__name__)

JOB_TIMEOUT = 3600  # seconds RQ lets one job run
_TO_START = "jobs_to_start"
# Running time an organisation used this recently counts against it when the next job is chosen.
USAGE_WINDOW = timedelta(minutes=10)
# Kinds that work on the whole district: at most one queued or running at a time.
DISTRICT_KINDS = frozenset({"rank_all", "classify_all"})
# Recomputes that a second request joins instead of queueing the same work twice.
JOINED_KINDS = DISTRICT_KINDS | {"rank_school", "rank_programs"}
# Seconds between attempts to record that a job failed while the database is unreachable
# (about five minutes in all; after that the sweep marks it failed from its heartbeat).
MARK_FAILED_DELAYS = (1, 2, 4, 8, 15, 30, 60, 60, 60, 60)
_ADMISSION_LOCKS = 22  # first keys of the jobs' two-key PostgreSQL advisory locks
_CLAIM_LOCK = (23, 0)


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
# Each domain registers the work it runs (`register_kind`, from `portal.register_hooks`); this
# module knows the kinds only by name, so plumbing never imports a domain.

KINDS: dict[str, Callable[[Job, Progress], dict]] = {}
kind_labels: dict[str, object] = {}
# The importers behind the "import_sheet" kind, by sheet: (who may import, what imports).
IMPORTERS: dict[str, Callable[[User, bytes, str | None], int]] = {}
_import_allowed: list[Callable[[User], None]] = []


def register_kind(kind: str, run: Callable[[Job, Progress], dict], label: object) -> None:
    """A kind of job: what runs it, and how its page and refusals name it."""
    KINDS[kind] = run
    kind_labels[kind] = label


# What a worker loads before its first job (`flask worker`, `warm_up`): what a kind's first job
# would otherwise load on first use (libraries, kept models), registered by the domain that owns it.
_warm_ups: list[Callable[[], None]] = []


def register_warm_up(warm: Callable[[], None]) -> None:
    if warm not in _warm_ups:
        _warm_ups.append(warm)


def warm_up() -> None:
    """Run the registered warm-ups, in the caller's app context; one that fails is logged and
    left to the first job (which loads on first use), never stops the worker."""
    for warm in _warm_ups:
        try:
            warm()
        except Exception:
            log.exception("jobs: warm-up %s failed; its first job loads what it needs", warm.__qualname__)
        finally:
            db.session.rollback()  # reads only: no transaction left open beside the jobs
    # What the warm-ups hold lives as long as the worker: moved out of the collector's sight, so
    # that a job reading tens of thousands of rows does not walk it again in each full collection
    # (issue 31: a major's job read 45,000 postings' stamps in 0.1–1.1 s at 5×, the slow ones in
    # the collector). Objects still go when nothing refers to them; only cycles among these stay.
    gc.collect()
    gc.freeze()


def register_importer(sheet: str, importer: Callable[[User, bytes, str | None], int]) -> None:
    IMPORTERS[sheet] = importer


def register_import_check(check: Callable[[User], None]) -> None:
    """A check run in the request before an import is queued (e.g. the organisation may import)."""
    if check not in _import_allowed:
        _import_allowed.append(check)


def _import_sheet(job: Job, progress: Progress) -> dict:
    """Every row or none (ImportRefused lists each bad row); the report in the asker's language."""
    user = job.created_by
    importer = IMPORTERS[job.args["sheet"]]
    with force_locale(job.args.get("locale") or user.locale or "zh"):
        try:
            return {"imported": importer(user, job.payload, job.args.get("filename"))}
        except spreadsheets.ImportRefused as exc:
            db.session.rollback()
            return {"imported": 0, "message": str(exc.message), "errors": [str(e) for e in exc.errors]}
        except ServiceError as exc:
            db.session.rollback()
            return {"imported": 0, "message": str(exc.message), "errors": []}


register_kind("import_sheet", _import_sheet, _l("Importing a spreadsheet"))


# --- submitting and starting ------------------------------------------------------------------


SAME_WORK_WAITING = _l("The same work is already waiting or running; its page shows how far it is.")


class QueueFull(ServiceError):
    """An organisation has as many jobs of a kind waiting as it may."""

    status_code = 429


def submit(
    kind: str, *, user: User | None = None, args: dict | None = None, payload: bytes | None = None
) -> Job:
    """A job in the caller's transaction; it may start once that transaction commits.

    The same recompute already waiting is returned instead of a second job (the district's
    recomputes also while running); beyond JOBS_QUEUED_PER_KIND waiting jobs, `QueueFull`.
    """
    assert kind in KINDS, kind
    args = args or {}
    organisation_id = user.organisation_id if user else None
    _lock_admission(kind, organisation_id)
    waiting = _waiting(kind, organisation_id)
    if kind in DISTRICT_KINDS:
        unfinished_job = unfinished(kind)
        if unfinished_job is not None:
            return unfinished_job
    elif kind == "rank_programs" and waiting:
        joined = _add_programs(waiting[-1], args["program_ids"])
        if joined is not None:
            return joined
    elif kind == "rank_school":
        same = next((job for job in waiting if job.args == args), None)
        if same is not None:
            return same
    _ensure_room(kind, waiting)
    job = Job(
        kind=kind,
        args=args,
        payload=payload,
        status=JobStatus.QUEUED.value,
        created_by_id=user.id if user else None,
        organisation_id=organisation_id,
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_TO_START, []).append(job.id)
    return job


def _ensure_room(kind: str, waiting: list[Job], field: str | None = None) -> None:
    if len(waiting) >= current_app.config["JOBS_QUEUED_PER_KIND"]:
        raise QueueFull(
            _l(
                "You already have %(n)d jobs of this kind waiting (%(kind)s). "
                "Wait until one of them has started, then try again.",
                n=len(waiting),
                kind=kind_labels[kind],
            ),
            field=field,
        )


def _waiting(kind: str, organisation_id: int | None) -> list[Job]:
    """The organisation's queued jobs of `kind`, oldest first (the district's for district kinds)."""
    query = select(Job).where(Job.kind == kind, Job.status == JobStatus.QUEUED.value)
    if kind not in DISTRICT_KINDS:
        query = query.where(
            Job.organisation_id == organisation_id
            if organisation_id is not None
            else Job.organisation_id.is_(None)
        )
    return list(db.session.scalars(query.order_by(Job.id)))


def _add_programs(job: Job, program_ids: list[int]) -> Job | None:
    """A waiting ranking of majors also ranks these (None if a worker took it meanwhile)."""
    merged = sorted({*job.args["program_ids"], *program_ids})
    if merged == sorted(job.args["program_ids"]):
        return job
    won = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.QUEUED.value)
        .values(args={"program_ids": merged})
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return None
    db.session.refresh(job)
    return job


def _lock(*key: int) -> None:
    """Hold a lock until this transaction ends: a PostgreSQL advisory lock on `key`, SQLite's
    write lock (which covers every key)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        begin_write()
    else:
        connection.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": key[0], "b": key[1]})


def _lock_admission(kind: str, organisation_id: int | None) -> None:
    # Two requests at once must not both see room for one more job (or no district recompute).
    scope = "district" if kind in DISTRICT_KINDS else str(organisation_id)
    _lock(_ADMISSION_LOCKS, zlib.crc32(f"{scope}:{kind}".encode()) - 2**31)


def submit_import(
    user: User, sheet: str, data: bytes, filename: str | None, *, back: str, again: str, locale: str
) -> Job:
    """An import as a job: what costs nothing (who may import, whether the file is a spreadsheet
    at all) is answered in the request; reading the rows happens in the job, not the web worker."""
    for check in _import_allowed:
        check(user)
    spreadsheets.sniff(data, filename)
    _lock_admission("import_sheet", user.organisation_id)
    _ensure_room("import_sheet", _waiting("import_sheet", user.organisation_id), field="file")
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
    """Say that a job may start: whoever is woken takes the next job in the fair order."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = app.config["JOBS_BACKEND"]
    if backend == "thread" and not has_request_context():
        backend = "inline"  # a command (flask seed) would exit before a thread of its own finished
    if backend == "rq":
        try:
            with app.app_context():  # a session of its own: the committing one cannot run SQL
                try:
                    _wake_up(app)
                finally:
                    db.session.remove()
        except Exception:  # Redis down: the job is kept, failed and retryable, not a 500
            log.exception("job %s could not be queued", job_id)
            _touch(job_id, status=JobStatus.FAILED.value, error=str(QUEUE_DOWN), finished_at=utcnow())
    elif backend == "thread":
        threading.Thread(target=_drain_in_app, args=(app,), name=f"job-{job_id}", daemon=True).start()
    else:
        _drain_in_app(app)


def _signal(app, count: int = 1) -> None:
    for _ in range(count):
        queue(app).enqueue("portal.platform.jobs.work_next", job_timeout=JOB_TIMEOUT)


def _drain_in_app(app) -> None:
    """Run jobs in the fair order until none may start (the thread and inline backends)."""
    # A fresh app context is a fresh database session, apart from the request's.
    with app.app_context():
        try:
            while work_next(wake=False) is not None:
                pass
        except (OperationalError, InterfaceError):  # database busy or gone: the next wake-up or sweep
            log.exception("jobs: could not take the next job")
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


# --- choosing and running ---------------------------------------------------------------------


def startable(limit: int | None = None) -> list[int]:
    """Queued jobs that may start now, in the fair order (the first is the next to start).

    An organisation runs at most JOBS_RUNNING_PER_ORGANISATION jobs at once and one of each kind.
    Organisations take turns: the one that used the least running time in the last
    USAGE_WINDOW goes first (a tie: the one whose last job started longest ago), with its
    oldest job that may start; the list goes on as if each chosen job had started.
    """
    per_organisation = current_app.config["JOBS_RUNNING_PER_ORGANISATION"]
    now = utcnow()
    since = now - USAGE_WINDOW
    running_kinds: set[tuple[int | None, str]] = set()
    running: Counter[int | None] = Counter()
    used: defaultdict[int | None, timedelta] = defaultdict(timedelta)
    last_start: dict[int | None, datetime] = {}
    recent = db.session.execute(
        select(Job.organisation_id, Job.kind, Job.status, Job.started_at, Job.finished_at).where(
            Job.started_at.is_not(None),
            # (a job that started in the window is running or ended after it started)
            or_(Job.status == JobStatus.RUNNING.value, Job.finished_at >= since),
        )
    )
    for organisation_id, kind, status, started_at, finished_at in recent:
        if status == JobStatus.RUNNING.value:
            running_kinds.add((organisation_id, kind))
            running[organisation_id] += 1
            finished_at = now
        used[organisation_id] += max(timedelta(0), (finished_at or now) - max(started_at, since))
        last_start[organisation_id] = max(started_at, last_start.get(organisation_id, started_at))

    waiting: defaultdict[int | None, list[tuple[int, str]]] = defaultdict(list)
    queued = select(Job.id, Job.organisation_id, Job.kind).where(Job.status == JobStatus.QUEUED.value)
    for job_id, organisation_id, kind in db.session.execute(queued.order_by(Job.id)):
        waiting[organisation_id].append((job_id, kind))

    order: list[int] = []
    never = datetime.min.replace(tzinfo=now.tzinfo)
    while limit is None or len(order) < limit:
        heads = {}
        for organisation_id, queue_ in waiting.items():
            if running[organisation_id] >= per_organisation:
                continue
            head = next(((i, k) for i, k in queue_ if (organisation_id, k) not in running_kinds), None)
            if head is not None:
                heads[organisation_id] = head
        if not heads:
            break
        chosen = min(heads, key=lambda o: (used[o], last_start.get(o, never), heads[o][0]))
        job_id, kind = heads[chosen]
        order.append(job_id)
        waiting[chosen].remove((job_id, kind))
        running_kinds.add((chosen, kind))
        running[chosen] += 1
        last_start[chosen] = now
    return order


def work_next(*, wake: bool = True) -> int | None:
    """Start the next job in the fair order and run it to its end; its id, or None when no job
    may start. RQ calls this for each wake-up (in `flask worker`, whose app context is pushed).

    `wake`: afterwards, send as many RQ wake-ups as jobs may start (the one that ended may
    have been holding them back).
    """
    try:
        _lock(*_CLAIM_LOCK)  # the choice and the claim as one step among all workers
        job_id = next(iter(startable(limit=1)), None)
        claimed = job_id is not None and _claim(job_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if not claimed:
        return None
    try:
        _execute(job_id)
    finally:
        if wake:
            _wake_up_or_log()
    return job_id


def run(job_id: int) -> None:
    """Run this job now if it is still queued, whatever the fair order (wake-ups queued by an
    earlier version, and benchmarks of first-come-first-served)."""
    claimed = _claim(job_id)
    db.session.commit()
    if claimed:
        _execute(job_id)


def _claim(job_id: int) -> bool:
    now = utcnow()
    return (
        db.session.execute(
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
        == 1
    )


def _execute(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    assert job is not None
    kind = job.kind
    try:
        result = KINDS[kind](job, Progress(job_id))
        job.status, job.result, job.progress = JobStatus.DONE.value, result, 100
        job.finished_at, job.payload = utcnow(), None
        db.session.commit()
    except Exception as exc:  # a job's failure is its result, recorded and shown
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        if isinstance(exc, ServiceError):
            message = str(exc.message)
        elif isinstance(exc, (OperationalError, InterfaceError)):
            message = str(DATABASE_LOST)
        else:
            message = f"{type(exc).__name__}: {exc}"
        _mark_failed(job_id, message[:2000])


def _mark_failed(job_id: int, message: str) -> None:
    """Record the failure; while the database is unreachable, try again for a bounded time."""
    for delay in (0, *MARK_FAILED_DELAYS):
        time.sleep(delay)
        try:
            db.session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.RUNNING.value)
                .values(status=JobStatus.FAILED.value, error=message, finished_at=utcnow())
            )
            db.session.commit()
            return
        except (OperationalError, InterfaceError):
            db.session.rollback()
            log.warning(
                "job %s: the database is unreachable; recording its failure again in a moment", job_id
            )
    log.error("job %s: its failure could not be recorded; the sweep will mark it failed", job_id)


def _wake_up(app=None) -> None:
    """RQ: a wake-up queued for each job that may start now, and no more.

    A job held back (its organisation is running one) gets its wake-up when that one ends, so
    no worker spends a turn on a wake-up with nothing to do while another organisation waits.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["JOBS_BACKEND"] != "rq":
        return
    missing = len(startable()) - queue(app).count
    if missing > 0:
        _signal(app, missing)


def _wake_up_or_log() -> None:
    try:
        _wake_up()
    except Exception:  # Redis or the database down: the sweep wakes the workers later
        db.session.rollback()
        log.exception("jobs: could not wake the workers")


def sweep() -> int:
    """Mark failed the running jobs whose heartbeat stopped (their worker is gone), and wake
    the workers for jobs that may start. The number of jobs marked failed."""
    stale = utcnow() - timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    count = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.RUNNING.value, Job.heartbeat_at < stale)
        .values(status=JobStatus.FAILED.value, error=str(INTERRUPTED), finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if count:
        log.warning("jobs: %d job(s) without heartbeat marked failed", count)
    _wake_up_or_log()
    return count


# --- reading and retrying ---------------------------------------------------------------------

QUEUE_DOWN = _l("The job could not be queued (the job queue is unreachable). Run it again in a moment.")
INTERRUPTED = _l(
    "The job was interrupted (its worker stopped). Nothing it was doing was saved; run it again."
)
DATABASE_LOST = _l(
    "The database could not be reached while the job ran. Nothing it was doing was saved; run it again."
)


def get_for(user: User, job_id: int) -> Job:
    """A job its asker (or an administrator) may see, and a recompute of the asker's organisation
    (whoever started it: asking for it again joins it); a running job without heartbeat is failed."""
    job = db.session.get(Job, job_id)
    if job is None or not (
        job.created_by_id == user.id
        or user.role == Role.ADMIN.value
        or (
            job.kind in JOINED_KINDS
            and user.role != Role.STUDENT.value
            and job.organisation_id is not None
            and job.organisation_id == user.organisation_id
        )
    ):
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
    _lock_admission(job.kind, job.organisation_id)
    waiting = _waiting(job.kind, job.organisation_id)
    if (job.kind in DISTRICT_KINDS and unfinished(job.kind) is not None) or any(
        other.args == job.args for other in waiting if job.kind in JOINED_KINDS
    ):
        raise ServiceError(SAME_WORK_WAITING)
    _ensure_room(job.kind, waiting)
    transition(job, JobStatus.QUEUED.value)
    job.error, job.progress, job.finished_at = None, 0, None
    db.session.info.setdefault(_TO_START, []).append(job.id)
    return job


def pending_count() -> int | None:
    """Jobs waiting to start (None without Redis), for /healthz."""
    if current_app.config["JOBS_BACKEND"] != "rq":
        return None
    return db.session.scalar(
        select(func.count()).select_from(Job).where(Job.status == JobStatus.QUEUED.value)
    )


def unfinished(kind: str) -> Job | None:
    """The latest job of `kind` still queued or running, if any."""
    return db.session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
        .order_by(Job.id.desc())
        .limit(1)
    )
