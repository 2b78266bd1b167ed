"""Migration a7c1e2d4b5f6 (issue 24) keeps what was recorded and marks what the new rules need:
approved pilot enterprises become confirmed with a note that the province's document is missing; yes/no
double-qualified flags become level "unknown" with a note; older named classes have no clause (NULL)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.conftest import bare_database

BEFORE = "a7c41e9b2d05"  # the revision before the rules migration
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _insert(conn, table: str, **values) -> int:
    """A row with every NOT NULL column filled: given values, else a plain default for its type."""
    columns = sa.inspect(conn).get_columns(table)
    row = {}
    for column in columns:
        name = column["name"]
        if name in values:
            row[name] = values[name]
        elif name == "id" or column["nullable"] or column.get("default") is not None:
            continue
        else:
            kind = str(column["type"]).upper()
            row[name] = (
                NOW
                if "TIME" in kind
                else NOW.date()
                if "DATE" in kind
                else False
                if "BOOL" in kind
                else 0
                if "INT" in kind or "FLOAT" in kind or "NUMERIC" in kind
                else "{}"
                if "JSON" in kind
                else f"{table}-{name}"
            )
    target = sa.table(table, sa.column("id"), *[sa.column(k) for k in row])
    return conn.execute(target.insert().values(**row).returning(target.c.id)).scalar_one()


def test_upgrade_keeps_and_marks_what_the_new_rules_need(db_url):
    with bare_database(db_url):
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            org = _insert(
                conn, "organisation", kind="enterprise", name="企业", status="verified", credit_code=None
            )
            school = _insert(
                conn, "organisation", kind="school", name="学校", status="verified", credit_code=None
            )
            _insert(conn, "pilot_enterprise_application", enterprise_id=org, status="approved", figures="{}")
            _insert(conn, "teacher", school_id=school, name="甲", double_qualified=True)
            _insert(conn, "teacher", school_id=school, name="乙", double_qualified=False)
        upgrade()
        with db.engine.connect() as conn:
            status, note, document = conn.execute(
                sa.text("SELECT status, decision_note, decision_document FROM pilot_enterprise_application")
            ).one()
            assert (status, document) == ("confirmed", None) and "590" in note
            teachers = dict(
                conn.execute(sa.text("SELECT name, dq_level FROM teacher ORDER BY name")).tuples().all()
            )
            assert teachers == {"甲": "unknown", "乙": None}
            noted = conn.execute(
                sa.text("SELECT dq_note, subject_teacher FROM teacher WHERE name = '甲'")
            ).one()
            assert "补录" in noted[0] and bool(noted[1]) is True
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT status FROM pilot_enterprise_application")).scalar()
                == "approved"
            )
