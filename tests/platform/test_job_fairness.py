"""Fair share of the background jobs (issue 22): one school queued 16 jobs in 0.4 s and another
school's 0.03 s job then waited 30.4 s behind them; two district recomputes could be queued at
once. Now an organisation has a few jobs of a kind waiting at most, the same recompute is asked
for once, and the next job to start is the turn of the organisation that used the workers least.

The order is checked on the Job table (the queue), where it is decided, with workers held back;
no assertion depends on timing."""

from __future__ import annotations

import io
import threading
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Job
from portal.platform import jobs
from tests.conftest import Builders, client_for, login


class HeldQueue:
    """Stands in for the RQ queue: wake-ups are counted, and no worker takes them."""

    def __init__(self) -> None:
        self.count = 0

    def enqueue(self, *args, **kwargs) -> None:
        self.count += 1


@pytest.fixture
def held(app_factory, monkeypatch):
    """An app whose jobs wait in the Job table until the test starts them (RQ, no worker)."""
    wakeups = HeldQueue()
    monkeypatch.setattr(jobs, "queue", lambda app=None: wakeups)
    app = app_factory(JOBS_BACKEND="rq")
    with app.app_context():
        yield app


def _teachers_csv(n: int = 3) -> bytes:
    return ("姓名,任教学科,学历\n" + "\n".join(f"教师{i},焊接工艺,本科" for i in range(n))).encode()


def _import(client) -> tuple[int, str]:
    response = client.post(
        "/school/import/teachers",
        data={"file": (io.BytesIO(_teachers_csv()), "teachers.csv")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.location or response.get_data(as_text=True)


def _recompute(client) -> int:
    response = client.post("/school/proposals/recompute")
    assert response.status_code == 302 and "/auth/jobs/" in response.location, response.status_code
    return int(response.location.rsplit("/", 1)[1])


def _job_id(location: str) -> int:
    assert "/auth/jobs/" in location, location
    return int(location.rsplit("/", 1)[1])


def _schools(app):
    build = Builders()
    flooding, other = build.school(), build.school()
    db.session.commit()
    clients = []
    for staff in (flooding, other):
        client = client_for(app, staff)
        clients.append(client)
    return flooding, other, *clients


def _flood(client, joined: bool = True) -> tuple[list[int], int]:
    """Three imports and six requests for the same recompute, as fast as a script sends them."""
    imports = []
    for _ in range(3):
        status, location = _import(client)
        assert status == 302
        imports.append(_job_id(location))
    recomputes = [_recompute(client) for _ in range(6)]
    if joined:
        assert len(set(recomputes)) == 1  # one recompute waiting: the others joined it
    return imports, recomputes[0]


def test_another_schools_short_job_starts_before_the_rest_of_a_flood(held):
    flooding, _other, a, b = _schools(held)
    imports, recompute = _flood(a)
    short = _recompute(b)
    # Everything waits, oldest first; nobody has used the workers yet: the oldest job starts.
    assert jobs.startable(limit=1) == [imports[0]]
    assert jobs.work_next() == imports[0]
    # The flooding school has had its turn: the other school's job is next, before the
    # flooding school's older ones.
    assert jobs.startable()[0] == short
    assert jobs.work_next() == short
    # Then the rest, each in turn.
    while jobs.work_next() is not None:
        pass
    ended = {job.id: job for job in db.session.scalars(select(Job))}
    assert all(job.status == "done" for job in ended.values()), {j.id: j.error for j in ended.values()}
    started = sorted(ended.values(), key=lambda job: (job.started_at, job.id))
    assert [job.id for job in started[:2]] == [imports[0], short]
    assert {job.id for job in started[2:]} == {*imports[1:], recompute}


def test_while_a_school_runs_a_job_its_other_jobs_wait_and_another_school_goes_first(held):
    flooding, _other, a, b = _schools(held)
    imports, recompute = _flood(a)
    # A worker takes the flooding school's first job and is still running it.
    assert jobs._claim(imports[0])
    db.session.commit()
    assert jobs.startable() == []  # one job at a time per school (JOBS_RUNNING_PER_ORGANISATION)
    short = _recompute(b)
    assert jobs.startable() == [short]
    assert jobs.work_next() == short
    assert db.session.get(Job, short).status == "done"
    assert {db.session.get(Job, i).status for i in [*imports[1:], recompute]} == {"queued"}


def test_a_fourth_waiting_import_is_refused_with_a_message(held):
    _flooding, _other, a, b = _schools(held)
    for _ in range(3):
        assert _import(a)[0] == 302
    status, page = _import(a)
    assert status == 429
    assert "already have 3 jobs" in page or "已有 3 个" in page
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "import_sheet")) == 3
    # Another school is not affected, and once a job has started there is room again.
    assert _import(b)[0] == 302
    jobs.work_next()
    assert _import(a)[0] == 302


