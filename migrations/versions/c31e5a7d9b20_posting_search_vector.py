"""postings' search terms in a GIN index on PostgreSQL (issue 31), filled for existing postings; published
postings by enterprise from an index (the dashboard)

Revision ID: c31e5a7d9b20
Revises: c26d1a5b7e90
Create Date: 2026-12-06 21:20:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "c31e5a7d9b20"
down_revision = "c26d1a5b7e90"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
            )
        )
    # The terms are the app's own (portal.services.postings.search_terms), as it writes them on
    # every save: existing postings get them here, before the index is built.
    from portal.postings.services import search_terms

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT posting.id, posting.title, posting.search_text, posting.town, organisation.industry "
            "FROM posting JOIN organisation ON organisation.id = posting.enterprise_id ORDER BY posting.id"
        )
    ).all()
    update = sa.text("UPDATE posting SET search_vector = :vector WHERE id = :id")
    for start in range(0, len(rows), BATCH):
        bind.execute(
            update,
            [
                {
                    "id": row.id,
                    "vector": search_terms(
                        row.search_text or "", row.town or "", row.industry or "", row.title
                    ),
                }
                for row in rows[start : start + BATCH]
            ],
        )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posting_search_vector", ["search_vector"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index("ix_posting_status_enterprise_id", ["status", "enterprise_id"], unique=False)


def downgrade():
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index("ix_posting_status_enterprise_id")
        batch_op.drop_index("ix_posting_search_vector", postgresql_using="gin")
        batch_op.drop_column("search_vector")
