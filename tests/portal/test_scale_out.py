"""Two app servers and two workers on one PostgreSQL and one Redis (issue 11): a session from
one server is valid on the other, login throttling is shared, a recompute started on one is
followed on the other, and a worker killed mid-job leaves the job failed, retryable, with
nothing half-written. Real processes (gunicorn, `flask worker`), real sockets."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Job, Proposal
from tests.conftest import PASSWORD, Builders, unavailable
from tests.partnerships.test_proposals import publish_program

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Cookies by hand, one per server: the session cookie is carried from one server to the other."""

    def __init__(self) -> None:
        self.cookie = ""

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        found = re.search(r"xq_session=([^;]+)", response.getheader("Set-Cookie") or "")
        if found:
            self.cookie = f"xq_session={found.group(1)}"
        return response.status, response.getheader("Location") or "", text

    def token(self, port: int, path: str) -> str:
        _, _, page = self.request(port, "GET", path)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def login(self, port: int, email: str, password: str) -> int:
        token = self.token(port, "/auth/login")
        return self.request(
            port, "POST", "/auth/login", {"csrf_token": token, "email": email, "password": password}
        )[0]


def _start(command: list[str], env: dict, wait_port: int | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    if wait_port is not None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", wait_port), timeout=1):
                    return process
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"{command} did not listen on {wait_port}")
    return process


def _kill(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


def _wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"waited {seconds} s for {what}")


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_two_servers_and_two_workers_share_everything(app_factory, db_url):
    import redis

    if db_url.startswith("sqlite"):
        pytest.skip("scale-out is a PostgreSQL and Redis setup")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis unreachable: {exc}")
    app = app_factory()
    with app.app_context():
        from seed.synthetic import generate

        build = Builders()
        staff = build.school(programs=("焊接技术应用", "工业机器人技术应用"))
        publish_program(staff)
        generate(300, postings_per_enterprise=10)  # enough postings for a ranking that takes a moment
        db.session.execute(Proposal.__table__.delete())
        db.session.commit()
        school_id = staff.organisation_id

        env = {
            **os.environ,
            "FLASK_APP": "portal:create_app",
            "FLASK_ENV": "development",
            "SECRET_KEY": "shared",
            "DATABASE_URL": db_url,
            "REDIS_URL": REDIS_URL,
            "JOBS_QUEUE": f"test-{uuid.uuid4().hex}",
            "JOBS_STALE_SECONDS": "2",
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        }
        ports = [_free_port(), _free_port()]
        servers = [
            _start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "1",
                    "-b",
                    f"127.0.0.1:{port}",
                    "portal:create_app()",
                ],
                env,
                port,
            )
            for port in ports
        ]
        workers: list[subprocess.Popen] = []
        try:
            a, b = ports
            # A session made on one server is valid on the other.
            browser = Browser()
            assert browser.login(a, staff.email, PASSWORD) == 302
            assert browser.request(b, "GET", "/school/")[0] == 200

            # Login throttling is counted in Redis: five wrong passwords spread over both servers,
            # and the sixth attempt is refused on either, even with the right password.
            stranger = build.enterprise(email=f"hr-{uuid.uuid4().hex[:8]}@example.com")
            db.session.commit()
            attempts = [Browser().login(port, stranger.email, "wrong password!") for port in (a, b, a, b, a)]
            assert 429 not in attempts
            assert Browser().login(b, stranger.email, PASSWORD) == 429

            # A recompute started on server A waits in the queue; server B shows it.
            status, location, _ = browser.request(
                a,
                "POST",
                "/school/proposals/recompute",
                {"csrf_token": browser.token(a, "/school/proposals")},
            )
            assert status == 302 and "/auth/jobs/" in location
            job_id = int(location.rsplit("/", 1)[1])
            assert 'data-status="queued"' in browser.request(b, "GET", f"/auth/jobs/{job_id}")[2]

            # A worker takes it and is killed mid-job: nothing it was writing is there, and after
            # the heartbeat stops the job reads as failed, on either server.
            workers.append(_start([sys.executable, "-m", "flask", "worker"], env))
            _wait_for(lambda: _job(job_id).status == "running", "the first worker to start the job")
            _kill(workers[0], signal.SIGKILL)
            assert _job(job_id).status == "running"
            proposals = lambda: db.session.scalar(  # noqa: E731
                select(func.count()).select_from(Proposal).where(Proposal.school_id == school_id)
            )
            assert proposals() == 0
            page = _wait_for(
                lambda: (lambda t: t if 'data-status="failed"' in t else None)(
                    browser.request(b, "GET", f"/auth/jobs/{job_id}")[2]
                ),
                "the job to read as failed",
                30,
            )
            assert 'data-testid="job-retry"' in page

            # Run again from server B: the second worker does it, and A sees it done.
            status, _, _ = browser.request(
                b,
                "POST",
                f"/auth/jobs/{job_id}/retry",
                {"csrf_token": browser.token(b, f"/auth/jobs/{job_id}")},
            )
            assert status == 302
            workers.append(_start([sys.executable, "-m", "flask", "worker"], env))
            _wait_for(lambda: _job(job_id).status == "done", "the second worker to finish the job", 120)
            assert 'data-status="done"' in browser.request(a, "GET", f"/auth/jobs/{job_id}")[2]
            assert _job(job_id).attempts == 2 and proposals() > 0
        finally:
            for process in [*workers, *servers]:
                _kill(process)
