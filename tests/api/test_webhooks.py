"""Webhooks with a local receiver: signed deliveries, retries with back-off, nothing lost when the
worker dies mid-delivery, job-finished events, and the page that lists deliveries."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import WebhookDelivery
from portal.platform.model_base import utcnow
from tests.api.conftest import bearer


class Receiver:
    """An HTTP server on 127.0.0.1 that answers each POST with the next status of `statuses`."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def hooked_app(app_factory):
    return app_factory(WEBHOOK_RETRY_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=5, WEBHOOK_TIMEOUT_SECONDS=5)


def _verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in headers["X-Xiaoqi-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def _apply(student, posting):
    """The student applies to the posting (the event the hooks here want), committed: the delivery
    job runs after the commit (inline in tests)."""
    from portal.internships import services as internships

    placement = internships.apply(
        student, posting.id, "我想实习", date(2000, 1, 1), entry_year=date.today().year - 2, sex="f"
    )
    db.session.commit()
    return placement


def _internship_world(build):
    hr = build.enterprise()
    staff = build.school()
    student = build.student(staff)
    posting = build.posting(hr, "internship")
    return hr, staff, student, posting


def test_signed_delivery_and_a_receiver_failing_twice_gets_the_third(hooked_app, build, receiver_factory):
    from portal.api import webhooks

    with hooked_app.app_context():
        hr, _staff, student, posting = _internship_world(build)
        receiver = receiver_factory([500, 503, 200])
        hook = webhooks.register(hr, url=receiver.url, events_wanted=["application.received"])
        db.session.commit()
        secret = hook.secret
        placement = _apply(student, posting)  # the delivery job runs after this commit (inline in tests)

        assert [status for _h, _b, status in receiver.received] == [500, 503, 200]
        headers, body, _status = receiver.received[-1]
        assert _verify(secret, headers, body)
        assert not _verify("another secret", headers, body)
        assert headers["X-Xiaoqi-Event"] == "application.received"
        payload = __import__("json").loads(body)
        assert payload["data"]["placement_id"] == placement.id
        assert "Student" not in body.decode()  # ids, never the student's name
        delivery = db.session.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
        # The same body was sent each time: a receiver can drop repeats by X-Xiaoqi-Delivery.
        assert len({b for _h, b, _s in receiver.received}) == 1
        assert {h["X-Xiaoqi-Delivery"] for h, _b, _s in receiver.received} == {str(delivery.id)}


def test_a_delivery_whose_worker_died_is_sent_by_the_next_run(
    hooked_app, build, receiver_factory, monkeypatch
):
    from portal.api import webhooks

    with hooked_app.app_context():
        hr, _staff, student, posting = _internship_world(build)
        receiver = receiver_factory([])
        webhooks.register(hr, url=receiver.url, events_wanted=["application.received"])
        db.session.commit()

        def killed(*_args):
            raise RuntimeError("worker killed mid-delivery")

        monkeypatch.setattr(webhooks, "_send", killed)
        _apply(student, posting)
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.status == "pending" and delivery.attempts == 0 and receiver.received == []

        monkeypatch.undo()
        assert delivery.next_attempt_at > utcnow()  # claimed by the worker that died
        delivery.next_attempt_at = utcnow()  # … until its claim runs out
        db.session.commit()
        result = hooked_app.test_cli_runner().invoke(args=["deliver-webhooks"])
        assert "1 delivered" in result.output
        db.session.expire_all()
        assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"
        assert len(receiver.received) == 1


def test_a_receiver_that_never_answers_is_given_up_after_the_attempts(hooked_app, build, receiver_factory):
    from portal.api import webhooks

    with hooked_app.app_context():
        hr, _staff, student, posting = _internship_world(build)
        receiver = receiver_factory([500] * 10)
        webhooks.register(hr, url=receiver.url, events_wanted=["application.received"])
        db.session.commit()
        _apply(student, posting)
        delivery = db.session.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts) == ("failed", 5)
        assert len(receiver.received) == 5


def test_job_finished_and_the_deliveries_page(hooked_app, build, receiver_factory, token_for):
    from portal.api import webhooks
    from tests.conftest import login

    with hooked_app.app_context():
        staff = build.school()
        receiver = receiver_factory([])
        webhooks.register(staff, url=receiver.url, events_wanted=["job.finished"])
        raw = token_for(staff)
        major = staff.organisation.programs[0].id
    client = hooked_app.test_client()
    client.confirms = False
    # Publishing a major re-ranks its proposals in a background job; its end is announced.
    assert client.post(f"/api/v1/school/majors/{major}/publish", headers=bearer(raw)).status_code == 200
    events = [__import__("json").loads(b)["event"] for _h, b, _s in receiver.received]
    assert events == ["job.finished"]
    with hooked_app.app_context():
        page = hooked_app.test_client()
        login(page, staff.email)
        html = page.get("/school/api-access").get_data(as_text=True)
        assert 'data-testid="deliveries"' in html and receiver.url in html


def test_webhook_urls_must_be_https_or_loopback(app, build):
    from portal.api import webhooks
    from portal.platform.errors import ServiceError

    hr = build.enterprise()
    for url in ("http://example.com/hook", "ftp://127.0.0.1/x", "javascript:alert(1)", ""):
        with pytest.raises(ServiceError):
            webhooks.register(hr, url=url, events_wanted=["job.finished"])
    assert webhooks.register(hr, url="https://erp.example.cn/hook", events_wanted=["job.finished"]).id
    with pytest.raises(ServiceError):
        webhooks.check_url("http://127.0.0.1/hook", production=True)


def test_nothing_is_lost_when_the_delivering_process_is_killed(app_factory, db_url, build, receiver_factory):
    """A worker process killed (SIGKILL) while its receiver is still answering: the delivery stays
    pending, and the next run delivers it once its claim has run out."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from portal.api import webhooks

    app = app_factory(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:1/0")  # the job waits: nobody runs it
    with app.app_context():
        hr, _staff, student, posting = _internship_world(build)
        arrived = threading.Event()
        receiver = receiver_factory([])
        original = receiver.server.RequestHandlerClass.do_POST

        def slow_first(handler):
            if not arrived.is_set():
                arrived.set()
                time.sleep(30)  # the worker is killed while it waits for this answer
            original(handler)

        receiver.server.RequestHandlerClass.do_POST = slow_first
        webhooks.register(hr, url=receiver.url, events_wanted=["application.received"])
        db.session.commit()
        _apply(student, posting)
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.status == "pending"

    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from tests.conftest import make_app; from portal.api import webhooks\n"
            "app = make_app(sys.argv[1], WEBHOOK_TIMEOUT_SECONDS=60)\n"
            "with app.app_context(): webhooks.deliver_due(wait=False)",
            db_url,
        ],
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    try:
        assert arrived.wait(60), "the worker never sent the delivery"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()

    with app.app_context():
        db.session.expire_all()
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert (delivery.status, delivery.attempts) == ("pending", 0)  # nothing recorded, nothing lost
        delivery.next_attempt_at = utcnow()  # its claim has run out
        db.session.commit()
        receiver.server.RequestHandlerClass.do_POST = original
        assert "1 delivered" in app.test_cli_runner().invoke(args=["deliver-webhooks"]).output
        db.session.expire_all()
        assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"
