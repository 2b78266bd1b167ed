"""Rendered public pages and computed figures, kept until the records under them change.

`/postings` is the busiest page of the platform and the same for everyone who asks the same
question, so its content is rendered once per (search, language, day) and reused. The
supply-and-demand figures (services/alignment.py) read every counted posting, and public
/stats/alignment shows them to anyone: they are computed once per change and kept in each
process (`memoised`). Nothing stale is served: each topic watches the tables it is made of,
every committed transaction that wrote to one of them moves the topic's generation number on,
and what is kept is stored under the generation it was made at. The numbers live in Redis
when `REDIS_URL` is set, so every app server and worker sees a change at once; without Redis
they live in this process (the quick start and tests run one), and in production without
Redis there is no cache at all (gunicorn's workers could not tell each other of a change).
Entries expire after `PAGE_CACHE_SECONDS` all the same, which bounds memory and any
clock-driven change (a deadline passing).

Fragments (a posting's card) are another kind of keeping: each is kept under every value it is
rendered from (and the language), so a changed record is a new key and nothing needs telling;
they live in each process, whatever the page cache's settings (`fragment`).

A change is noticed on the connection that executes an INSERT, UPDATE or DELETE of a watched
table, whoever issues it (the unit of work, `locking.transition`'s conditional updates, bulk
statements), and counted once that connection has committed and gone back to the pool; a
rollback forgets it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, request
from markupsafe import Markup
from redis import RedisError
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from portal.platform.i18n import current_locale
from portal.platform.jobs import redis_connection

log = logging.getLogger(__name__)
T = TypeVar("T")

# Each topic and the tables what it keeps is made of.
TOPICS = {
    # Public list pages: a posting's card shows its enterprise.
    "pages": frozenset({"posting", "organisation"}),
    # services/alignment.py: counted postings and the majors they prepare for, against the
    # verified schools' published majors and past years' supply, levelled by the thresholds.
    "alignment": frozenset(
        {"posting", "organisation", "posting_major", "program", "supply_snapshot", "alignment_threshold"}
    ),
    # services/rule_settings.py: the values in force, read by checks and pages on most requests.
    "rule_settings": frozenset({"rule_setting"}),
}
WATCHED_TABLES = frozenset().union(*TOPICS.values())
_TOUCHED = "page_cache_touched"  # written in the open transaction
_COMMITTED = "page_cache_committed"  # committed, not yet counted
MEMORY_ENTRIES = 512  # per process, least recently used dropped first
OBJECT_ENTRIES = 2048  # computed values per process (a search's ranked ids are a few KB each)


class _Lru:
    """At most `size` values of this process, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


class _Memory:
    """This process's generations, pages and figures."""

    def __init__(self) -> None:
        self.generations = dict.fromkeys(TOPICS, 0)
        self.pages = _Lru(MEMORY_ENTRIES)
        self.lock = threading.Lock()
        self.objects = _Objects()

    def current(self, topic: str = "pages") -> int:
        return self.generations[topic]

    def bump(self, topics=TOPICS) -> None:
        with self.lock:
            for topic in topics:
                self.generations[topic] += 1
        if "pages" in topics:
            self.pages.clear()  # every key of the old generation is dead

    def get(self, key: str) -> str | None:
        return self.pages.get(key)

    def put(self, key: str, value: str, _seconds: int) -> None:
        self.pages.put(key, value)


class _Redis:
    """The generation and fragments in Redis, shared by every process."""

    def __init__(self, app: Flask) -> None:

        self.redis = redis_connection(app)
        # One Redis may serve several databases (staging, benchmarks): never share their pages.
        database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
        self.generation_key = f"xq:page:{database}:generation"
        # Pages are this release's: a new deployment (other templates) starts with none.
        # (`gunicorn --preload` creates the app once, so its workers share the token.)
        self.prefix = f"xq:page:{database}:{secrets.token_hex(4)}:"
        self.objects = _Objects()

    def _key(self, topic: str) -> str:
        # The pages' key is the one every release has used.
        return self.generation_key if topic == "pages" else f"{self.generation_key}:{topic}"

    def current(self, topic: str = "pages") -> int:
        return int(self.redis.get(self._key(topic)) or 0)

    def bump(self, topics=TOPICS) -> None:
        with self.redis.pipeline() as pipe:
            for topic in topics:
                pipe.incr(self._key(topic))
            pipe.execute()

    def get(self, key: str) -> str | None:
        value = self.redis.get(self.prefix + key)
        return value.decode() if value is not None else None

    def put(self, key: str, value: str, seconds: int) -> None:
        self.redis.set(self.prefix + key, value, ex=seconds)


