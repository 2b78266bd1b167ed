"""Many new rows of one table at once (issue 31: a district's recompute stores 70,000 proposals).

`insert_rows` writes them in the session's transaction, as `session.execute(insert(table), rows)`
would: the same values, through each column's own type (a JSON column's text, an aware UTC
timestamp), in the order given, so ids follow that order. On PostgreSQL one COPY carries them;
an executemany, even pipelined, spent most of its time sending and planning one INSERT per row,
on the client and on the server. Elsewhere (SQLite) the executemany is quick enough and stays.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, exc, insert

from portal.extensions import db
from portal.platform import transactions


def insert_rows(table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`.

    Every column with a Python-side default must be given: COPY applies only the database's
    own defaults (an id from its sequence), not SQLAlchemy's. `rows` may be a generator: on
    PostgreSQL each row is made as the one before it is sent."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    rows = itertools.chain((first,), rows)
    names = list(first)
    missing = [c.name for c in table.columns if c.default is not None and c.name not in names]
    if missing:  # on every database, so that what works on SQLite works on PostgreSQL
        raise ValueError(f"insert_rows({table.name}): no value for {', '.join(missing)}")
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(table), list(rows))
        return
    # Each column's bind processing as the dialect does it for an INSERT (TypeDecorators
    # included): psycopg then writes those values as it would have sent them.
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in names)
    statement = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN"
    transactions.copied(connection)  # unseen by the statement events: a request must not commit it unasked
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for process, value in zip(processors, [row[name] for name in names])
                    ]
                )
    except dialect.loaded_dbapi.Error as error:
        # Raised as the INSERT would raise it (an IntegrityError for a broken key): one kind to handle.
        raise exc.DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error
