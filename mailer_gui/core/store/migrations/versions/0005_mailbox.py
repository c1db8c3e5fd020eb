"""the mailbox loop: where each mailbox was read up to, and what each message said

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

* ``mailbox_state``: one row per mailbox (account and folder): its UIDVALIDITY
  and the last UID processed, so a message counts once however often the check
  runs; when and with what result it was last checked.
* ``mailbox_events``: one row per message (and address it names) processed:
  a hard or soft bounce, an unsubscribe, a complaint, an ignored or unreadable
  message, with the recipient and campaign it was matched to. Unique per
  (mailbox, UIDVALIDITY, UID, address), so processing a message again adds
  nothing. The per-campaign counts (bounced, unsubscribed, complaints) and the
  "three soft bounces in a row" rule read it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_state",
        sa.Column("mailbox", sa.String(400), primary_key=True),
        sa.Column("uidvalidity", sa.Integer, nullable=True),
        sa.Column("last_uid", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("checked_at", sa.DateTime, nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_table(
        "mailbox_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mailbox", sa.String(400), nullable=False),
        sa.Column("uidvalidity", sa.Integer, nullable=False),
        sa.Column("uid", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("email_norm", sa.String(320), nullable=False, server_default=""),
        sa.Column(
            "recipient_id",
            sa.Integer,
            sa.ForeignKey("recipients.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("campaign_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index(
        "uq_mailbox_events_message",
        "mailbox_events",
        ["mailbox", "uidvalidity", "uid", "email_norm"],
        unique=True,
    )
    op.create_index("ix_mailbox_events_campaign", "mailbox_events", ["campaign_id", "kind"])
    op.create_index("ix_mailbox_events_recipient", "mailbox_events", ["recipient_id"])
    op.create_index("ix_mailbox_events_email", "mailbox_events", ["email_norm", "kind"])
    op.create_index("ix_recipients_message_id", "recipients", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_recipients_message_id", table_name="recipients")
    op.drop_table("mailbox_events")
    op.drop_table("mailbox_state")
