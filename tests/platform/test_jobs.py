"""Background jobs (issue 11): long work leaves the request, on a thread or on RQ; progress,
failure, retry and a lost worker, with nothing half-written."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Job, Program, Proposal
from portal.platform import jobs
from portal.platform.model_base import utcnow
from tests.conftest import Builders, client_for
from tests.partnerships.test_proposals import publish_posting, publish_program


def _wait_until_ended(job_id: int, seconds: float = 60) -> Job:
    """Polls as the job page does (the wait bounds a hang; no assertion depends on timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.has_ended:
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_id} did not end within {seconds} s")


def _world():
    build = Builders()
    staff, hr = build.school(), build.enterprise()
    publish_program(staff)
    publish_posting(hr)
    db.session.commit()
    return staff, hr


def _recompute(client) -> int:
    response = client.post("/school/proposals/recompute")
    assert response.status_code == 302 and "/auth/jobs/" in response.location
    return int(response.location.rsplit("/", 1)[1])


def test_on_a_thread_the_request_answers_and_the_job_finishes_after(app_factory):
    app = app_factory(JOBS_BACKEND="thread")
    with app.app_context():
        staff, _hr = _world()
        client = client_for(app, staff)
        job = _wait_until_ended(_recompute(client))
        assert job.status == "done" and job.progress == 100 and job.result["scored"] >= 1
        assert job.created_by_id == staff.id and job.attempts == 1
        page = client.get(f"/auth/jobs/{job.id}").get_data(as_text=True)
        assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page


def test_on_rq_the_job_waits_for_a_worker(rq_app):
    app = rq_app
    with app.app_context():
        staff, _hr = _world()
        client = client_for(app, staff)
        job_id = _recompute(client)
        # Queued beside the major's own ranking job (published by _world, outside a request); the
        # school runs one job at a time, so one wake-up waits in Redis (the Job table is the queue).
        queued = db.session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued"))
        assert db.session.get(Job, job_id).status == "queued" and queued == 2 and jobs.queue(app).count == 1
        page = client.get(f"/auth/jobs/{job_id}").get_data(as_text=True)
        assert 'http-equiv="refresh"' in page  # the page follows the job by itself
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        job = _wait_until_ended(job_id, seconds=5)
        assert job.status == "done" and job.result["scored"] >= 1 and jobs.queue(app).count == 0
        jobs.queue(app).delete(delete_jobs=True)


def test_the_worker_warms_up_before_its_first_job_and_a_failing_warm_up_stops_nothing(rq_app, monkeypatch):
    """`flask worker` runs the registered warm-ups (the matcher's library, kept model and postings'
    features, issue 31) before it takes a job; one that fails is logged and left to the first job."""
    app = rq_app
    warmed = []

    def broken():
        raise RuntimeError("the database is not up yet")

    def warm():
        warmed.append(jobs.queue(app).count)  # the job still waits in Redis

    monkeypatch.setattr(jobs, "_warm_ups", [broken, warm])
    with app.app_context():
        staff, _hr = _world()
        job_id = _recompute(client_for(app, staff))
        waiting = jobs.queue(app).count
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert warmed == [waiting] and waiting >= 1
        assert _wait_until_ended(job_id, seconds=5).status == "done"
        jobs.queue(app).delete(delete_jobs=True)


def test_a_failing_job_writes_nothing_and_can_be_retried(app, monkeypatch):
    staff, _hr = _world()
    client = client_for(app, staff)
    proposals_before = db.session.scalar(select(func.count()).select_from(Proposal))
    real = jobs.KINDS["rank_school"]

    def half_then_crash(job, progress):
        db.session.execute(Proposal.__table__.delete())  # half of the work …
        progress(1, 2)
        raise RuntimeError("the matcher crashed")  # … and then the crash

    monkeypatch.setitem(jobs.KINDS, "rank_school", half_then_crash)
    job_id = _recompute(client)
    job = db.session.get(Job, job_id)
    assert job.status == "failed" and "the matcher crashed" in job.error
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == proposals_before
    page = client.get(f"/auth/jobs/{job_id}").get_data(as_text=True)
    assert 'data-testid="job-failed"' in page and 'data-testid="job-retry"' in page

    monkeypatch.setitem(jobs.KINDS, "rank_school", real)
    assert client.post(f"/auth/jobs/{job_id}/retry").status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.status == "done" and job.attempts == 2 and job.error is None


