"""contacts and lists, campaign audiences, recurring sends

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01

* ``contacts``: one row per normalised address (``email_norm`` unique), its
  fields as JSON, where it came from (``source``) and when.
* ``contact_lists`` and ``list_members`` (a contact may be on many lists).
* ``campaign_audience``: a campaign's audience rules (``list``,
  ``exclude_list``, ``not_sent_to``), resolved into its recipients when queued.
* ``campaign_repeats``: a campaign's calendar rule (cron text, zone, misfire
  grace); ``repeat_occurrences``: the copy made for each occurrence (the queue
  and these rows are the whole state of a repeat: the scheduler is rebuilt
  from them at start).
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _execute(sql: str) -> None:
    """SQLite's DDL as written; on PostgreSQL the same tables in its types
    (an ``id`` primary key is SERIAL, DATETIME is ``timestamp``)."""
    if op.get_bind().dialect.name == "postgresql":
        sql = (
            sql.replace("(id INTEGER NOT NULL PRIMARY KEY", "(id SERIAL PRIMARY KEY")
            .replace(" DATETIME ", " TIMESTAMP WITHOUT TIME ZONE ")
            .replace(" WITHOUT ROWID", "")
        )
    op.execute(sql)


def _fk(column: str, target: str, ondelete: str) -> str:
    return f"FOREIGN KEY ({column}) REFERENCES {target} (id) ON DELETE {ondelete}"


def upgrade() -> None:
    _execute(
        "CREATE TABLE contacts (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(320) NOT NULL,"
        " email_norm VARCHAR(320) NOT NULL, fields JSON NOT NULL, source VARCHAR(300),"
        " created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)"
    )
    _execute("CREATE UNIQUE INDEX uq_contacts_email_norm ON contacts (email_norm)")
    _execute(
        "CREATE TABLE contact_lists (id INTEGER NOT NULL PRIMARY KEY,"
        " name VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL)"
    )
    _execute("CREATE UNIQUE INDEX uq_contact_lists_name ON contact_lists (name)")
    _execute(
        "CREATE TABLE list_members (list_id INTEGER NOT NULL, contact_id INTEGER NOT NULL,"
        " added_at DATETIME NOT NULL, PRIMARY KEY (list_id, contact_id),"
        f" {_fk('list_id', 'contact_lists', 'CASCADE')},"
        f" {_fk('contact_id', 'contacts', 'CASCADE')}) WITHOUT ROWID"
    )
    _execute("CREATE INDEX ix_list_members_contact ON list_members (contact_id)")
    _execute(
        "CREATE TABLE campaign_audience (campaign_id INTEGER NOT NULL,"
        " kind VARCHAR(16) NOT NULL, ref_id INTEGER NOT NULL,"
        f" PRIMARY KEY (campaign_id, kind, ref_id), {_fk('campaign_id', 'campaigns', 'CASCADE')})"
    )
    _execute(
        "CREATE TABLE campaign_repeats (campaign_id INTEGER NOT NULL PRIMARY KEY,"
        " cron VARCHAR(100) NOT NULL, timezone VARCHAR(64) NOT NULL,"
        " misfire_grace_s INTEGER NOT NULL, created_at DATETIME NOT NULL,"
        f" {_fk('campaign_id', 'campaigns', 'CASCADE')})"
    )
    _execute(
        "CREATE TABLE repeat_occurrences (id INTEGER NOT NULL PRIMARY KEY,"
        " template_id INTEGER NOT NULL, campaign_id INTEGER,"
        " due_at DATETIME NOT NULL, created_at DATETIME NOT NULL,"
        " outcome VARCHAR(16) NOT NULL, missed INTEGER NOT NULL DEFAULT 0,"
        f" {_fk('template_id', 'campaigns', 'CASCADE')},"
        f" {_fk('campaign_id', 'campaigns', 'SET NULL')})"
    )
    _execute(
        "CREATE UNIQUE INDEX uq_repeat_occurrences ON repeat_occurrences (template_id, due_at)"
    )


def downgrade() -> None:
    for table in (
        "repeat_occurrences",
        "campaign_repeats",
        "campaign_audience",
        "list_members",
        "contact_lists",
        "contacts",
    ):
        op.execute(f"DROP TABLE {table}")
