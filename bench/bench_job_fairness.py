"""One school floods the job queue; how long does another school's short job wait? (issue 22)

Before: one school queued 16 jobs in 0.4 s (8 imports of 5,000 rows, 8 recomputes) and another
school's 0.03 s job then waited 30.4 s behind them. Target: it starts within 2 s.

Real `flask worker` processes on Redis and PostgreSQL (a fresh database, xq_fairness). Each round,
school A sends 8 imports of 5,000 teachers and 8 "recompute our proposals" through the web app
as fast as it can, then school B asks for its recompute; B's wait is from its request to its
job's start (both times from the job's row). Modes:

- fair: the platform as it is (A's extra imports are refused, its recomputes join one).
- fifo: the behaviour before issue 22, for comparison: the same 16 + 1 jobs inserted as they
  were then, each run by its own RQ entry in the order asked (`jobs.run`, no fair order).

    .venv/bin/python bench/bench_job_fairness.py [--workers 1,2] [--rounds 3] [--fifo-rounds 1]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_web import SERVER  # noqa: E402

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "xq_fairness"
TARGET = 2.0
IMPORTS = RECOMPUTES = 8
ROWS = 5000


def _url(name: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + name


def prepare() -> str:
    import psycopg

    admin = _url("postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    url = _url(DATABASE)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        env=_env(url, "unused"),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return url


def _env(url: str, queue: str, **extra: str) -> dict:
    return {
        **os.environ,
        **extra,
        "FLASK_APP": "portal:create_app",
        "SECRET_KEY": "bench",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": queue,
    }


def _csv(tag: str) -> bytes:
    lines = ["姓名,任教学科,学历"] + [f"基准{tag}教师{i:05d},焊接工艺,本科" for i in range(ROWS)]
    return "\n".join(lines).encode("utf-8")


def _workers(url: str, queue: str, count: int, mode: str) -> list[subprocess.Popen]:
    # fifo: no sweep, whose wake-ups would start jobs in the fair order
    extra = {"JOBS_SWEEP_SECONDS": "3600"} if mode == "fifo" else {}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "worker"],
            env=_env(url, queue, **extra),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def _wait_for_workers(queue, count: int, seconds: float = 120) -> None:
    from rq import Worker

    deadline = time.monotonic() + seconds
    while len(Worker.all(queue=queue)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.2)
    time.sleep(1)  # past their first sweep


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_all_ended(db, Job, seconds: float = 600) -> None:
    from sqlalchemy import func, select

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        left = db.session.scalar(
            select(func.count()).select_from(Job).where(Job.status.in_(["queued", "running"]))
        )
        if left == 0:
            return
        time.sleep(0.2)
    raise RuntimeError("jobs did not end")


def run(url: str, mode: str, workers: int, rounds: int) -> list[float]:
    from sqlalchemy import delete, select

    from portal.extensions import db
    from portal.models import Job, Teacher
    from portal.platform import jobs
    from tests.conftest import PASSWORD, make_app

    queue = f"bench-fair-{uuid.uuid4().hex}"
    # The test suite's app: each test client is its own visitor, in this one app context.
    app = make_app(url, JOBS_BACKEND="rq", REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, RATELIMIT_ENABLED=False)
    waits: list[float] = []
    with app.app_context():
        build = BUILD
        flooding, other = build.school(), build.school()
        db.session.commit()
        clients = []
        for staff in (flooding, other):
            client = app.test_client()
            client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
            clients.append(client)
        a, b = clients
        processes = _workers(url, queue, workers, mode)
        _wait_for_workers(jobs.queue(app), workers)  # up and waiting, as in production
        try:
            for round_no in range(rounds):
                statuses: list[int] = []
                started = time.perf_counter()
                if mode == "fair":
                    for i in range(IMPORTS):
                        statuses.append(
                            a.post(
                                "/school/import/teachers",
                                content_type="multipart/form-data",
                                data={"file": (io.BytesIO(_csv(f"{round_no}-{i}")), "teachers.csv")},
                            ).status_code
                        )
                    for _ in range(RECOMPUTES):
                        statuses.append(a.post("/school/proposals/recompute").status_code)
                else:
                    flood = [
                        Job(
                            kind="import_sheet",
                            args={"sheet": "teachers", "filename": "t.csv", "back": "/", "again": "/"},
                            payload=_csv(f"{round_no}-{i}"),
                            created_by_id=flooding.id,
                            organisation_id=flooding.organisation_id,
                        )
                        for i in range(IMPORTS)
                    ] + [
                        Job(
                            kind="rank_school",
                            args={"school_id": flooding.organisation_id},
                            created_by_id=flooding.id,
                            organisation_id=flooding.organisation_id,
                        )
                        for _ in range(RECOMPUTES)
                    ]
                    db.session.add_all(flood)
                    db.session.commit()
                    for job in flood:
                        jobs.queue(app).enqueue(
                            "portal.platform.jobs.run", job.id, job_timeout=jobs.JOB_TIMEOUT
                        )
                flooded = time.perf_counter() - started
                if mode == "fair":
                    response = b.post("/school/proposals/recompute")
                    short_id = int(response.location.rsplit("/", 1)[1])
                else:
                    short = Job(
                        kind="rank_school",
                        args={"school_id": other.organisation_id},
                        created_by_id=other.id,
                        organisation_id=other.organisation_id,
                    )
                    db.session.add(short)
                    db.session.commit()
                    short_id = short.id
                    jobs.queue(app).enqueue(
                        "portal.platform.jobs.run", short_id, job_timeout=jobs.JOB_TIMEOUT
                    )
                _wait_all_ended(db, Job)
                db.session.expire_all()
                job = db.session.get(Job, short_id)
                wait = (job.started_at - job.created_at).total_seconds()
                waits.append(wait)
                ran = db.session.scalars(select(Job).where(Job.organisation_id == flooding.organisation_id))
                durations = [(j.finished_at - j.started_at).total_seconds() for j in ran if j.started_at]
                answers = ""
                if statuses:
                    answers = f" (answers: {statuses.count(302)}×302, {statuses.count(429)}×429)"
                print(
                    f"  {mode} {workers} worker(s), round {round_no + 1}:"
                    f" flood sent in {flooded:.2f} s{answers};"
                    f" {len(durations)} flood jobs ran, longest {max(durations):.2f} s;"
                    f" B's short job ({job.status}) waited {wait:.2f} s"
                )
                db.session.execute(delete(Teacher).where(Teacher.name.like("基准%")))
                db.session.execute(delete(Job))
                db.session.commit()
        finally:
            _stop(processes)
            jobs.queue(app).delete(delete_jobs=True)
    return waits


def _builders():
    from tests.conftest import Builders

    return Builders()


BUILD = _builders()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2", help="Worker counts to measure the fair mode with.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fifo-rounds", type=int, default=1, help="Rounds of the old behaviour (0: none).")
    args = parser.parse_args()
    url = prepare()
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        rows.append(("fair", workers, run(url, "fair", workers, args.rounds)))
    if args.fifo_rounds:
        workers = max(int(w) for w in args.workers.split(","))
        rows.append(("fifo (before)", workers, run(url, "fifo", workers, args.fifo_rounds)))
    print(f"\n{'mode':14}{'workers':>8}{'rounds':>8}{'B waited (median)':>20}  target")
    for mode, workers, waits in rows:
        median = statistics.median(waits)
        verdict = "ok" if median <= TARGET else "over"
        print(f"{mode:14}{workers:8d}{len(waits):8d}{median:19.2f}s  ≤ {TARGET:.0f} s ({verdict})")


if __name__ == "__main__":
    main()