def test_the_same_recompute_is_asked_for_once_and_its_page_shown_to_the_school(held):
    build = Builders()
    staff = build.school()
    db.session.commit()
    student = build.student(staff)
    first = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    db.session.commit()
    again = jobs.submit("rank_school", user=staff, args={"school_id": staff.organisation_id})
    assert again.id == first.id
    # A major's ranking waiting for a worker takes in the next major published meanwhile.
    ranking = jobs.submit("rank_programs", user=staff, args={"program_ids": [1]})
    db.session.commit()
    assert jobs.submit("rank_programs", user=staff, args={"program_ids": [2]}).id == ranking.id
    db.session.commit()
    assert db.session.get(Job, ranking.id).args == {"program_ids": [1, 2]}
    # Its page is the school staff's (who may join it), not its students'.
    client = held.test_client()
    login(client, student.email)
    assert client.get(f"/auth/jobs/{first.id}").status_code == 404


def test_the_district_recompute_is_queued_or_running_once(held):
    admin = Builders().admin()
    db.session.commit()
    client = held.test_client()
    login(client, admin.email)
    ids = set()
    for path in ("/admin/proposals/recompute", "/admin/proposals/recompute"):
        response = client.post(path)
        assert response.status_code == 302
        ids.add(_job_id(response.location))
    assert len(ids) == 1
    job_id = ids.pop()
    assert jobs._claim(job_id)  # a worker runs it
    db.session.commit()
    response = client.post("/admin/proposals/recompute")
    assert _job_id(response.location) == job_id  # still one: the page follows the running one
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "rank_all")) == 1


def test_on_threads_a_flood_runs_one_job_at_a_time_and_another_school_is_not_held_up(
    app_factory, monkeypatch
):
    app = app_factory(JOBS_BACKEND="thread")
    release = threading.Event()
    real = jobs.KINDS["import_sheet"]

    def slow_import(job, progress):
        release.wait(30)  # the flood's jobs are long: each holds until the test lets it go
        return real(job, progress)

    monkeypatch.setitem(jobs.KINDS, "import_sheet", slow_import)
    with app.app_context():
        _flooding, _other, a, b = _schools(app)
        try:
            imports = [_job_id(_import(a)[1]) for _ in range(3)]
            _wait(lambda: _status(imports[0]) == "running")
            short = _recompute(b)
            _wait(lambda: _status(short) == "done")
            # The other school's job ran to its end while the flood's first job still runs, and
            # the flood's others are still waiting (the school runs one job at a time).
            assert [_status(i) for i in imports] == ["running", "queued", "queued"]
        finally:
            release.set()
        for job_id in imports:
            _wait(lambda job_id=job_id: _status(job_id) == "done")


def test_with_real_rq_a_burst_worker_serves_another_school_before_a_flood(rq_app):
    app = rq_app
    with app.app_context():
        flooding, _other, a, b = _schools(app)
        imports, recompute = _flood(a, joined=False)  # (joining is checked above)
        short = _recompute(b)
        try:
            result = app.test_cli_runner().invoke(args=["worker", "--burst"])
            assert result.exit_code == 0, result.output
            db.session.expire_all()
            started = sorted(db.session.scalars(select(Job)), key=lambda job: (job.started_at, job.id))
            assert all(job.status == "done" for job in started), [(j.id, j.error) for j in started]
            flood = {job.id for job in started if job.organisation_id == flooding.organisation_id}
            # The short job started before every job of the flood but the first one taken.
            order = [job.id for job in started if job.id in flood or job.id == short]
            assert order.index(short) <= 1, order
        finally:
            jobs.queue(app).delete(delete_jobs=True)


def _status(job_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Job, job_id).status


def _wait(condition, seconds: float = 30) -> None:
    """Bounds a hang; no assertion depends on how long it took."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail("condition not reached")


def test_workers_taking_jobs_at_the_same_moment_never_start_two_of_one_school(held, monkeypatch):
    """Several RQ workers: the choice and the claim are one step (a lock), so three workers woken
    at once start the flooding school's first import and the other school's job, not two imports."""
    flooding, _other, a, b = _schools(held)
    imports = [_job_id(_import(a)[1]) for _ in range(2)]
    short = _recompute(b)
    release, barrier = threading.Event(), threading.Barrier(3)
    real = jobs.KINDS["import_sheet"]

    def slow_import(job, progress):
        release.wait(30)
        return real(job, progress)

    monkeypatch.setitem(jobs.KINDS, "import_sheet", slow_import)
    took: list[int | None] = []

    def worker() -> None:
        with held.app_context():
            barrier.wait(10)
            try:
                took.append(jobs.work_next())
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        _wait(lambda: _status(short) == "done" and len(took) == 2)
        assert [_status(i) for i in imports] == ["running", "queued"]
        assert sorted(took, key=str) == sorted([short, None], key=str)
    finally:
        release.set()
        for thread in threads:
            thread.join(30)
    assert sorted(took, key=str) == sorted([short, None, imports[0]], key=str)
