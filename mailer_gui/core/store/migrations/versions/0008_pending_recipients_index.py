"""a campaign's next pending recipient found by an index of the pending ones

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

The send step asks for a campaign's next pending recipient for every
message (``hotsql.NEXT``: ``campaign_id = ? AND test_entry_id IS NULL AND
status = 'pending' ORDER BY id LIMIT 1``). On SQLite the index on
``(campaign_id, status)`` answers it in one probe (its entries are in rowid
order). On PostgreSQL no index gave that order: the server read the
campaign's recipients, the sent ones too, for each message: 4.7 ms a message
with 5,000 of 10,000 sent (3.9 ms with statistics), growing with the
campaign. ``ix_recipients_pending`` holds only the pending recipients of
campaigns (a test send's are not in it), by campaign in id order: 0.2 ms.
It is the same on both backends (the models describe one schema).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WHERE = sa.text("status = 'pending' AND test_entry_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_recipients_pending",
        "recipients",
        ["campaign_id", "id"],
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_recipients_pending", table_name="recipients")
