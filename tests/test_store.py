"""The SQLite store: pragmas, write transactions, migrations with a backup."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from alembic import command
from sqlalchemy import text

from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store.models import Base


def test_pragmas_and_write_lock_taken_at_begin(tmp_path):
    d = dbmod.open_database(tmp_path)
    with d.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # A write transaction holds the lock from BEGIN: another writer cannot start.
    with d.write() as s:
        s.execute(text("SELECT 1"))
        other = sqlite3.connect(tmp_path / "mailer.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    d.dispose()


def test_reads_do_not_block_a_writer(tmp_path):
    d = dbmod.open_database(tmp_path)
    done = threading.Event()
    with d.read() as r:
        r.execute(text("SELECT count(*) FROM campaigns")).scalar()

        def writer():
            with d.write() as s:
                s.execute(text("INSERT INTO settings(key, value) VALUES ('x', '1')"))
            done.set()

        t = threading.Thread(target=writer)
        t.start()
        t.join(5)
    assert done.is_set()
    d.dispose()


def test_schema_head_constant_matches_the_migrations(tmp_path):
    d = dbmod.Database(tmp_path / "mailer.db")
    assert dbmod.SCHEMA_HEAD == dbmod._head_revision(dbmod._alembic_config(d))
    d.dispose()


def test_fresh_database_is_at_head_without_backup(tmp_path):
    d = dbmod.Database(tmp_path / "mailer.db")
    assert dbmod.upgrade(d) is None
    assert dbmod._current_revision(d) == dbmod._head_revision(dbmod._alembic_config(d))
    assert list(tmp_path.glob("*.bak")) == []
    d.dispose()


def test_older_database_is_copied_aside_then_upgraded(tmp_path):
    d = dbmod.Database(tmp_path / "mailer.db")
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with d.write() as s:
        s.execute(text("INSERT INTO settings(key, value) VALUES ('marker', '\"kept\"')"))
    backup = dbmod.upgrade(d)
    assert backup is not None and backup.exists()
    assert "0001" in backup.name
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert old.execute("SELECT value FROM settings WHERE key='marker'").fetchone()[0] == '"kept"'
    old.close()
    with d.engine.connect() as c:
        names = {r[1] for r in c.exec_driver_sql("PRAGMA index_list(recipients)")}
        assert "ix_recipients_finished_at" in names
    assert dbmod._current_revision(d) == dbmod.SCHEMA_HEAD == "0007"
    d.dispose()


def test_models_match_the_migrations(tmp_path):
    """The migration chain builds exactly the schema the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    d = dbmod.open_database(tmp_path)
    with d.engine.connect() as c:
        # The contact search index (FTS5, migration 0007) is SQLite's virtual
        # table and its shadow tables: no model describes them.
        fts = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert {"contacts_fts", "contacts_fts_data", "contacts_fts_idx"} <= fts
        opts = {"include_name": lambda name, kind, _p: not str(name).startswith("contacts_fts")}
        diff = compare_metadata(MigrationContext.configure(c, opts=opts), Base.metadata)
    assert diff == []
    d.dispose()


def test_a_foreign_database_is_refused(tmp_path):
    path = tmp_path / "mailer.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE something(x)")
    con.commit()
    con.close()
    d = dbmod.Database(path)
    with pytest.raises(RuntimeError, match="not a Mailer database"):
        dbmod.upgrade(d)
    d.dispose()
