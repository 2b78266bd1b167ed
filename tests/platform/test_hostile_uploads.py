"""Hostile spreadsheets are refused with a message, or read within the bounds (issue 9).

Before: the dimension bomb kept a worker busy until gunicorn killed it, the shared-strings
bomb added 248 MB to the worker, and the unterminated quote made one teacher of three lines.
Now the request refuses what costs nothing to check (sizes, DTDs, not a spreadsheet) and the
rest is read by the import job, outside the web worker, within the same bounds.
Timing is measured by bench/bench_hostile_uploads.py, not asserted here.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Teacher
from portal.platform import spreadsheets
from portal.platform.errors import ServiceError
from portal.programs.sheets import TEACHERS
from tests import hostile_files
from tests.conftest import client_for, imported, refused, shown


def upload(client, data: bytes, fmt: str):
    return shown(
        client,
        client.post(
            "/school/import/teachers",
            data={"file": (io.BytesIO(data), f"teachers.{fmt}")},
            content_type="multipart/form-data",
        ),
    )


def teachers() -> int:
    return db.session.scalar(select(func.count()).select_from(Teacher))


@pytest.mark.parametrize("name", sorted(hostile_files.HOSTILE))
def test_each_hostile_file_is_refused_with_a_message_or_read_within_bounds(app, build, name):
    make, fmt, expected = hostile_files.HOSTILE[name]
    staff = build.school()
    client = client_for(app, staff)
    response = upload(client, make(), fmt)
    if expected == "refused":
        assert refused(response), name
        assert teachers() == 0
    else:
        assert imported(response), name
        assert teachers() == 1


def test_the_unterminated_quote_names_its_line(app):
    with pytest.raises(ServiceError) as caught:
        spreadsheets.read_table(hostile_files.unterminated_csv(), "teachers.csv")
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            assert str(caught.value.message).startswith("Line 2:")


def test_a_wide_row_is_cut_at_the_column_limit():
    # Not refused by the parser: it reads the first MAX_COLUMNS cells (the import then
    # refuses the unknown header), so a wide row costs no more than a narrow one.
    table = spreadsheets.read_table(hostile_files.wide_row(2000), "t.xlsx")
    assert all(len(row) <= spreadsheets.MAX_COLUMNS for _, row in table.rows)


def test_the_largest_legitimate_sheet_still_imports(app, build):
    staff = build.school()
    client = client_for(app, staff)
    response = upload(client, hostile_files.legitimate(spreadsheets.MAX_ROWS), "xlsx")
    assert imported(response), response.get_data(as_text=True)[:500]
    assert teachers() == spreadsheets.MAX_ROWS
    assert len(spreadsheets.read_table(hostile_files.legitimate(10), "t.xlsx").rows) == 10
    assert TEACHERS.column("name") is not None


def test_only_verified_organisations_may_import(app, build):
    staff = build.school(verified=False)
    client = client_for(app, staff)
    response = upload(client, hostile_files.legitimate(3), "xlsx")
    assert response.status_code in (400, 403) and teachers() == 0
