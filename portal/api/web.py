"""The API's request plumbing: who is calling (Bearer token), the one commit path for writes
(with Idempotency-Key), ETags on reads, CORS for configured origins.

A write runs exactly as a form's POST does (`portal.platform.web.attempt`): one service call, one commit,
a refusal rolls back. A refusal's problems go beside their fields, together with the problems of
the request's types, so every problem of one request is answered at once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Role, User
from portal.api import tokens
from portal.api.problems import ApiProblem
from portal.api.render import plain
from portal.extensions import db
from portal.models.api import ApiToken, IdempotentWrite, TokenScope
from portal.platform.errors import ALREADY_EXISTS, Conflict, Invalid, NotFound, ServiceError, is_duplicate
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.security import security_log

KEY_MAX = 200
_NO_TOKEN = object()

MISSING_TOKEN = _l("Send an API token: Authorization: Bearer xqt_…")
BAD_TOKEN = _l("The API token is unknown, revoked or expired, or its member may no longer act.")
READ_ONLY = _l("This token may only read; make a token with the write scope.")
WRONG_AREA = _l("This token's organisation cannot use this operation.")
KEY_REUSED = _l("This Idempotency-Key was used for another request; use a new key.")
BAD_KEY = _l(
    "The Idempotency-Key is 1 to %(n)d visible ASCII characters: letters, digits and punctuation, no spaces.",
    n=KEY_MAX,
)
# Visible ASCII, no space: the pattern the spec publishes for the header (portal/api/spec.py) and the
# one the server holds a key to, with KEY_MAX.
KEY_PATTERN = "^[!-~]+$"
_KEY = re.compile(KEY_PATTERN)


# --- who is calling -----------------------------------------------------------------------------


def current_token() -> ApiToken | None:
    """The request's token, looked up once (also by the rate limiter's key)."""
    found = g.get("api_token", _NO_TOKEN)
    if found is _NO_TOKEN:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        found = tokens.authenticate(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
        g.api_token = found
        g.api_token_sent = bool(header)
    return found


def rate_key() -> str:
    """Rate limits count per token; calls without one count per client address."""
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-addr:{request.remote_addr or 'unknown'}"


def actor() -> User:
    token = current_token()
    assert token is not None
    return token.user


def _unauthorised(message) -> ApiProblem:
    return ApiProblem(401, message, headers={"WWW-Authenticate": 'Bearer realm="xiaoqi"'})


def requires(*roles: Role, write: bool = False):
    """An operation for tokens of these roles; `write`: the token needs the write scope."""

    def decorator(view: Callable):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            token = current_token()
            if token is None:
                if g.get("api_token_sent"):
                    security_log.warning(
                        "api token refused: addr=%s path=%s", request.remote_addr, request.path
                    )
                    raise _unauthorised(BAD_TOKEN)
                raise _unauthorised(MISSING_TOKEN)
            if token.user.role not in {r.value for r in roles}:
                security_log.warning("api access refused: token=%s path=%s", token.id, request.path)
                raise ApiProblem(403, WRONG_AREA)
            if write and token.scope != TokenScope.WRITE.value:
                raise ApiProblem(403, READ_ONLY)
            tokens.touch(token)
            db.session.commit()  # the last use is kept also when the request only reads
            return view(*args, **kwargs)

        wrapper._api_roles = roles  # type: ignore[attr-defined]
        wrapper._api_write = write  # type: ignore[attr-defined]
        return wrapper

    return decorator


# --- writes -------------------------------------------------------------------------------------


def _problems_of(exc: ServiceError) -> list[dict[str, Any]]:
    return [{"field": p.field or "", "message": p.message} for p in (getattr(exc, "problems", None) or [exc])]


def _status_of(exc: ServiceError, problems: list[dict[str, Any]]) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, Invalid) or any(p["field"] for p in problems):
        return 422
    return 409  # refused in the record's (or the organisation's) present state


def _fingerprint() -> str:
    raw = b"\n".join([request.method.encode(), request.path.encode(), request.get_data()])
    return hashlib.sha256(raw).hexdigest()


def _replay(record: IdempotentWrite) -> Response:
    response = current_app.response_class(record.body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if len(key) > KEY_MAX or not _KEY.fullmatch(key):  # too long, a space inside, control or non-ASCII
        raise ApiProblem(422, BAD_KEY, errors=[{"field": "Idempotency-Key", "message": BAD_KEY}])
    return key


def _stored(token: ApiToken, key: str) -> IdempotentWrite | None:
    return db.session.scalar(
        select(IdempotentWrite).where(IdempotentWrite.token_id == token.id, IdempotentWrite.key == key)
    )


def write(
    action: Callable[[], Any],
    render: Callable[[Any], Any],
    *,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    """Run one service call as the request's unit of work and answer JSON.

    `problems`: the request's own type problems; the service still runs (to find its problems
    with the fields that parsed) but nothing is saved, and all problems are answered together.
    With an `Idempotency-Key`, the first answer is stored in the same transaction and a repeat
    gets it back (`Idempotent-Replayed: true`) without running anything.
    """
    token = current_token()
    assert token is not None
    key = _idempotency_key()
    fingerprint = _fingerprint()
    if key is not None:
        earlier = _stored(token, key)
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                raise ApiProblem(
                    422, KEY_REUSED, errors=[{"field": "Idempotency-Key", "message": KEY_REUSED}]
                )
            db.session.rollback()
            return _replay(earlier)
    problems = list(problems or [])
    try:
        result = action()
        if problems:
            raise Invalid([ServiceError(p["message"], field=p["field"]) for p in problems])
        body = json.dumps(plain(render(result)), ensure_ascii=False)
        if key is not None:
            db.session.add(
                IdempotentWrite(
                    token_id=token.id, key=key, fingerprint=fingerprint, status_code=status, body=body
                )
            )
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        found = _problems_of(exc)
        typed = {p["field"] for p in problems}
        # A field whose type was wrong is reported once, for its type.
        merged = problems + [p for p in found if p["field"] not in typed or not p["field"]]
        if not problems and isinstance(exc, NotFound):
            raise ApiProblem(404, exc.message) from None
        status_code = 422 if problems else _status_of(exc, found)
        raise ApiProblem(
            status_code,
            None if status_code == 422 else exc.message,
            errors=[{"field": p["field"], "message": p["message"]} for p in merged],
        ) from None
    except IntegrityError as exc:
        db.session.rollback()
        if not is_duplicate(exc):
            raise
        if key is not None and (earlier := _stored(token, key)) is not None:
            return _replay(earlier)  # the same key, sent twice at once: the first one won
        raise ApiProblem(409, ALREADY_EXISTS) from None
    return current_app.response_class(body, status=status, mimetype="application/json")


# --- reads --------------------------------------------------------------------------------------


def finish_read(response: Response) -> Response:
    """A strong ETag over the body; If-None-Match with it answers 304 without the body."""
    if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
        return response
    tag = hashlib.sha256(response.get_data()).hexdigest()[:32]
    response.set_etag(tag)
    # Public reads may be cached briefly; a token's reads are its organisation's only.
    response.headers["Cache-Control"] = (
        "private, no-cache" if request.headers.get("Authorization") else "no-cache"
    )
    response.vary.add("Authorization")
    response.vary.add("Accept-Language")
    if tag in request.if_none_match:
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
    return response


def add_cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    allowed = current_app.config["API_CORS_ORIGINS"]
    if origin and origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = (
            "ETag, Retry-After, Idempotent-Replayed, RateLimit-Remaining"
        )
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
            response.headers["Access-Control-Allow-Headers"] = (
                "Authorization, Content-Type, Idempotency-Key, If-None-Match, Accept-Language"
            )
            response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response
