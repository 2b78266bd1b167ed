"""Providers behind one interface: `send(message) -> Outcome`.

- console: development; writes the SMS text (a code included) to the log, never the number.
- aliyun: Alibaba Cloud SMS (SendSms) through its official SDK, alibabacloud-dysmsapi20170525.
- tencent: Tencent Cloud SMS (SendSms, 2021-01-11) through tencentcloud-sdk-python-sms.
- smtp: e-mail through the configured SMTP server (MAIL_*).
- wecom: a 企业微信 group robot's webhook (POST {"msgtype": "text", ...}).

An Outcome says whether the provider took the message, its id for the message, and whether
trying again may help (a refused template or number will not). No provider logs a recipient.

Idempotency: none of these APIs takes an idempotency key. Aliyun's OutId and Tencent's
SessionContext carry the message's key back in delivery reports, so a repeat after a worker
died between the provider's answer and our record of it can be recognised, not prevented
(README, "Messaging").
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

from portal.messaging.models import OutgoingMessage
from portal.messaging.sms_templates import TEMPLATES

log = logging.getLogger(__name__)
ERROR_MAX = 300


@dataclass(frozen=True)
class Outcome:
    ok: bool
    provider_id: str | None = None
    error: str | None = None
    retry: bool = True  # a failure that trying again may cure


class Provider(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> Outcome: ...


def _template_code(key: str) -> str:
    return current_app.config["SMS_TEMPLATE_CODES"].get(key) or ""


class ConsoleSms:
    name = "console"

    def send(self, message: OutgoingMessage) -> Outcome:
        # The name is left out of the log (no personal data in logs); a code is what development needs.
        text = TEMPLATES[message.template].render({**message.params, "name": "*"})
        log.warning("SMS (console provider) message %s [%s]: %s", message.id, message.template, text)
        return Outcome(True, provider_id=f"console-{message.id}")


class AliyunSms:
    """SendSms: PhoneNumbers (mainland numbers without +86), SignName, TemplateCode, TemplateParam
    (JSON by parameter name), OutId (our key). "OK" is success; throttling and server errors retry."""

    name = "aliyun"
    NO_RETRY = {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.INVALID_PARAMETERS",
        "isv.BLACK_KEY_CONTROL_LIMIT",
    }

    def _client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        config = current_app.config
        timeout_ms = config["MESSAGE_TIMEOUT_SECONDS"] * 1000
        return Client(
            openapi.Config(
                access_key_id=config["ALIYUN_ACCESS_KEY_ID"],
                access_key_secret=config["ALIYUN_ACCESS_KEY_SECRET"],
                endpoint=config["ALIYUN_SMS_ENDPOINT"],
                protocol=config["SMS_PROTOCOL"],
                connect_timeout=timeout_ms,
                read_timeout=timeout_ms,
            )
        )

    def send(self, message: OutgoingMessage) -> Outcome:
        from alibabacloud_dysmsapi20170525 import models

        template = TEMPLATES[message.template]
        phone = (
            message.recipient[3:] if message.recipient.startswith("+86") else message.recipient.lstrip("+")
        )
        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=current_app.config["SMS_SIGN_NAME"],
            template_code=_template_code(message.template),
            template_param=json.dumps(
                {name: str(message.params.get(name, "")) for name in template.params}, ensure_ascii=False
            ),
            out_id=message.idempotency_key,
        )
        try:
            body = self._client().send_sms(request).body
        except Exception as exc:  # the SDK raises TeaException / network errors
            status = getattr(exc, "statusCode", None) or getattr(exc, "status_code", None)
            code = getattr(exc, "code", None)
            return Outcome(False, error=f"aliyun: {status or ''} {code or type(exc).__name__}"[:ERROR_MAX])
        if body.code == "OK":
            return Outcome(True, provider_id=body.biz_id)
        return Outcome(False, error=f"aliyun: {body.code}"[:ERROR_MAX], retry=body.code not in self.NO_RETRY)


class TencentSms:
    """SendSms 2021-01-11: PhoneNumberSet (E.164), SmsSdkAppId, SignName, TemplateId,
    TemplateParamSet (in the template's order), SessionContext (our key). Each number's status
    comes back in SendStatusSet; "Ok" is success."""

    name = "tencent"
    NO_RETRY_PREFIXES = (
        "InvalidParameterValue",
        "UnauthorizedOperation",
        "FailedOperation.TemplateIncorrect",
    )

    def _client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        config = current_app.config
        http = HttpProfile(
            protocol=config["SMS_PROTOCOL"],
            endpoint=config["TENCENT_SMS_ENDPOINT"],
            reqTimeout=config["MESSAGE_TIMEOUT_SECONDS"],
        )
        return sms_client.SmsClient(
            credential.Credential(config["TENCENT_SECRET_ID"], config["TENCENT_SECRET_KEY"]),
            config["TENCENT_SMS_REGION"],
            ClientProfile(httpProfile=http),
        )

    def send(self, message: OutgoingMessage) -> Outcome:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        template = TEMPLATES[message.template]
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.recipient]
        request.SmsSdkAppId = current_app.config["TENCENT_SMS_APP_ID"]
        request.SignName = current_app.config["SMS_SIGN_NAME"]
        request.TemplateId = _template_code(message.template)
        request.TemplateParamSet = [str(message.params.get(name, "")) for name in template.params]
        request.SessionContext = message.idempotency_key
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or ""
            retry = not code.startswith(self.NO_RETRY_PREFIXES)
            return Outcome(False, error=f"tencent: {code}"[:ERROR_MAX], retry=retry)
        except Exception as exc:
            return Outcome(False, error=f"tencent: {type(exc).__name__}"[:ERROR_MAX])
        statuses = response.SendStatusSet or []
        if statuses and statuses[0].Code == "Ok":
            return Outcome(True, provider_id=statuses[0].SerialNo)
        code = statuses[0].Code if statuses else "no status"
        return Outcome(
            False, error=f"tencent: {code}"[:ERROR_MAX], retry=not code.startswith(self.NO_RETRY_PREFIXES)
        )


class SmtpMail:
    name = "smtp"

    def send(self, message: OutgoingMessage) -> Outcome:
        config = current_app.config
        if not config.get("MAIL_SERVER"):
            return Outcome(False, error="smtp: MAIL_SERVER not set", retry=False)
        mail = EmailMessage()
        mail["From"] = config.get("MAIL_FROM") or "noreply@localhost"
        mail["To"] = message.recipient
        mail["Subject"] = str(message.params.get("subject", "")).replace("\r", " ").replace("\n", " ")
        mail["Message-ID"] = f"<{message.idempotency_key}@xiaoqi>"  # a repeat is recognisable
        mail.set_content(str(message.params.get("body", "")))
        try:
            with smtplib.SMTP(
                config["MAIL_SERVER"],
                int(config.get("MAIL_PORT") or 25),
                timeout=config["MESSAGE_TIMEOUT_SECONDS"],
            ) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused:
            return Outcome(False, error="smtp: recipient refused", retry=False)
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome(False, error=f"smtp: {type(exc).__name__}"[:ERROR_MAX])
        return Outcome(True)


class WecomRobot:
    """企业微信 group robot: POST the documented JSON to the robot's webhook URL; errcode 0 is success."""

    name = "wecom"

    def send(self, message: OutgoingMessage) -> Outcome:
        body = json.dumps(
            {"msgtype": "text", "text": {"content": str(message.params.get("text", ""))}}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(
            message.recipient, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(
                request, timeout=current_app.config["MESSAGE_TIMEOUT_SECONDS"]
            ) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return Outcome(False, error=f"wecom: HTTP {exc.code}")
        except (OSError, ValueError) as exc:
            return Outcome(False, error=f"wecom: {type(exc).__name__}")
        if answer.get("errcode") == 0:
            return Outcome(True)
        # 45009: the robot's 20-a-minute limit: later helps; others (a bad key) do not.
        errcode = answer.get("errcode")
        return Outcome(False, error=f"wecom: errcode {errcode}", retry=errcode in (45009, -1))


SMS_PROVIDERS = {"console": ConsoleSms, "aliyun": AliyunSms, "tencent": TencentSms}


def for_channel(channel: str) -> Provider | None:
    """The provider that sends this channel's messages (None: SMS turned off)."""
    if channel == "sms":
        cls = SMS_PROVIDERS.get(current_app.config["SMS_PROVIDER"])
        return cls() if cls else None
    if channel == "email":
        return SmtpMail()
    if channel == "wecom":
        return WecomRobot()
    return None
