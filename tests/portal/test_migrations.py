"""Migrations and models agree: upgrade an empty database to head, then autogenerate finds nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from portal.extensions import db
from tests.conftest import bare_database


def test_upgrade_to_head_matches_models(db_url):
    with bare_database(db_url):
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
