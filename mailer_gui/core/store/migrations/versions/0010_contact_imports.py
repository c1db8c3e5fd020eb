"""where and when contacts came: one row an import, not three columns a contact

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

A contact kept its file's name (``source``) and its arrival time
(``created_at``) in every row, and ``updated_at`` equal to it until an update;
a list member kept its own ``added_at``. That is 60 to 90 bytes of the same
values in each of 100,000 rows an import writes (a third of the contacts
table), written and synced at every import.

* ``contact_imports``: one row an import (or an addition by hand): the file's
  name (NULL when typed in) and when.
* ``contacts.import_id``: the import that brought the contact (its ``source``
  and ``created_at`` are that import's); ``updated_at`` is NULL until an
  update replaces the contact's fields.
* ``list_members.import_id``: the import that put the contact on the list
  (its ``added_at`` is that import's time).

Upgrade: one import row for each (source, time) among the contacts, and for
each time of a list member that no import has (source unknown); each row
finds its import through a passing index on the time (100,000 contacts from
1,000 imports: 1.0 s, 15.5 s without it). SQLite
rebuilds both tables in one transaction (the contact search triggers are
taken as stored and made again; ids are kept, so the search index holds).
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _fill_imports() -> None:
    op.execute(
        "INSERT INTO contact_imports (source, at) SELECT source, created_at FROM contacts "
        "GROUP BY source, created_at ORDER BY min(id)"
    )
    # For the look-ups by time below (dropped at the end: the app never asks).
    op.execute("CREATE INDEX ix_contact_imports_0010 ON contact_imports (at)")
    op.execute(
        "INSERT INTO contact_imports (source, at) SELECT NULL, added_at FROM list_members m "
        "WHERE NOT EXISTS (SELECT 1 FROM contact_imports i WHERE i.at = m.added_at) "
        "GROUP BY added_at ORDER BY added_at"
    )


# The import of a contact (same source and time), of a member (same time: the
# first such import).
_CONTACT_IMPORT = (
    "(SELECT min(i.id) FROM contact_imports i WHERE i.at = {r}.created_at "
    "AND (i.source = {r}.source OR (i.source IS NULL AND {r}.source IS NULL)))"
)
_MEMBER_IMPORT = "(SELECT min(i.id) FROM contact_imports i WHERE i.at = {r}.added_at)"


def upgrade() -> None:
    if _postgresql():
        _upgrade_pg()
    else:
        _upgrade_sqlite()


def _upgrade_pg() -> None:
    op.execute(
        "CREATE TABLE contact_imports (id SERIAL PRIMARY KEY, source VARCHAR(300), "
        "at TIMESTAMP WITHOUT TIME ZONE NOT NULL)"
    )
    _fill_imports()
    op.execute("ALTER TABLE contacts ADD COLUMN import_id INTEGER REFERENCES contact_imports (id)")
    op.execute(f"UPDATE contacts SET import_id = {_CONTACT_IMPORT.format(r='contacts')}")
    op.execute("ALTER TABLE contacts ALTER COLUMN import_id SET NOT NULL")
    op.execute("ALTER TABLE contacts ALTER COLUMN updated_at DROP NOT NULL")
    op.execute("UPDATE contacts SET updated_at = NULL WHERE updated_at = created_at")
    op.execute("ALTER TABLE contacts DROP COLUMN source, DROP COLUMN created_at")
    op.execute(
        "ALTER TABLE list_members ADD COLUMN import_id INTEGER REFERENCES contact_imports (id)"
    )
    op.execute(f"UPDATE list_members SET import_id = {_MEMBER_IMPORT.format(r='list_members')}")
    op.execute("ALTER TABLE list_members ALTER COLUMN import_id SET NOT NULL")
    op.execute("ALTER TABLE list_members DROP COLUMN added_at")
    op.execute("DROP INDEX ix_contact_imports_0010")


def _contact_triggers() -> list[str]:
    """The contact search's triggers as stored (dropped with the table, made again)."""
    return [
        str(sql)
        for (sql,) in op.get_bind().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts' "
            "ORDER BY name"
        )
    ]


