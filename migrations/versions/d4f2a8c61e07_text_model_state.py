"""the matcher's text model as last fitted on the live majors and the live postings' features in it
(issue 31): a major's ranking reads them instead of fitting a model on every major and reading every posting

Revision ID: d4f2a8c61e07
Revises: d4e8a1c5f0b7
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4f2a8c61e07"
down_revision = "d4e8a1c5f0b7"
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: the next ranking (or district recompute) fits and keeps a model.
    op.create_table(
        "text_model_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("majors", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_model_state")),
    )
    op.create_table(
        "posting_features",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("industry", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["text_model_state.id"],
            name=op.f("fk_posting_features_model_id_text_model_state"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["posting.id"],
            name=op.f("fk_posting_features_posting_id_posting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_posting_features")),
    )
    with op.batch_alter_table("posting_features", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_features_model_id"), ["model_id"], unique=False)


def downgrade():
    op.drop_table("posting_features")
    op.drop_table("text_model_state")
