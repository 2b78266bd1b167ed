"""The matcher's proposals written in bulk (issue 31: COPY on PostgreSQL) are the rows a Core
INSERT writes: the same values, the same JSON text, ids in the order given."""

from __future__ import annotations

import pytest
from sqlalchemy import Text, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Proposal
from portal.partnerships import matching
from portal.platform import bulk
from tests.partnerships.test_proposals import publish_posting, publish_program

TABLE = Proposal.__table__
# Every column but the id, the reasons as the database holds their text.
STORED = [c for c in TABLE.columns if c.name != "id"] + [cast(TABLE.c.reasons, Text).label("reasons_text")]


def _stored() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(select(*STORED).order_by(TABLE.c.id))]


@pytest.fixture
def proposed(build):
    """A few matcher proposals, stored by a recompute."""
    staff = build.school(programs=("焊接技术应用", "数控技术应用", "护理"))
    hr = build.enterprise()
    for name in ("焊接技术应用", "数控技术应用", "护理"):
        publish_program(staff, name=name)
    publish_posting(hr)
    publish_posting(hr, title="数控车工学徒（数控加工）", skills="数控车床、编程", major="数控技术应用")
    db.session.commit()
    assert len(_stored()) >= 3


def test_bulk_insert_writes_the_rows_a_core_insert_writes(proposed):
    columns = [c for c in TABLE.columns if c.name != "id"]
    rows = [dict(row._mapping) for row in db.session.execute(select(*columns).order_by(TABLE.c.id.desc()))]
    assert any("焊" in str(row["reasons"]) for row in rows) and all(row["scored_at"] for row in rows)

    db.session.execute(delete(TABLE))
    bulk.insert_rows(TABLE, rows)
    by_bulk = _stored()
    db.session.execute(delete(TABLE))
    bulk.insert_rows(TABLE, (dict(row) for row in rows))  # made as they are written (the recompute's)
    by_generator = _stored()
    db.session.execute(delete(TABLE))
    db.session.execute(insert(TABLE), rows)
    by_core = _stored()

    assert by_bulk == by_core and by_generator == by_core
    assert [(r[0], r[1]) for r in by_bulk] == [(r["posting_id"], r["program_id"]) for r in rows]  # id order


def test_bulk_insert_wants_every_column_with_a_default(proposed):
    row = {"posting_id": 1, "program_id": 1, "school_id": 1, "enterprise_id": 1}
    with pytest.raises(ValueError, match="score"):
        bulk.insert_rows(TABLE, [row])
    bulk.insert_rows(TABLE, iter([]))  # nothing to write: nothing asked of the database


def test_a_recompute_from_empty_stores_what_it_stored_through_core_inserts(proposed, monkeypatch):
    def recompute() -> list[tuple]:
        db.session.execute(delete(TABLE))
        matching.recompute_all()
        db.session.commit()
        return _stored()

    with_bulk = recompute()

    def core_insert(table, rows) -> None:
        db.session.execute(insert(table), list(rows))

    monkeypatch.setattr(bulk, "insert_rows", core_insert)
    with_core = recompute()
    assert with_bulk and _comparable(with_bulk) == _comparable(with_core)


def _comparable(rows: list[tuple]) -> list[tuple]:
    """The rows without their timestamps (each recompute writes its own)."""
    names = [c.name for c in STORED]
    keep = [n for n, name in enumerate(names) if name not in ("created_at", "updated_at", "scored_at")]
    return [tuple(row[n] for n in keep) for row in rows]


@pytest.mark.parametrize("owner", ["school_id", "enterprise_id"])
def test_a_proposal_whose_owner_is_not_its_records_owner_is_refused(proposed, build, owner):
    """The database holds a proposal's school to its major's and its enterprise to its posting's
    (one key each, the checks a bulk write relies on): a row naming another organisation is
    refused, whichever way it is written."""
    other = build.school() if owner == "school_id" else build.enterprise()
    db.session.commit()
    row = dict(
        db.session.execute(select(*[c for c in TABLE.columns if c.name != "id"]).limit(1)).one()._mapping
    )
    db.session.execute(delete(TABLE))
    db.session.commit()
    for write in (
        lambda rows: bulk.insert_rows(TABLE, rows),
        lambda rows: db.session.execute(insert(TABLE), rows),
    ):
        with pytest.raises(IntegrityError):
            write([{**row, owner: other.organisation_id}])
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TABLE)) == 0
    bulk.insert_rows(TABLE, [row])  # the row as the matcher wrote it is accepted
    assert db.session.scalar(select(func.count()).select_from(TABLE)) == 1
