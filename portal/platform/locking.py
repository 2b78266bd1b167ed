"""Write transactions for limited resources (SECURITY.md "Limited seats under concurrency").

A use case that hands out something limited (a seat, a place) calls
`begin_write()` before it reads the state it decides on:

- SQLite: the transaction starts with BEGIN IMMEDIATE, so it holds the database's
  write lock from its first statement, and every read after it is current until
  the commit. pysqlite (legacy transaction control, Python's default) only emits
  its own deferred BEGIN before the first INSERT/UPDATE/DELETE; we issue ours
  first, and pysqlite then sees a transaction in progress and commits or rolls
  it back as usual. If this unit of work has already written, pysqlite's
  transaction already holds the write lock, and nothing more is needed.
- PostgreSQL: nothing to begin; the caller locks the rows it decides on
  (SELECT … FOR UPDATE) and takes the limited resource with a conditional UPDATE,
  which PostgreSQL re-checks against the newest row version.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.extensions import db
from portal.platform.errors import Conflict
from portal.platform.i18n import lazy_gettext as _l

T = TypeVar("T")

CHANGED_MEANWHILE = _l("Someone else changed this a moment ago. Reload the page to see where it stands now.")


def begin_write() -> None:
    """Make the session's current transaction a write transaction now (see module doc)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.driver_connection
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_row(model: type[T], ident: int) -> T | None:
    """Read one row current and locked until the commit: FOR UPDATE on PostgreSQL, the
    database's write lock on SQLite. For decisions that must see what a concurrent
    request decided a moment ago (admit against withdraw, seats against a budget)."""
    begin_write()
    return db.session.execute(
        select(model).where(model.id == ident).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def transition(record: object, to: str, column: str = "status") -> None:
    """Move `record` from the state this request read to `to`, as one conditional UPDATE.

    Every state machine's check-then-act runs through here: the request checked the
    state it read (pending, negotiating, submitted …) and decided; if another request
    moved the record between that read and this write, the WHERE matches no row and
    the user is told so (`Conflict`), instead of a second transition being recorded
    (verify ×4 and reject ×4 at once made pending→rejected three times before).
    PostgreSQL re-evaluates the WHERE against the newest committed row version, and
    SQLite runs writes one at a time, so exactly one of concurrent transitions wins.
    """
    state = inspect(record)
    if not state.persistent:
        setattr(record, column, to)
        return
    history = state.attrs[column].load_history()
    read = (history.deleted or history.unchanged or [getattr(record, column)])[0]
    model = type(record)
    won = db.session.execute(
        update(model)
        .where(model.id == state.identity[0], getattr(model, column) == read)
        .values({column: to})
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(CHANGED_MEANWHILE)
    set_committed_value(record, column, to)
