"""How long the background jobs take at 1× and 5× the district, and how long the requests that
start them take (issue 11). Uses the databases bench/bench_web.py prepares (xq_web_1x, xq_web_5x:
run it first). Each job runs in this process (the "inline" backend) as a warm worker runs it:
the process is first warmed up as `flask worker` is at its start (`jobs.warm_up`: the matching
library, the kept text model, the postings' features; timed apart), and what a job loads stays
for the next, as in a worker. Beside each job's wall time, the CPU time of this process (the
database's own work is not in it): on a shared machine the wall time waits for the CPU too.
The requests are timed with the RQ backend, which only queues.

    .venv/bin/python bench/bench_jobs.py [--scales 1,5] [--only major,district] [--from-empty]

--only runs the figures whose label contains one of these words; --from-empty deletes the
matcher's untouched proposals before the district recompute (issue 31 times it from empty);
--repeat N prints the median of N runs of each job; --database NAME times a database prepared
like them under another name (one scale).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_web import DEMO_PASSWORD, SERVER  # noqa: E402

TARGETS = {
    "request: recompute our proposals": "< 300 ms",
    "request: import 5,000 rows": "< 300 ms",
    "job: a major published (rank_programs)": "≤ 2 s at 5×, warm worker (issue 31; 1.55 s, was 3.73 s)",
    "job: recompute a school (rank_school)": "a job",
    "job: recompute the district (rank_all)": "≤ 60 s at 1×, ≤ 5 min at 5×; from empty ≤ 60 s at 5× (76 s)",
    "job: import 5,000 teachers": "a job",
}


def _csv(rows: int) -> bytes:
    lines = ["姓名,任教学科,学历"] + [f"基准教师{i:05d},焊接工艺,本科" for i in range(rows)]
    return "\n".join(lines).encode("utf-8")


def run(
    scale: int, only: list[str] | None = None, from_empty: bool = False, database: str = "", repeat: int = 1
) -> dict[str, float]:

    from portal import create_app

    url = SERVER.rsplit("/", 1)[0] + "/" + (database or f"xq_web_{scale}x")
    figures: dict[str, float] = {}
    queue = f"bench-{uuid.uuid4().hex}"
    web = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "JOBS_BACKEND": "rq",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "JOBS_QUEUE": queue,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )

    def wanted(label: str) -> bool:
        return not only or any(word in label for word in only)

    if wanted("request:"):
        with web.app_context():
            _requests(web, figures, queue)
    worker = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "JOBS_BACKEND": "inline"})
    from portal.platform import jobs

    with worker.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        jobs.warm_up()  # as `flask worker` does before its first job
        print(
            f"  worker warm-up (once, at its start): {time.perf_counter() - started:.2f} s"
            f" (cpu {time.process_time() - cpu:.2f} s)",
            flush=True,
        )
    runs = []
    for _ in range(repeat):
        runs.append({})
        _jobs(worker, runs[-1], wanted, from_empty)
        print(
            "  "
            + ", ".join(
                f"{label}: {wall:.2f} s (cpu {cpu:.2f} s)" for label, (wall, cpu) in runs[-1].items()
            ),
            flush=True,
        )
    figures.update({label: statistics.median(r[label][0] for r in runs) for label in runs[0]})
    return figures


def _requests(web, figures: dict, queue: str) -> None:
    from portal.extensions import db
    from portal.platform import jobs

    client = web.test_client()
    client.post("/auth/login", data={"email": "school@xiaoqi-demo.cn", "password": DEMO_PASSWORD})
    started = time.perf_counter()
    assert client.post("/school/proposals/recompute").status_code == 302
    figures["request: recompute our proposals"] = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post(
        "/school/import/teachers",
        content_type="multipart/form-data",
        data={"file": (__import__("io").BytesIO(_csv(5000)), "teachers.csv")},
    )
    assert response.status_code == 302, response.status_code
    figures["request: import 5,000 rows"] = time.perf_counter() - started
    jobs.queue(web).delete(delete_jobs=True)
    db.session.rollback()
    db.session.execute(db.text("DELETE FROM job WHERE status = 'queued'"))
    db.session.commit()


def _jobs(worker, figures: dict, wanted, from_empty: bool) -> None:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Program, Teacher, User
    from portal.platform import jobs

    with worker.app_context():
        staff = db.session.scalar(select(User).where(User.email == "school@xiaoqi-demo.cn"))
        program = db.session.scalar(
            select(Program).where(Program.school_id == staff.organisation_id).order_by(Program.id).limit(1)
        )

        def timed(label: str, kind: str, **kwargs) -> None:
            started, cpu = time.perf_counter(), time.process_time()
            job = jobs.submit(kind, user=staff, **kwargs)
            db.session.commit()  # inline: the job runs here
            db.session.refresh(job)
            assert job.status == "done", (kind, job.error)
            figures[label] = (time.perf_counter() - started, time.process_time() - cpu)

        if wanted("job: a major"):
            timed(
                "job: a major published (rank_programs)", "rank_programs", args={"program_ids": [program.id]}
            )
        if wanted("job: recompute a school"):
            timed(
                "job: recompute a school (rank_school)",
                "rank_school",
                args={"school_id": staff.organisation_id},
            )
        if wanted("job: recompute the district"):
            if from_empty:
                db.session.execute(
                    db.text("DELETE FROM proposal WHERE origin = 'matcher' AND status = 'proposed'")
                )
                db.session.commit()
            timed("job: recompute the district (rank_all)", "rank_all")
        if not wanted("job: import"):
            return
        started, cpu = time.perf_counter(), time.process_time()
        job = jobs.submit_import(
            staff, "teachers", _csv(5000), "teachers.csv", back="/", again="/", locale="zh"
        )
        db.session.commit()
        db.session.refresh(job)
        assert job.status == "done" and job.result["imported"] == 5000, job.result
        figures["job: import 5,000 teachers"] = (time.perf_counter() - started, time.process_time() - cpu)
        db.session.execute(db.delete(Teacher).where(Teacher.name.like("基准教师%")))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--only", default="", help="words of the labels to run (e.g. 'major,district')")
    parser.add_argument("--from-empty", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database", default="", help="a database prepared as xq_web_<scale>x is")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    if args.database and len(scales) != 1:
        parser.error("--database times one scale")
    only = [w for w in args.only.split(",") if w]
    results = {scale: run(scale, only, args.from_empty, args.database, args.repeat) for scale in scales}
    print(f"{'what':42}" + "".join(f"{f'{s}×':>10}" for s in scales) + "  target")
    for label, target in TARGETS.items():
        if any(label not in results[s] for s in scales):
            continue
        cells = "".join(f"{results[s][label]:9.2f}s" for s in scales)
        print(f"{label:42}{cells}  {target}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
