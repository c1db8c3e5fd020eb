"""content versions of a campaign; limits in force recorded with each slot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

* ``campaigns.content_version``: the version of the content (subject, bodies,
  attachments, reply-to) that the engine sends now; raised when content that
  has already been sent changes.
* ``campaign_versions``: each version's subject and when it began, so a
  report can name the subject each recipient got.
* ``recipients.content_version``: the version the recipient was sent, written
  when the recipient is claimed.
* ``slot_ledger.hourly_limit`` / ``monthly_limit``: the limits in force when
  the slot was reserved (NULL for slots reserved before this revision).

Recipients already claimed and every campaign start at version 1, with the
campaign's current subject: the best that is known of what was sent before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("content_version", sa.Integer(), nullable=False,
                                         server_default="1"))
    op.add_column("recipients", sa.Column("content_version", sa.Integer(), nullable=True))
    op.add_column("slot_ledger", sa.Column("hourly_limit", sa.Integer(), nullable=True))
    op.add_column("slot_ledger", sa.Column("monthly_limit", sa.Integer(), nullable=True))
    op.create_table(
        "campaign_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_campaign_versions", "campaign_versions", ["campaign_id", "version"],
                    unique=True)
    op.execute("INSERT INTO campaign_versions (campaign_id, version, subject, created_at) "
               "SELECT id, 1, subject, created_at FROM campaigns")
    op.execute("UPDATE recipients SET content_version = 1 WHERE attempts > 0")


def downgrade() -> None:
    op.drop_index("uq_campaign_versions", table_name="campaign_versions")
    op.drop_table("campaign_versions")
    with op.batch_alter_table("slot_ledger") as batch_op:
        batch_op.drop_column("monthly_limit")
        batch_op.drop_column("hourly_limit")
    with op.batch_alter_table("recipients") as batch_op:
        batch_op.drop_column("content_version")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_column("content_version")
