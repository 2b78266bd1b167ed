"""Configuration: the only module that reads environment variables.

`load_config(overrides)` returns a plain dict for `app.config`. Three modes:
development (default), production (`FLASK_ENV=production`) and testing (set by
the test suite through overrides).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


# argon2id at the OWASP minimum (t=2, m=19 MiB, p=1); see SECURITY.md item 6.
ARGON2_OWASP = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19 * 1024, "ARGON2_PARALLELISM": 1}


class ConfigError(RuntimeError):
    """Raised when the environment cannot run the app safely."""


def _json_text(value: Any) -> str:
    """A JSON column's text (`json.dumps` turns non-string keys into strings too)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    mode = (overrides or {}).get("ENV") or env.get("FLASK_ENV", "development")
    production = mode == "production"
    redis_url = env.get("REDIS_URL") or None

    config: dict[str, Any] = {
        "ENV": mode,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'xiaoqi.db'}",
        "REDIS_URL": redis_url,
        # Long work runs as background jobs (portal/services/jobs.py): on RQ with Redis, else
        # in a thread of the web process.
        "JOBS_BACKEND": env.get("JOBS_BACKEND") or ("rq" if redis_url else "thread"),
        "JOBS_QUEUE": env.get("JOBS_QUEUE", "xiaoqi"),
        # A running job without a heartbeat for this long lost its worker (it reads as failed).
        "JOBS_STALE_SECONDS": _env_int("JOBS_STALE_SECONDS", 300),
        # `flask worker` marks such jobs failed (and wakes workers for waiting jobs) this often.
        "JOBS_SWEEP_SECONDS": _env_int("JOBS_SWEEP_SECONDS", 30),
        # Fair share (issue 22): jobs of one kind an organisation may have waiting (one more is
        # refused), and jobs it may have running at once (at most one of each kind).
        "JOBS_QUEUED_PER_KIND": _env_int("JOBS_QUEUED_PER_KIND", 3),
        "JOBS_RUNNING_PER_ORGANISATION": _env_int("JOBS_RUNNING_PER_ORGANISATION", 1),
        # Postings' matcher features a process holds between majors' rankings (issue 31; checked
        # against the database each time): about 2.4 KB a posting, so 60,000 take about 145 MB
        # (the 5x bench's 45,112 live postings: 105 MB). 0 holds none (each ranking reads them).
        "MATCHER_HELD_POSTINGS": _env_int("MATCHER_HELD_POSTINGS", 60_000),
        # Public list pages kept rendered until a posting or organisation changes (portal/cache.py);
        # 0 turns it off.
        "PAGE_CACHE_SECONDS": _env_int("PAGE_CACHE_SECONDS", 300),
        # Rendered cards kept per process under the values they show (portal/platform/cache.py,
        # `fragment`): a card is about 1.5 KB, so 10,000 take some 15 MB a worker. 0 keeps none.
        "FRAGMENT_CACHE_ENTRIES": _env_int("FRAGMENT_CACHE_ENTRIES", 10_000),
        # Rate-limit counters must be shared between workers in production.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: count in each worker's memory (logged by "flask-limiter") instead of
        # failing login, registration and applications with a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        "REGISTER_LIMIT": env.get("REGISTER_LIMIT", "10 per hour"),
        "APPLY_LIMIT": env.get("APPLY_LIMIT", "30 per hour"),
        # Student CVs one enterprise may download in a district day (portal.internships.profiles).
        "CV_DOWNLOADS_PER_DAY": _env_int("CV_DOWNLOADS_PER_DAY", 30),
        # Number of trusted reverse proxies in front of the app (0: none).
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": ["zh", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "xq_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SESSION_HOURS", 8)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        "HSTS": production,
        "PROPAGATE_EXCEPTIONS": False,
        **ARGON2_OWASP,
        "ALLOW_DEMO_IN_PRODUCTION": env.get("ALLOW_DEMO_IN_PRODUCTION") == "1",
        # hide_parameters: a failed statement's log line must not carry password hashes or
        # session tokens (SECURITY.md, secrets in logs).
        # JSON columns through orjson: a district's recompute writes 350,000 proposals' reasons at 5×,
        # and the standard library spent 7 s encoding them (22 µs each, orjson 2 µs).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "hide_parameters": True,
            "json_serializer": _json_text,
            "json_deserializer": orjson.loads,
        },
        # Notification e-mail: sent only when MAIL_SERVER is set, by a job (portal.messaging.sending).
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "noreply@xiaoqi.local"),
        # Public address of the site, for absolute links in e-mails (e.g. https://xqt.example.cn).
        "SITE_URL": env.get("SITE_URL", ""),
        # The open API (portal/api): requests per token a minute (per address without a token),
        # and the browser origins allowed to call it (CORS), separated by spaces.
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "120 per minute"),
        "API_CORS_ORIGINS": tuple((env.get("API_CORS_ORIGINS") or "").split()),
        # Webhook deliveries: attempts before a delivery is given up, the first wait between attempts
        # (then ×4 each time, at most an hour), the receiver's time to answer, and how long one
        # delivery job stays for retries that are due soon (later ones wait for the next job or
        # `flask deliver-webhooks`).
        "WEBHOOK_MAX_ATTEMPTS": _env_int("WEBHOOK_MAX_ATTEMPTS", 6),
        "WEBHOOK_RETRY_SECONDS": _env_int("WEBHOOK_RETRY_SECONDS", 30),
        "WEBHOOK_TIMEOUT_SECONDS": _env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_MAX_WAIT_SECONDS": _env_int("WEBHOOK_MAX_WAIT_SECONDS", 120),
        # --- messaging (portal/messaging): SMS, e-mail and 企业微信 robot messages (issue 30) ---
        # SMS provider: "console" (development: the message, code included, goes to the log),
        # "aliyun" (Alibaba Cloud SMS), "tencent" (Tencent Cloud SMS) or "none" (no SMS).
        "SMS_PROVIDER": env.get("SMS_PROVIDER") or ("none" if production else "console"),
        "SMS_SIGN_NAME": env.get("SMS_SIGN_NAME", "校企通"),
        # Template codes the provider approved, one per template of portal/messaging/templates.py.
        "SMS_TEMPLATE_CODES": {
            key: env.get(f"SMS_TEMPLATE_{key.upper()}", "")
            for key in (
                "login_code",
                "reset_code",
                "verify_code",
                "offer",
                "offer_reminder",
                "log_late",
                "notice",
            )
        },
        "ALIYUN_ACCESS_KEY_ID": env.get("ALIYUN_ACCESS_KEY_ID") or None,
        "ALIYUN_ACCESS_KEY_SECRET": env.get("ALIYUN_ACCESS_KEY_SECRET") or None,
        "ALIYUN_SMS_ENDPOINT": env.get("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com"),
        "TENCENT_SECRET_ID": env.get("TENCENT_SECRET_ID") or None,
        "TENCENT_SECRET_KEY": env.get("TENCENT_SECRET_KEY") or None,
        "TENCENT_SMS_APP_ID": env.get("TENCENT_SMS_APP_ID", ""),
        "TENCENT_SMS_REGION": env.get("TENCENT_SMS_REGION", "ap-guangzhou"),
        "TENCENT_SMS_ENDPOINT": env.get("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
        # "https" everywhere but tests, which point the SDKs at a local server.
        "SMS_PROTOCOL": env.get("SMS_PROTOCOL", "https"),
        # Numbers without a country code are read as numbers of this region.
        "PHONE_REGION": env.get("PHONE_REGION", "CN"),
        # SMS codes: lifetime, codes a number or an address may ask for, wrong tries before a code dies.
        "SMS_CODE_SECONDS": _env_int("SMS_CODE_SECONDS", 300),
        "SMS_CODES_PER_MINUTE": _env_int("SMS_CODES_PER_MINUTE", 1),
        "SMS_CODES_PER_HOUR": _env_int("SMS_CODES_PER_HOUR", 5),
        "SMS_CODE_MAX_FAILURES": _env_int("SMS_CODE_MAX_FAILURES", 5),
        # Outgoing messages: attempts, first wait between them (then ×4, at most an hour), a
        # sender's claim on a message (after it another worker may send it again), the provider's
        # time to answer, and how long one job stays for retries due soon.
        "MESSAGE_MAX_ATTEMPTS": _env_int("MESSAGE_MAX_ATTEMPTS", 6),
        "MESSAGE_RETRY_SECONDS": _env_int("MESSAGE_RETRY_SECONDS", 30),
        "MESSAGE_LEASE_SECONDS": _env_int("MESSAGE_LEASE_SECONDS", 120),
        "MESSAGE_TIMEOUT_SECONDS": _env_int("MESSAGE_TIMEOUT_SECONDS", 10),
        "MESSAGE_MAX_WAIT_SECONDS": _env_int("MESSAGE_MAX_WAIT_SECONDS", 120),
        # --- end of messaging settings ---
    }
    if overrides:
        config.update(overrides)

    if production:
        if not config["SECRET_KEY"]:
            raise ConfigError("SECRET_KEY must be set in the environment in production.")
        if not env.get("DATABASE_URL") and "SQLALCHEMY_DATABASE_URI" not in (overrides or {}):
            raise ConfigError("DATABASE_URL must point at PostgreSQL in production.")
    elif not config["SECRET_KEY"]:
        # Development only: a stable key kept under instance/ so sessions survive restarts.
        config["SECRET_KEY"] = _dev_secret_key()
    return config


def _dev_secret_key() -> str:
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
    return key_file.read_text().strip()
