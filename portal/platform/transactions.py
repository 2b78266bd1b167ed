"""How a request's transaction ends when the request wrote nothing (issue 31, the base cost of a page).

psycopg prepares a statement on the server once a connection has sent it five times, and PostgreSQL
then stops planning it; but psycopg forgets every prepared statement when the connection rolls
back, and a request that only read ends with a rollback (the session is closed). So no statement
stayed prepared from one request to the next, and each was planned again on every page: 0.5 to
1 ms for each join of a list's statements, on the database's share of the two cores.

A transaction that wrote nothing is ended with COMMIT instead, which for it is the same as a
rollback. "Wrote nothing" means every statement the connection sent in it was a SELECT (a SELECT
may lock rows, and ending a transaction releases its locks either way) and no rows were copied in
(`bulk.insert_rows` says so with `copied`). It is noted as the statements go, not asked of
PostgreSQL at the end (`txid_current_if_assigned()` was one more round trip on every page). A
request that wrote anything and did not commit it, or that failed, is rolled back as before, by
Flask-SQLAlchemy's own teardown, which runs after this one.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import Connection, event
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db

log = logging.getLogger(__name__)

WROTE = "xq_wrote"  # in a connection's info while its transaction may have written


def copied(connection: Connection) -> None:
    """Rows went in by a path SQLAlchemy does not see (COPY on the driver's connection)."""
    connection.info[WROTE] = True


def _note_statement(connection, _cursor, statement: str, *_args) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def _forget(connection) -> None:
    connection.info.pop(WROTE, None)


def end_reads_with_commit(app: Flask) -> None:
    """Register the teardown (after `db.init_app`, so that it runs before the session is removed)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return  # SQLite has no prepared statements to keep
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "before_cursor_execute", _note_statement)
            event.listen(engine, "begin", _forget)

    @app.teardown_appcontext
    def _commit_if_read_only(exc: BaseException | None) -> None:
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if not session.in_transaction() or session.new or session.dirty or session.deleted:
            return
        try:
            if not session.connection().info.get(WROTE):
                # As closing leaves them: what the request read stays readable (nothing changed).
                session.expire_on_commit = False
                session.commit()
        except SQLAlchemyError:  # the database went away: the session's removal rolls back
            log.warning("could not end a read-only transaction with a commit", exc_info=True)
