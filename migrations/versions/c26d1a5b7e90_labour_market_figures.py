"""labour-market figures (issue 26): vacancies by occupation, with their source, for the intake suggestions

Revision ID: c26d1a5b7e90
Revises: aabf7afb1878
Create Date: 2026-12-06 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c26d1a5b7e90"
down_revision = "aabf7afb1878"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "labour_market_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("occupation", sa.String(length=80), nullable=False),
        sa.Column("major_group", sa.String(length=40), nullable=False),
        sa.Column("vacancies", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_by_email", sa.String(length=254), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint("vacancies >= 0", name=op.f("ck_labour_market_figure_vacancies_not_negative")),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user.id"],
            name=op.f("fk_labour_market_figure_entered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_market_figure")),
    )
    with op.batch_alter_table("labour_market_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_labour_market_figure_year"), ["year"], unique=False)


def downgrade():
    with op.batch_alter_table("labour_market_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labour_market_figure_year"))
    op.drop_table("labour_market_figure")
