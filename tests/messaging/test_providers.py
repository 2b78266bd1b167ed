"""Each provider against a local server on 127.0.0.1 that speaks its HTTP API: the request the
official SDK builds and signs (the signature recomputed here from the test credentials), and
how each answer is read."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from portal.extensions import db
from portal.messaging import sending
from portal.messaging.models import OutgoingMessage
from tests.messaging.conftest import sms_config

NUMBER = "+8613800000001"


def _queue_notice(**params) -> OutgoingMessage:
    message = sending.queue_sms(NUMBER, "notice", {"name": "小明", "link": "xqt.example.cn/m/1", **params})
    db.session.commit()  # the job (inline in tests) sends it
    db.session.refresh(message)
    return message


def _acs3_signature(seen, secret: str) -> str:
    """Alibaba Cloud's ACS3-HMAC-SHA256 (V3 signature), recomputed from what arrived."""
    auth = seen.headers["Authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    parts = urlsplit(seen.path)
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query)
    lower = {k.lower(): v for k, v in seen.headers.items()}
    canonical_headers = "".join(f"{h}:{lower[h].strip()}\n" for h in signed)
    canonical = "\n".join(
        [
            seen.method,
            parts.path or "/",
            canonical_query,
            canonical_headers,
            ";".join(signed),
            hashlib.sha256(seen.body).hexdigest(),
        ]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def _tc3_signature(seen, secret_key: str) -> str:
    """Tencent Cloud's TC3-HMAC-SHA256, recomputed from what arrived."""
    timestamp = int(seen.headers["X-TC-Timestamp"])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    lower = {k.lower(): v for k, v in seen.headers.items()}
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{lower['content-type']}\nhost:{lower['host']}\n",
            "content-type;host",
            hashlib.sha256(seen.body).hexdigest(),
        ]
    )
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{day}/sms/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret_key).encode(), day), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_aliyun_send_sms_request_is_signed_and_shaped(app_factory, provider_server):
    app = app_factory(**sms_config("aliyun", provider_server))
    with app.app_context():
        message = _queue_notice()
        assert message.status == "sent" and message.provider == "aliyun" and message.provider_id == "biz-1"
    (seen,) = provider_server.requests
    query = dict(parse_qsl(urlsplit(seen.path).query))
    assert seen.method == "POST"
    assert seen.headers["x-acs-action"] == "SendSms" and seen.headers["x-acs-version"] == "2017-05-25"
    assert query["PhoneNumbers"] == "13800000001"  # mainland numbers without +86
    assert query["SignName"] == "校企通" and query["TemplateCode"] == "SMS_106"
    assert json.loads(query["TemplateParam"]) == {"name": "小明", "link": "xqt.example.cn/m/1"}
    assert query["OutId"] == message.idempotency_key
    auth = seen.headers["Authorization"]
    assert auth.startswith("ACS3-HMAC-SHA256 Credential=test-ak,")
    assert auth.split("Signature=")[1] == _acs3_signature(seen, "test-secret")
    assert _acs3_signature(seen, "another-secret") != auth.split("Signature=")[1]


def test_tencent_send_sms_request_is_signed_and_shaped(app_factory, provider_server):
    app = app_factory(**sms_config("tencent", provider_server))
    with app.app_context():
        message = _queue_notice()
        assert (
            message.status == "sent" and message.provider == "tencent" and message.provider_id == "serial-1"
        )
    (seen,) = provider_server.requests
    body = json.loads(seen.body)
    assert seen.headers["X-TC-Action"] == "SendSms" and seen.headers["X-TC-Version"] == "2021-01-11"
    assert body["PhoneNumberSet"] == [NUMBER] and body["SmsSdkAppId"] == "1400000001"
    assert body["TemplateId"] == "SMS_106" and body["SignName"] == "校企通"
    assert body["TemplateParamSet"] == ["小明", "xqt.example.cn/m/1"]  # in the template's order
    assert body["SessionContext"] == message.idempotency_key
    auth = seen.headers["Authorization"]
    assert auth.startswith("TC3-HMAC-SHA256 Credential=test-sid/")
    assert auth.split("Signature=")[1] == _tc3_signature(seen, "test-skey")


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_provider_failing_three_times_then_answering_delivers_once(app_factory, provider_server, provider):
    provider_server.statuses = [500, 500, 500]
    app = app_factory(**sms_config(provider, provider_server))
    with app.app_context():
        message = _queue_notice()
        assert message.status == "sent"
        assert message.attempts == 4
    assert len(provider_server.requests) == 4
    assert provider_server.accepted == 1  # delivered once


def test_a_provider_that_keeps_failing_gives_up_after_the_last_attempt(app_factory, provider_server):
    provider_server.statuses = [500] * 10
    app = app_factory(**sms_config("aliyun", provider_server), MESSAGE_MAX_ATTEMPTS=3)
    with app.app_context():
        message = _queue_notice()
        assert message.status == "failed" and message.attempts == 3 and "500" in message.last_error
    assert provider_server.accepted == 0 and len(provider_server.requests) == 3


def test_wecom_robot_posts_the_documented_json(app_factory, provider_server):
    app = app_factory(MESSAGE_RETRY_SECONDS=0)
    with app.app_context():
        url = f"http://{provider_server.url}/cgi-bin/webhook/send?key=test-key"
        message = sending.queue_wecom(url, "测试企业1 通知", organisation_id=None)
        db.session.commit()
        db.session.refresh(message)
        assert message.status == "sent"
    (seen,) = provider_server.requests
    assert seen.path == "/cgi-bin/webhook/send?key=test-key"
    assert json.loads(seen.body) == {"msgtype": "text", "text": {"content": "测试企业1 通知"}}
