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

from portal.extensions import db


def begin_write() -> None:
    """Make the session's current transaction a write transaction now (see module doc)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.driver_connection
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
