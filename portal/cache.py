"""Rendered public pages, kept until the records under them change.

`/postings` is the busiest page of the platform and the same for everyone who asks the same
question, so its content is rendered once per (search, language, day) and reused. Nothing
stale is served: every committed transaction that wrote to a watched table (postings and
organisations: a posting's card shows its enterprise) moves a generation number on, and
fragments are stored under the generation they were rendered at. The number lives in Redis
when `REDIS_URL` is set, so every app server and worker sees a change at once; without Redis
it lives in this process (the quick start and tests run one), and in production without
Redis there is no cache at all (gunicorn's workers could not tell each other of a change).
Entries expire after `PAGE_CACHE_SECONDS`
all the same, which bounds memory and any clock-driven change (a deadline passing).

A change is noticed on the connection that executes an INSERT, UPDATE or DELETE of a watched
table, whoever issues it (the unit of work, `locking.transition`'s conditional updates, bulk
statements), and counted when that connection commits; a rollback forgets it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app
from redis import RedisError
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

WATCHED_TABLES = frozenset({"posting", "organisation"})
_TOUCHED = "page_cache_touched"
MEMORY_ENTRIES = 512  # per process, least recently used dropped first


class _Memory:
    """This process's generation and fragments."""

    def __init__(self) -> None:
        self.generation = 0
        self.entries: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def current(self) -> int:
        return self.generation

    def bump(self) -> None:
        with self.lock:
            self.generation += 1
            self.entries.clear()  # every key of the old generation is dead

    def get(self, key: str) -> str | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: str, _seconds: int) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > MEMORY_ENTRIES:
                self.entries.popitem(last=False)


class _Redis:
    """The generation and fragments in Redis, shared by every process."""

    def __init__(self, app: Flask) -> None:
        from portal.services.jobs import redis_connection

        self.redis = redis_connection(app)
        # One Redis may serve several databases (staging, benchmarks): never share their pages.
        database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
        self.generation_key = f"xq:page:{database}:generation"
        # Pages are this release's: a new deployment (other templates) starts with none.
        # (`gunicorn --preload` creates the app once, so its workers share the token.)
        self.prefix = f"xq:page:{database}:{secrets.token_hex(4)}:"

    def current(self) -> int:
        return int(self.redis.get(self.generation_key) or 0)

    def bump(self) -> None:
        self.redis.incr(self.generation_key)

    def get(self, key: str) -> str | None:
        value = self.redis.get(self.prefix + key)
        return value.decode() if value is not None else None

    def put(self, key: str, value: str, seconds: int) -> None:
        self.redis.set(self.prefix + key, value, ex=seconds)


def init_app(app: Flask, engine: Engine) -> None:
    """Choose the store and watch `engine` for committed writes to the watched tables."""
    if not app.config["PAGE_CACHE_SECONDS"]:
        return
    if app.config["REDIS_URL"]:
        store: _Memory | _Redis = _Redis(app)
    elif app.config["ENV"] != "production":
        store = _Memory()
    else:
        return  # several processes and no Redis to tell each other of a change: no cache

    app.extensions["page_cache"] = store

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn, _cursor, _statement, _parameters, context, _executemany):
        if context is None or not (context.isinsert or context.isupdate or context.isdelete):
            return
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            conn.info[_TOUCHED] = True

    @event.listens_for(engine, "commit")
    def _count_commit(conn):
        if conn.info.pop(_TOUCHED, False):
            try:
                store.bump()
            except RedisError:  # the commit stands; entries expire on their own
                log.exception("page cache: could not move the generation on")

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(_TOUCHED, None)


def cached(key: Hashable, render: Callable[[], str]) -> str:
    """`render()`'s result for `key` at the current generation: from the store, or rendered and kept."""
    store = current_app.extensions.get("page_cache")
    if store is None:
        return render()
    try:
        full_key = f"{store.current()}:{key!r}"
        hit = store.get(full_key)
    except RedisError:  # Redis down: serve the page uncached, never fail it
        log.warning("page cache unavailable", exc_info=True)
        return render()
    if hit is not None:
        return hit
    value = render()
    try:
        store.put(full_key, value, current_app.config["PAGE_CACHE_SECONDS"])
    except RedisError:
        log.warning("page cache unavailable", exc_info=True)
    return value
