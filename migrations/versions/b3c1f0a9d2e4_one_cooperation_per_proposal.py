"""one cooperation per proposal: a unique key on proposal.cooperation_id

Revision ID: b3c1f0a9d2e4
Revises: 75bcd3b51b83
Create Date: 2026-12-03 07:00:00

"""

from alembic import op

revision = "b3c1f0a9d2e4"
down_revision = "75bcd3b51b83"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_proposal_cooperation_id"), ["cooperation_id"])


def downgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_proposal_cooperation_id"), type_="unique")