def test_a_job_whose_worker_died_reads_as_failed_and_runs_again(app):
    staff, _hr = _world()
    job = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    db.session.commit()  # inline: done
    job.status = "running"
    job.heartbeat_at = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 1)
    db.session.commit()
    client = client_for(app, staff)
    page = client.get(f"/auth/jobs/{job.id}").get_data(as_text=True)
    assert 'data-status="failed"' in page
    assert client.post(f"/auth/jobs/{job.id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"


def test_a_job_starts_only_when_its_request_commits(app):
    staff, _hr = _world()
    before = db.session.scalar(select(func.count()).select_from(Job))
    jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Job)) == before


def test_publishing_a_major_ranks_it_in_a_job(app, build):
    staff, hr = _world()
    program = db.session.scalar(select(Program).where(Program.school_id == staff.organisation_id))
    client = client_for(app, staff)
    client.post(f"/school/majors/{program.id}/close")
    job = db.session.scalar(select(Job).order_by(Job.id.desc()).limit(1))
    assert job.kind == "rank_programs" and job.args == {"program_ids": [program.id]}
    assert job.created_by_id == staff.id and job.status == "done"


def test_nobody_sees_another_users_job(app):
    staff, hr = _world()
    job = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    db.session.commit()
    client = client_for(app, hr)
    assert client.get(f"/auth/jobs/{job.id}").status_code == 404
    assert client.get(f"/auth/jobs/{job.id}.json").status_code == 404
    assert client.post(f"/auth/jobs/{job.id}/retry").status_code == 404


def test_a_queue_that_is_down_leaves_the_job_failed_and_retryable(app_factory):
    app = app_factory(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        staff, _hr = _world()
        client = client_for(app, staff)
        job = db.session.get(Job, _recompute(client))
        assert job.status == "failed" and ("unreachable" in job.error or "无法连接" in job.error)


def test_a_job_that_loses_the_database_is_marked_failed_once_it_is_back(app, monkeypatch):
    """Issue 22, item 5: PostgreSQL dropped mid-job and the job stayed running until its page was
    opened, 584 s later. The worker records the failure, trying again while the database is away."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    staff, _hr = _world()
    client = client_for(app, staff)
    lost = OperationalError("SELECT …", {}, Exception("server closed the connection unexpectedly"))
    real = jobs.KINDS["rank_school"]

    def work_without_database(job, progress):
        raise lost

    still_away = []

    def refuse_first_write(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE JOB") and "failed" in str(parameters):
            if not still_away:  # the first attempt to record the failure: the database is still away
                still_away.append(statement)
                raise lost

    monkeypatch.setitem(jobs.KINDS, "rank_school", work_without_database)
    monkeypatch.setattr(jobs, "MARK_FAILED_DELAYS", (0, 0, 0), raising=False)
    event.listen(db.engine, "before_cursor_execute", refuse_first_write)
    try:
        job_id = _recompute(client)
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_first_write)
    assert still_away  # the first attempt did fail
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.status == "failed" and job.finished_at is not None
    assert "database" in job.error or "数据库" in job.error
    # … and it can be run again.
    monkeypatch.setitem(jobs.KINDS, "rank_school", real)
    assert client.post(f"/auth/jobs/{job_id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "done"


def _stale_running_job(app, staff) -> Job:
    job = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    db.session.commit()  # inline: done
    job.status = "running"
    job.heartbeat_at = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 1)
    db.session.commit()
    return job


def test_flask_sweep_jobs_marks_jobs_without_heartbeat_failed_without_a_page_view(app):
    staff, _hr = _world()
    stale = _stale_running_job(app, staff)
    alive = jobs.submit("rank_programs", user=staff, args={"program_ids": [1]})
    db.session.commit()
    alive.status, alive.heartbeat_at = "running", utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sweep-jobs"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Job, stale.id).status == "failed"
    assert db.session.get(Job, alive.id).status == "running"  # its worker is still at it


def test_the_worker_sweeps_jobs_whose_worker_died(rq_app):
    app = rq_app
    with app.app_context():
        staff, _hr = _world()
        job = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
        db.session.commit()
        job.status = "running"
        job.heartbeat_at = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 1)
        db.session.commit()
        try:
            result = app.test_cli_runner().invoke(args=["worker", "--burst"])
            assert result.exit_code == 0, result.output
            db.session.expire_all()
            assert db.session.get(Job, job.id).status == "failed"
        finally:
            jobs.queue(app).delete(delete_jobs=True)