def _upgrade_sqlite() -> None:
    # Foreign keys stay on (a transaction cannot turn them off), so no table is
    # dropped while another refers to it: the members are set aside in a plain
    # table and their table dropped first; the contacts' table then has no
    # dependant and is rebuilt; the members' table is made anew on it.
    triggers = _contact_triggers()
    op.execute(
        "CREATE TABLE contact_imports (id INTEGER NOT NULL PRIMARY KEY, source VARCHAR(300), "
        "at DATETIME NOT NULL)"
    )
    _fill_imports()
    op.execute(
        "CREATE TABLE members_0010 AS SELECT m.list_id, m.contact_id, "
        f"{_MEMBER_IMPORT.format(r='m')} AS import_id FROM list_members m"
    )
    op.execute("DROP TABLE list_members")
    op.execute(
        "CREATE TABLE contacts_0010 (id INTEGER NOT NULL PRIMARY KEY, "
        "email VARCHAR(320) NOT NULL, email_norm VARCHAR(320) NOT NULL, fields JSON NOT NULL, "
        "import_id INTEGER NOT NULL, updated_at DATETIME, "
        "FOREIGN KEY (import_id) REFERENCES contact_imports (id))"
    )
    op.execute(
        "INSERT INTO contacts_0010 (id, email, email_norm, fields, import_id, updated_at) "
        f"SELECT c.id, c.email, c.email_norm, c.fields, {_CONTACT_IMPORT.format(r='c')}, "
        "CASE WHEN c.updated_at = c.created_at THEN NULL ELSE c.updated_at END FROM contacts c"
    )
    op.execute("DROP TABLE contacts")
    op.execute("ALTER TABLE contacts_0010 RENAME TO contacts")
    op.execute("CREATE UNIQUE INDEX uq_contacts_email_norm ON contacts (email_norm)")
    for sql in triggers:
        op.execute(sql)
    op.execute(
        "CREATE TABLE list_members (list_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, "
        "import_id INTEGER NOT NULL, PRIMARY KEY (list_id, contact_id), "
        "FOREIGN KEY (list_id) REFERENCES contact_lists (id) ON DELETE CASCADE, "
        "FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE, "
        "FOREIGN KEY (import_id) REFERENCES contact_imports (id)) WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO list_members (list_id, contact_id, import_id) "
        "SELECT list_id, contact_id, import_id FROM members_0010 ORDER BY list_id, contact_id"
    )
    op.execute("DROP TABLE members_0010")
    op.execute("CREATE INDEX ix_list_members_contact ON list_members (contact_id)")
    op.execute("DROP INDEX ix_contact_imports_0010")


def downgrade() -> None:
    if _postgresql():
        op.execute("ALTER TABLE contacts ADD COLUMN source VARCHAR(300)")
        op.execute("ALTER TABLE contacts ADD COLUMN created_at TIMESTAMP WITHOUT TIME ZONE")
        op.execute(
            "UPDATE contacts SET source = i.source, created_at = i.at, "
            "updated_at = coalesce(contacts.updated_at, i.at) "
            "FROM contact_imports i WHERE i.id = contacts.import_id"
        )
        op.execute("ALTER TABLE contacts ALTER COLUMN created_at SET NOT NULL")
        op.execute("ALTER TABLE contacts ALTER COLUMN updated_at SET NOT NULL")
        op.execute("ALTER TABLE contacts DROP COLUMN import_id")
        op.execute("ALTER TABLE list_members ADD COLUMN added_at TIMESTAMP WITHOUT TIME ZONE")
        op.execute(
            "UPDATE list_members SET added_at = i.at FROM contact_imports i "
            "WHERE i.id = list_members.import_id"
        )
        op.execute("ALTER TABLE list_members ALTER COLUMN added_at SET NOT NULL")
        op.execute("ALTER TABLE list_members DROP COLUMN import_id")
        op.execute("DROP TABLE contact_imports")
        return
    triggers = _contact_triggers()
    op.execute(
        "CREATE TABLE members_0010 AS SELECT m.list_id, m.contact_id, i.at AS added_at "
        "FROM list_members m JOIN contact_imports i ON i.id = m.import_id"
    )
    op.execute("DROP TABLE list_members")
    op.execute(
        "CREATE TABLE contacts_0009 (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(320) NOT NULL,"
        " email_norm VARCHAR(320) NOT NULL, fields JSON NOT NULL, source VARCHAR(300),"
        " created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)"
    )
    op.execute(
        "INSERT INTO contacts_0009 SELECT c.id, c.email, c.email_norm, c.fields, i.source, i.at, "
        "coalesce(c.updated_at, i.at) FROM contacts c JOIN contact_imports i ON i.id = c.import_id"
    )
    op.execute("DROP TABLE contacts")
    op.execute("DROP TABLE contact_imports")
    op.execute("ALTER TABLE contacts_0009 RENAME TO contacts")
    op.execute("CREATE UNIQUE INDEX uq_contacts_email_norm ON contacts (email_norm)")
    for sql in triggers:
        op.execute(sql)
    op.execute(
        "CREATE TABLE list_members (list_id INTEGER NOT NULL, contact_id INTEGER NOT NULL,"
        " added_at DATETIME NOT NULL, PRIMARY KEY (list_id, contact_id),"
        " FOREIGN KEY (list_id) REFERENCES contact_lists (id) ON DELETE CASCADE,"
        " FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE) WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO list_members SELECT list_id, contact_id, added_at FROM members_0010 "
        "ORDER BY list_id, contact_id"
    )
    op.execute("DROP TABLE members_0010")
    op.execute("CREATE INDEX ix_list_members_contact ON list_members (contact_id)")