class _Objects:
    """Computed values kept in this process, one per key: objects are not shared through Redis
    (unpickling what Redis holds would run whatever was put there). At most OBJECT_ENTRIES, the
    least recently used dropped first: keys come from what people search for."""

    def __init__(self) -> None:
        self.kept = _Lru(OBJECT_ENTRIES)

    def get(self, key: Hashable, generation: int) -> object | None:
        found = self.kept.get(key)
        if found is None or found[0] != generation or found[1] < time.monotonic():
            return None
        return found[2]

    def put(self, key: Hashable, generation: int, value: object, seconds: int) -> None:
        self.kept.put(key, (generation, time.monotonic() + seconds, value))


def init_app(app: Flask, engine: Engine) -> None:
    """Choose the store and watch `engine` for committed writes to the watched tables."""
    if app.config["FRAGMENT_CACHE_ENTRIES"]:
        # Rendered fragments, in this process only: a fragment's key holds everything it shows, so it
        # cannot go stale in any process, and rendering one costs less than a round trip to Redis.
        app.extensions["fragments"] = _Lru(app.config["FRAGMENT_CACHE_ENTRIES"])
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
            conn.info.setdefault(_TOUCHED, set()).add(table.name)

    @event.listens_for(engine, "commit")
    def _count_commit(conn):
        touched = conn.info.pop(_TOUCHED, None)
        if touched:
            conn.info.setdefault(_COMMITTED, set()).update(touched)

    # The "commit" event comes before the database commits: a generation moved on there could be
    # read, and filled with what the records said before, by another process in between. So it
    # moves on when the connection goes back to the pool, which is after (a session gives its
    # connection back when it commits).
    @event.listens_for(engine, "checkin")
    def _move_on(_dbapi_connection, record):
        committed = record.info.pop(_COMMITTED, None)
        if committed:
            try:
                store.bump([topic for topic, tables in TOPICS.items() if tables & committed])
            except RedisError:  # the commit stands; entries expire on their own
                log.exception("page cache: could not move the generation on")

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(_TOUCHED, None)


def forget_everything(app: Flask) -> None:
    """This process's pages and figures forgotten, as if `app` had just started (tests lend one app
    to many tests, each on a fresh database)."""
    store = app.extensions.get("page_cache")
    if isinstance(store, _Memory):
        store.__init__()
    if "fragments" in app.extensions:
        app.extensions["fragments"].clear()


def keeps() -> bool:
    """Whether this app keeps pages and figures (PAGE_CACHE_SECONDS > 0, and a store to share)."""
    return current_app.extensions.get("page_cache") is not None


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


def memoised(topic: str, key: Hashable, compute: Callable[[], T], connection: Connection) -> T:
    """`compute()`'s result for `key` at `topic`'s current generation, kept in this process.

    Computed afresh, and not kept, when `connection` has written one of the topic's tables in
    its open transaction: the kept value could not show that transaction its own writes."""
    store = current_app.extensions.get("page_cache")
    if store is None or TOPICS[topic] & connection.info.get(_TOUCHED, set()):
        return compute()
    try:
        generation = store.current(topic)
    except RedisError:
        log.warning("page cache unavailable", exc_info=True)
        return compute()
    found = store.objects.get((topic, key), generation)
    if found is None:
        found = compute()
        store.objects.put((topic, key), generation, found, current_app.config["PAGE_CACHE_SECONDS"])
    return found


def fragment(key: tuple, render: Callable[[], str]) -> Markup:
    """The HTML `render()` returns, kept under `key`, which must hold every value the fragment is
    rendered from (the record's shown fields, anything else it reads). The language and the URL
    prefix its links start with are added to the key here: every fragment depends on them."""
    store = current_app.extensions.get("fragments")
    if store is None:
        return Markup(render())
    key = (*key, current_locale(), request.script_root)
    found = store.get(key)
    if found is None:
        found = render()
        store.put(key, found)
    return Markup(found)
