"""index recipients by finish time (period reports)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_recipients_finished_at", "recipients", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_recipients_finished_at", table_name="recipients")
