"""the public list's indexes end with the id and, on PostgreSQL, carry the deadline and the
enterprise (issue 31: the capped count of `/postings` walks 1,001 matches from the index alone,
and no sort is left on the id)

Revision ID: c7d2e9a1f3b5
Revises: b3e8d1f4a6c2
Create Date: 2026-12-07 18:05:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d2e9a1f3b5"
down_revision = "b3e8d1f4a6c2"
branch_labels = None
depends_on = None

# name → (columns, columns carried on PostgreSQL)
INDEXES = {
    "ix_posting_status_published_at": (["status", "published_at", "id"], ["deadline", "enterprise_id"]),
    "ix_posting_status_deadline": (["status", "deadline", "id"], ["enterprise_id"]),
    "ix_posting_status_headcount": (["status", "headcount", "id"], ["deadline", "enterprise_id"]),
}


def upgrade():
    for name, (columns, carried) in INDEXES.items():
        op.drop_index(name, table_name="posting")
        op.create_index(name, "posting", columns, unique=False, postgresql_include=carried)


def downgrade():
    for name, (columns, _carried) in INDEXES.items():
        op.drop_index(name, table_name="posting")
        op.create_index(name, "posting", columns[:2], unique=False)
