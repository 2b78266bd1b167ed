"""postings' search text and terms move to their own table, posting_search (issue 31): they were about
1 KB of a posting's 1.5 KB row, read by every scan of the postings

Revision ID: e7c1f5a2b9d3
Revises: d4f2a8c61e07
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "e7c1f5a2b9d3"
down_revision = "d4f2a8c61e07"
branch_labels = None
depends_on = None

VECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


def upgrade():
    op.create_table(
        "posting_search",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("search_vector", VECTOR, nullable=True),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
            name=op.f("fk_posting_search_posting_id_posting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_search")),
    )
    op.execute(
        "INSERT INTO posting_search (posting_id, search_text, search_vector) "
        "SELECT id, search_text, search_vector FROM posting"
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index("ix_posting_search_vector", postgresql_using="gin")
        batch_op.drop_column("search_vector")
        batch_op.drop_column("search_text")
    with op.batch_alter_table("posting_search", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posting_search_vector", ["search_vector"], unique=False, postgresql_using="gin"
        )
    if op.get_bind().dialect.name == "postgresql":
        # A dropped column's values stay in the rows until each row is written again: rewrite the
        # table now, or every scan would still read them (SQLite's batch mode copied the table).
        with op.get_context().autocommit_block():
            op.execute("VACUUM FULL ANALYZE posting")


def downgrade():
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_vector", VECTOR, nullable=True))
    op.execute(
        "UPDATE posting SET search_text = s.search_text, search_vector = s.search_vector "
        "FROM posting_search AS s WHERE s.posting_id = posting.id"
    )
    op.drop_table("posting_search")
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posting_search_vector", ["search_vector"], unique=False, postgresql_using="gin"
        )
