"""Local stand-ins for the providers: an HTTP server on 127.0.0.1 that answers as Alibaba Cloud
SMS, Tencent Cloud SMS or a 企业微信 robot would, and records each request the SDKs signed."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ProviderServer:
    """Answers with `statuses` in turn (then 200), recording every request."""

    port: int = 0
    statuses: list[int] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    # Set when a request arrives; while `hold` is set the answer waits (a worker killed mid-send).
    arrived: threading.Event = field(default_factory=threading.Event)
    hold: threading.Event | None = None
    accepted: int = 0

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"

    def answer(self, seen: Seen) -> tuple[int, dict]:
        status = self.statuses.pop(0) if self.statuses else 200
        if status != 200:
            return status, {"Code": "ServiceUnavailable", "Message": "busy"}
        self.accepted += 1
        if seen.headers.get("X-TC-Action"):
            body = json.loads(seen.body or b"{}")
            return 200, {
                "Response": {
                    "SendStatusSet": [
                        {
                            "SerialNo": f"serial-{self.accepted}",
                            "PhoneNumber": (body.get("PhoneNumberSet") or [""])[0],
                            "Code": "Ok",
                            "Message": "send success",
                            "SessionContext": body.get("SessionContext"),
                        }
                    ],
                    "RequestId": "req-1",
                }
            }
        if seen.path.startswith("/cgi-bin/webhook/send"):
            return 200, {"errcode": 0, "errmsg": "ok"}
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{self.accepted}", "RequestId": "req-1"}


@pytest.fixture
def provider_server():
    state = ProviderServer()

    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
            state.requests.append(seen)
            state.arrived.set()
            if state.hold is not None:
                state.hold.wait(30)
                return  # the client is gone: no answer, nothing accepted
            status, payload = state.answer(seen)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()


def sms_config(provider: str, server: ProviderServer) -> dict:
    """Settings that point an SMS SDK at the local server (plain HTTP, test credentials)."""
    return {
        "SMS_PROVIDER": provider,
        "SMS_PROTOCOL": "http",
        "ALIYUN_SMS_ENDPOINT": server.url,
        "ALIYUN_ACCESS_KEY_ID": "test-ak",
        "ALIYUN_ACCESS_KEY_SECRET": "test-secret",
        "TENCENT_SMS_ENDPOINT": server.url,
        "TENCENT_SECRET_ID": "test-sid",
        "TENCENT_SECRET_KEY": "test-skey",
        "TENCENT_SMS_APP_ID": "1400000001",
        "SMS_TEMPLATE_CODES": {
            "login_code": "SMS_100",
            "reset_code": "SMS_101",
            "verify_code": "SMS_102",
            "offer": "SMS_103",
            "offer_reminder": "SMS_104",
            "log_late": "SMS_105",
            "notice": "SMS_106",
        },
        "MESSAGE_RETRY_SECONDS": 0,
    }
