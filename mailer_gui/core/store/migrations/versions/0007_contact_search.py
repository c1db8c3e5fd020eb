"""contact search index (SQLite FTS5, trigram)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

* ``contacts_fts``: an FTS5 table with the trigram tokenizer over each
  contact's normalised address and its field values (``search_text`` below),
  contentless (``content=''``: the text is not stored twice), its rowid the
  contact's id. Triggers on ``contacts`` keep it in step: an insert adds the
  contact's text, an update of the address or fields replaces it, a delete
  (and a forgotten contact's erasure, an update) removes it. A substring
  search of three characters or more asks the index for the candidates
  (``core/audience/lists.py``); shorter ones, and databases without the table
  (PostgreSQL), scan with LIKE, as before.

Only SQLite gets the table and triggers; on another dialect this migration
creates nothing (the search scans there).
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


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE contacts_fts USING fts5(body, content='', tokenize='trigram')")
    op.execute(f"CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN {_add('new')} END")
    op.execute(
        f"CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN {_remove('old')} END"
    )
    op.execute(
        "CREATE TRIGGER contacts_fts_au AFTER UPDATE OF email_norm, fields ON contacts "
        f"BEGIN {_remove('old')} {_add('new')} END"
    )
    op.execute(
        f"INSERT INTO contacts_fts (rowid, body) SELECT c.id, {_TEXT.format(r='c')} FROM contacts c"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("contacts_fts_ai", "contacts_fts_ad", "contacts_fts_au"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE contacts_fts")
