"""contact search index (SQLite FTS5, trigram)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

* ``contacts_fts``: an FTS5 table with the trigram tokenizer over each
  contact's normalised address and its field values (``_TEXT`` below),
  contentless (``content=''``: the text is not stored twice), its rowid the
  contact's id.
* ``contacts_fts_mark``: one row, ``indexed_to``: the contacts up to this id
  are in the index. Contacts added above it are indexed after the write that
  added them (``lists.index_new_contacts``: an import's 100,000 rows cost
  seconds of tokenising, which would otherwise double the import), and a
  search reads them by a scan until then.
* Triggers on ``contacts`` keep the indexed part in step: an update of the
  address or the fields replaces its text; a delete (a forgotten contact too)
  removes it and lowers the mark to the highest id left, so that an id SQLite
  gives again (the highest plus one) is above the mark, read by a scan until
  indexed. An insert fires no trigger: a per-row trigger, even one that does
  nothing, costs an import of 100,000 half a second.

A substring search of three characters or more asks the index for the
candidates (``core/audience/lists.py``); shorter ones, and databases without
the table (PostgreSQL), scan with LIKE. Only SQLite gets the tables and
triggers: on another dialect this migration creates nothing.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The text indexed for a contact (``new``/``old`` row): its address and its
# field values, space-separated (keys are not searched). A delete must give
# FTS5 the same text as the insert did, so both sides use this one expression.
_TEXT = (
    "{r}.email_norm || ' ' || "
    "coalesce((SELECT group_concat(j.value, ' ') FROM json_each({r}.fields) j), '')"
)


def _add(row: str) -> str:
    return f"INSERT INTO contacts_fts (rowid, body) VALUES ({row}.id, {_TEXT.format(r=row)});"


def _remove(row: str) -> str:
    return (
        "INSERT INTO contacts_fts (contacts_fts, rowid, body) "
        f"VALUES ('delete', {row}.id, {_TEXT.format(r=row)});"
    )


_INDEXED = "(SELECT indexed_to FROM contacts_fts_mark)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE contacts_fts USING fts5(body, content='', tokenize='trigram')"
    )
    op.execute(
        "CREATE TABLE contacts_fts_mark (one INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),"
        " indexed_to INTEGER NOT NULL)"
    )
    op.execute(
        "CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts "
        f"WHEN old.id <= {_INDEXED} BEGIN {_remove('old')} "
        "UPDATE contacts_fts_mark SET indexed_to = min(indexed_to, "
        "(SELECT coalesce(max(id), 0) FROM contacts)); END"
    )
    op.execute(
        "CREATE TRIGGER contacts_fts_au AFTER UPDATE OF email_norm, fields ON contacts "
        f"WHEN old.id <= {_INDEXED} BEGIN {_remove('old')} {_add('new')} END"
    )
    op.execute(
        f"INSERT INTO contacts_fts (rowid, body) SELECT c.id, {_TEXT.format(r='c')} FROM contacts c"
    )
    op.execute(
        "INSERT INTO contacts_fts_mark (one, indexed_to) "
        "SELECT 1, coalesce(max(id), 0) FROM contacts"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("contacts_fts_ad", "contacts_fts_au"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE contacts_fts_mark")
    op.execute("DROP TABLE contacts_fts")
