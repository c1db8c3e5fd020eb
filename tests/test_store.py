"""The store on both backends: SQLite's pragmas, write transactions and
migrations with a backup; PostgreSQL's migrations, write lock, password and
connection errors (on a throwaway cluster, tests/pg_server.py)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import Base

from .smtp_server import free_port


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
    assert dbmod._current_revision(d) == dbmod.SCHEMA_HEAD == "0010"
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


def test_the_sqlite_schema_is_the_one_main_makes(tmp_path):
    """SQLite's schema is byte for byte what its migrations make
    (tests/data/sqlite_schema.txt: the sqlite_master of a fresh database; a
    migration that changes it changes the file: 0010 rebuilds the contacts and members)."""
    d = dbmod.open_database(tmp_path)
    d.dispose()
    con = sqlite3.connect(tmp_path / "mailer.db")
    rows = con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    con.close()
    dump = "".join(f"{t} {n} ON {tb}\n{sql}\n\n" for t, n, tb, sql in rows)
    assert dump == (Path(__file__).parent / "data" / "sqlite_schema.txt").read_text()


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_empty(pg_cluster) -> Iterator[str]:
    """An empty PostgreSQL database (no schema): its URL with the password in it."""
    import psycopg

    name = f"empty_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_cluster.conninfo, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    yield pg_cluster.url_for(name).replace("@", f":{pg_cluster.password}@", 1)
    with psycopg.connect(pg_cluster.conninfo, autocommit=True) as con:
        con.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_postgresql_is_migrated_to_the_head_and_matches_the_models(tmp_path, pg_empty, caplog):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    caplog.set_level(logging.INFO, logger="mailer_gui.core.store.db")
    d = dbmod.open_database(tmp_path, url=pg_empty)
    assert d.backend == "postgresql" and d.path is None
    assert dbmod._current_revision(d) == dbmod.SCHEMA_HEAD
    assert "pg_dump" in caplog.text
    assert list(tmp_path.iterdir()) == []  # no file backup on PostgreSQL
    with d.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        index = c.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_recipients_campaign_email'")
        ).scalar()
        kinds = dict(
            c.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = 'slot_ledger'"
                )
            ).all()
        )
    assert diff == []
    assert index is not None and "UNIQUE" in index and "WHERE (test_entry_id IS NULL)" in index
    assert kinds["at"] == "timestamp without time zone"
    d.dispose()
    # Opened again: at the head, nothing to do.
    caplog.clear()
    d = dbmod.open_database(tmp_path, url=pg_empty)
    assert "upgrading" not in caplog.text
    d.dispose()


def test_postgresql_upgrade_from_an_older_revision_fills_the_slot_counts(tmp_path, pg_empty):
    d = dbmod.Database(url=pg_empty)
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with d.write() as s:
        s.execute(
            text(
                "INSERT INTO slot_ledger (at) VALUES ('2026-12-01 10:14:59.999999'),"
                " ('2026-12-01 10:15:00'), ('2026-12-02 00:00:00')"
            )
        )
    dbmod.upgrade(d)
    with d.read() as s:
        rows = s.execute(text("SELECT key, n FROM slot_counts ORDER BY key")).all()
    assert [tuple(r) for r in rows] == [
        ("d2026-12-01", 2),
        ("d2026-12-02", 1),
        ("m2026-12-01 10:14", 1),
        ("m2026-12-01 10:15", 1),
        ("m2026-12-02 00:00", 1),
        ("q2026-12-01 10:00", 1),
        ("q2026-12-01 10:15", 1),
        ("q2026-12-02 00:00", 1),
    ]
    d.dispose()


def test_postgresql_writes_take_the_write_lock_and_reads_do_not(pg_url, pg_cluster):
    import psycopg

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    with psycopg.connect(pg_cluster.conninfo_for(d.url.database), autocommit=True) as other:

        def free() -> bool:
            got = other.execute(
                "SELECT pg_try_advisory_lock(%s)", (dbmod.WRITE_LOCK_KEY,)
            ).fetchone()[0]
            if got:
                other.execute("SELECT pg_advisory_unlock(%s)", (dbmod.WRITE_LOCK_KEY,))
            return bool(got)

        with d.write() as s:
            s.execute(text("SELECT 1"))
            assert not free()
        assert free()  # released at commit
        session = d.write_session()
        session.execute(text("SELECT 1"))
        assert not free()
        session.rollback()
        session.close()
        assert free()
        with d.read() as s:
            s.execute(text("SELECT count(*) FROM campaigns")).scalar()
            assert free()
        with d.engine.connect() as c:
            level = c.exec_driver_sql("SHOW transaction_isolation").scalar()
        assert level == "read committed"
    d.dispose()


def _lock_is_free(other, key: int) -> bool:
    got = other.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]
    if got:
        other.execute("SELECT pg_advisory_unlock(%s)", (key,))
    return bool(got)


def test_postgresql_a_write_lock_owed_goes_with_the_first_statement(pg_url, pg_cluster):
    """``write_session(lock_with_first=True)`` (the engine's step): no lock at
    BEGIN; the first statement takes it in the same round trip, whichever way
    it goes: reads sent ahead, hotsql's execute, or SQLAlchemy's."""
    import psycopg

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    firsts = {
        "ahead": lambda s, con: con.ahead([(hotsql.SETTINGS_RAW, ())]),
        "execute": lambda s, con: con.execute(hotsql.LEASE_OWNER).fetchone(),
        "sqlalchemy": lambda s, con: s.execute(text("SELECT count(*) FROM campaigns")).scalar(),
    }
    with psycopg.connect(pg_cluster.conninfo_for(d.url.database), autocommit=True) as other:
        for name, first in firsts.items():
            session = d.write_session(lock_with_first=True)
            con = hotsql.driver(session)
            assert _lock_is_free(other, dbmod.WRITE_LOCK_KEY), name  # begun, nothing sent
            first(session, con)
            assert not _lock_is_free(other, dbmod.WRITE_LOCK_KEY), name
            con.execute(hotsql.LEASE_OWNER).fetchone()  # and not again: still one holder
            session.rollback()
            session.close()
            assert _lock_is_free(other, dbmod.WRITE_LOCK_KEY), name
    d.dispose()


def test_postgresql_a_write_sent_ahead_runs_next_as_sent_or_nothing_goes_on(pg_url, pg_cluster):
    """A write sent ahead (the engine's "sent" of the last message) must be the
    next statement run, as sent; a read sent after it may answer only once it
    ran. Anything else raises (the step rolls back: nothing is committed)."""
    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    write = ("UPDATE settings SET value = value WHERE key = ?", ("smtp",))
    read = (hotsql.LEASE_OWNER, ())

    def sent(*stmts):
        session = d.write_session(lock_with_first=True)
        con = hotsql.driver(session)
        con.ahead(stmts)
        return session, con

    session, con = sent((hotsql.SETTINGS_RAW, ()), (*write, True), read)
    con.execute(hotsql.SETTINGS_RAW)  # sent before the write: answers
    with pytest.raises(RuntimeError, match="not run as sent"):
        con.execute(*read)  # sent after the write, which has not run yet
    session.close()  # rolls back
    session, con = sent((*write, True), read)
    assert con.execute(*write).rowcount == 0  # no smtp row: the write's own answer
    assert con.execute(*read).fetchone() is None and not con._ahead
    session.close()  # rolls back
    session, con = sent((*write, True))
    with pytest.raises(RuntimeError, match="not run as sent"):
        con.execute(write[0], ("limits",))  # not as sent
    session.close()  # rolls back
    session, con = sent((*write, True))
    with pytest.raises(RuntimeError, match="not run as sent"):
        session.execute(text("SELECT 1"))  # SQLAlchemy's statement first
    session.rollback()
    session.close()
    d.dispose()


def test_postgresql_a_statement_committed_with_commit_is_all_or_nothing(pg_url, pg_cluster):
    """``PgCon.commit_after`` (the engine's claim, run with COMMIT): the
    statement and everything before it are committed together, its row comes
    back; when it fails, nothing of the transaction is kept and the error is
    raised; a write sent ahead and not run yet stops it before anything goes."""
    import psycopg

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    put = "INSERT INTO settings (key, value) VALUES (?, ?::json) RETURNING key"

    def stored() -> list[str]:
        with psycopg.connect(pg_cluster.conninfo_for(d.url.database)) as other:
            return [r[0] for r in other.execute("SELECT key FROM settings ORDER BY key")]

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.execute(put, ("a", '"1"')).fetchone()
    assert con.commit_after(put, ("b", '"2"')) == ("b",)
    session.commit()
    session.close()
    assert stored() == ["a", "b"]

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.execute(put, ("c", '"3"')).fetchone()
    with pytest.raises(psycopg.errors.UniqueViolation):
        con.commit_after(put, ("a", '"again"'))  # the key is taken
    session.close()
    assert stored() == ["a", "b"]  # "c" went with it

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.ahead([("UPDATE settings SET value = value WHERE key = ?", ("a",), True)])
    with pytest.raises(RuntimeError, match="not run as sent"):
        con.commit_after(put, ("d", '"4"'))
    session.close()
    assert stored() == ["a", "b"]
    d.dispose()


def test_postgresql_a_commit_sent_is_made_by_the_server_before_its_answer_is_read(
    pg_url, pg_cluster
):
    """``PgCon.commit_sent`` (how the engine sends its claim, then MAIL, RCPT
    and DATA): the server commits without the caller waiting, so another
    connection sees the rows before the answer is read; the answer is the
    statement's row, read once. A failing statement keeps nothing, and its
    error comes with the answer."""
    import psycopg

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    put = "INSERT INTO settings (key, value) VALUES (?, ?::json) RETURNING key"

    def stored() -> list[str]:
        with psycopg.connect(pg_cluster.conninfo_for(d.url.database)) as other:
            return [r[0] for r in other.execute("SELECT key FROM settings ORDER BY key")]

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.execute(put, ("a", '"1"')).fetchone()
    answer = con.commit_sent(put, ("b", '"2"'))
    deadline = time.monotonic() + 30
    while stored() != ["a", "b"]:  # committed by the server, the answer not read yet
        assert time.monotonic() < deadline, stored()
        time.sleep(0.01)
    assert answer() == ("b",)
    assert answer() == ("b",)  # read once, kept
    session.commit()
    session.close()

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.execute(put, ("c", '"3"')).fetchone()
    answer = con.commit_sent(put, ("a", '"again"'))  # the key is taken
    with pytest.raises(psycopg.errors.UniqueViolation):
        answer()
    session.close()
    assert stored() == ["a", "b"]  # "c" went with it
    d.dispose()


def test_postgresql_a_commit_sent_whose_error_is_back_before_it_is_read_answers_it(
    pg_url, pg_cluster
):
    """The failing statement's error is already back in the socket (the server
    answered while the caller was busy elsewhere, as while MAIL and RCPT go
    out): it still comes with the answer, every time, nothing is kept, and the
    pooled connection is usable after it. (psycopg's own pipeline read such an
    answer while it sent the COMMIT, and raised it there: CI once met that.)"""
    import select

    import psycopg

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    put = "INSERT INTO settings (key, value) VALUES (?, ?::json) RETURNING key"
    with d.write() as s:
        hotsql.driver(s).execute(put, ("a", '"1"')).fetchone()

    session = d.write_session(lock_with_first=True)
    con = hotsql.driver(session)
    con.execute(put, ("c", '"3"')).fetchone()
    answer = con.commit_sent(put, ("a", '"again"'))  # the key is taken
    readable, _, _ = select.select([con._con.pgconn.socket], [], [], 30)
    assert readable, "no answer from the server in 30 s"
    with pytest.raises(psycopg.errors.UniqueViolation):
        answer()
    with pytest.raises(psycopg.errors.UniqueViolation):
        answer()  # the same answer, every time
    session.close()

    def keys() -> list[str]:
        with d.read() as s:
            return [r[0] for r in s.execute(text("SELECT key FROM settings ORDER BY key"))]

    assert keys() == ["a"]  # "c" went with it
    with d.write() as s:  # the pooled connection is usable again
        hotsql.driver(s).execute(put, ("d", '"4"')).fetchone()
    assert keys() == ["a", "d"]
    d.dispose()


def test_postgresql_an_idle_connection_the_server_dropped_is_replaced(
    pg_url, pg_cluster, monkeypatch
):
    """Connections in steady use are not pinged (a round trip a message); one
    idle PING_AFTER_IDLE_S or more is, and a dead one is replaced, so the
    first write after a server-side drop works. Without that ping it fails."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))

    def drop_ours() -> None:
        with d.read() as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
        with psycopg.connect(pg_cluster.conninfo_for(d.url.database), autocommit=True) as o:
            assert o.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]

    def write() -> None:
        with d.write() as s:
            s.execute(text("UPDATE settings SET key = key"))

    monkeypatch.setattr(dbmod, "PING_AFTER_IDLE_S", 3600.0)  # never idle long enough
    drop_ours()
    with pytest.raises(OperationalError):
        write()
    write()  # the pool let the dead one go
    monkeypatch.setattr(dbmod, "PING_AFTER_IDLE_S", 0.0)  # every checkout is "idle"
    drop_ours()
    write()
    d.dispose()


def test_only_a_lost_server_is_worded_as_lost(tmp_path, pg_url, pg_cluster):
    """The CLI and the window word a connection the server dropped as one clear
    line (server, port, database; not the statement or its values); any other
    database error, and any error on SQLite, is left as it is (a bug to report)."""
    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    with d.read() as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    with psycopg.connect(pg_cluster.conninfo_for(d.url.database), autocommit=True) as o:
        o.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(OperationalError) as lost:
        with d.write() as s:
            s.execute(text("UPDATE settings SET key = :k WHERE key = 'x'"), {"k": "secret-ish"})
    said = str(dbmod.lost_connection(d, lost.value))
    assert said.startswith(
        f"lost the connection to the PostgreSQL server at 127.0.0.1:{pg_cluster.port} "
        f"(database {d.url.database}): "
    )
    assert "UPDATE" not in said and "secret-ish" not in said and pg_cluster.password not in said
    # The window tries again by itself: its status line says so, short, with no
    # driver text (the log has it).
    assert str(dbmod.lost_connection(d, lost.value, 5.0)) == (
        f"lost the connection to the PostgreSQL server at 127.0.0.1:{pg_cluster.port} "
        f"(database {d.url.database}); nothing recorded is lost; trying again every 5 s"
    )
    with pytest.raises(IntegrityError) as dup:
        with d.write() as s:
            s.execute(text("INSERT INTO contact_lists (name, created_at) VALUES ('a', now())"))
            s.execute(text("INSERT INTO contact_lists (name, created_at) VALUES ('a', now())"))
    assert dbmod.lost_connection(d, dup.value) is None
    assert dbmod.lost_connection(d, ValueError("x")) is None
    d.dispose()
    lite = dbmod.Database(tmp_path / "m.db")
    assert dbmod.lost_connection(lite, lost.value) is None
    lite.dispose()


def test_postgresql_count_then_insert_never_exceeds_the_limit(pg_url, pg_cluster):
    """Two writers each count the ledger, wait, then reserve while under the
    limit: the write lock makes each check-and-reserve atomic."""
    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    limit, errors = 12, []
    start = threading.Barrier(3)

    def sender() -> None:
        try:
            start.wait(10)
            for _ in range(limit):
                with d.write() as s:
                    n = s.execute(text("SELECT count(*) FROM slot_ledger")).scalar()
                    time.sleep(0.005)  # the other writer would count the same n here
                    if n < limit:
                        s.execute(text("INSERT INTO slot_ledger (at) VALUES (now())"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with d.read() as s:
        assert s.execute(text("SELECT count(*) FROM slot_ledger")).scalar() == limit
    d.dispose()


def test_postgresql_password_typed_in_the_url_is_used_never_kept(tmp_path, pg_url, pg_cluster):
    secret = pg_cluster.password
    typed = pg_url.replace("@", f":{secret}@", 1)
    d = dbmod.open_database(tmp_path, url=typed)
    assert secret not in str(d.url) and secret not in repr(d.url)
    assert secret not in d.url.render_as_string(hide_password=False)
    assert secret not in repr(d.engine.url) and secret not in d.where
    assert d.where == f"mailer@127.0.0.1:{pg_cluster.port}/{d.url.database}"
    assert secret not in dbmod.hide_password(typed) and "***" in dbmod.hide_password(typed)
    with d.read() as s:
        assert s.execute(text("SELECT current_user")).scalar() == "mailer"
    d.dispose()


def test_postgresql_password_from_the_keychain_or_libpq(
    tmp_path, pg_url, pg_cluster, memory_keyring, monkeypatch
):
    from mailer_gui.core.config.secrets import SecretStore

    url = dbmod.parse_url(pg_url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(dbmod.DatabaseError) as refused:
        dbmod.open_database(tmp_path, url=pg_url, secrets=SecretStore(use_env=False))
    assert refused.value.code == "db.auth_failed"
    # The keychain, keyed by user@host:port/db.
    SecretStore(use_env=False).set_password(dbmod.password_account(url), pg_cluster.password)
    d = dbmod.open_database(tmp_path, url=pg_url, secrets=SecretStore(use_env=False))
    d.dispose()
    # libpq's own places: PGPASSWORD here (so ~/.pgpass and services work too).
    memory_keyring.store.clear()
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    d = dbmod.open_database(tmp_path, url=pg_url, secrets=SecretStore(use_env=False))
    d.dispose()


def test_postgresql_errors_name_the_database_and_what_to_do(tmp_path, pg_url, pg_cluster):
    secret = pg_cluster.password
    url = pg_url.replace("@", f":{secret}@", 1)
    wrong = pg_url.replace("@", ":not-the-password@", 1)
    down = url.replace(f":{pg_cluster.port}/", f":{free_port()}/")
    missing = url.rsplit("/", 1)[0] + "/no_such_db"
    cases = [
        (wrong, "db.auth_failed", "config database-password"),
        (down, "db.unreachable", "check that the server runs"),
        (missing, "db.no_database", "no database no_such_db"),
    ]
    for given, code, says in cases:
        with pytest.raises(dbmod.DatabaseError) as err:
            dbmod.open_database(tmp_path, url=given)
        text_ = str(err.value)
        assert err.value.code == code, text_
        assert says in text_ and "127.0.0.1" in text_
        assert secret not in text_ and "not-the-password" not in text_
        assert err.value.__cause__ is None and err.value.__suppress_context__
    with pytest.raises(dbmod.DatabaseError) as err:
        dbmod.open_database(tmp_path, url=f"mysql://u:{secret}@h/db")
    assert err.value.code == "db.bad_url" and secret not in str(err.value)


def test_a_foreign_postgresql_database_is_refused(tmp_path, pg_empty):
    d = dbmod.Database(url=pg_empty)
    with d.engine.begin() as c:
        c.execute(text("CREATE TABLE something (x int)"))
    with pytest.raises(dbmod.DatabaseError, match="not a Mailer database"):
        dbmod.upgrade(d)
    d.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_contacts_keep_where_and_when_they_came_through_0010_and_back(tmp_path, backend, request):
    """0010 keeps an import's file name and time once (contact_imports), not in
    every contact and member: contacts stored at 0009 come through with the
    same source, times and fields, members with the time they were added,
    the search index whole; and the downgrade puts the columns back."""
    from mailer_gui.core.audience import lists

    if backend == "sqlite":
        d = dbmod.Database(tmp_path / "mailer.db")
    else:
        d = dbmod.Database(url=request.getfixturevalue("pg_empty"))
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
    t1, t2, t3 = (f"2026-0{m}-05 10:00:00.000000" for m in (1, 2, 3))
    with d.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (id, email, email_norm, fields, source, created_at, "
                "updated_at) VALUES "
                "(1, 'Ann@example.org', 'ann@example.org', '{\"city\": \"Tver\"}', 'a.csv', "
                ":t1, :t1),"
                "(2, 'bob@example.org', 'bob@example.org', '{}', 'a.csv', :t1, :t3),"
                "(3, 'cy@example.org', 'cy@example.org', '{}', NULL, :t2, :t2)"
            ),
            {"t1": t1, "t2": t2, "t3": t3},
        )
        conn.execute(
            text("INSERT INTO contact_lists (id, name, created_at) VALUES (1, 'All', :t1)"),
            {"t1": t1},
        )
        conn.execute(
            text(
                "INSERT INTO list_members (list_id, contact_id, added_at) VALUES "
                "(1, 1, :t1), (1, 2, :t1), (1, 3, :t3)"
            ),
            {"t1": t1, "t3": t3},
        )
    dbmod.upgrade(d)
    with d.read() as s:
        rows = lists.contact_page(s, 1)
        got = [(c.email, c.fields, c.source, c.created_at, c.updated_at) for c in rows]
        members = s.execute(
            text(
                "SELECT m.contact_id, i.at FROM list_members m JOIN contact_imports i "
                "ON i.id = m.import_id ORDER BY m.contact_id"
            )
        ).all()
        imports = s.execute(text("SELECT count(*) FROM contact_imports")).scalar()
        found = [c.email for c in lists.contact_page(s, None, "Tver")]
    at = [datetime(2026, m, 5, 10, tzinfo=UTC) for m in (1, 2, 3)]
    assert got == [
        ("Ann@example.org", {"city": "Tver"}, "a.csv", at[0], at[0]),
        ("bob@example.org", {}, "a.csv", at[0], at[2]),
        ("cy@example.org", {}, None, at[1], at[1]),
    ]
    assert [(c, hotsql.from_ts(a)) for c, a in members] == [(1, at[0]), (2, at[0]), (3, at[2])]
    assert imports == 3  # (a.csv, t1), (none, t2), and t3 for the member added later
    assert found == ["Ann@example.org"]
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    with d.engine.begin() as conn:
        back = conn.execute(
            text("SELECT email, source, created_at, updated_at FROM contacts ORDER BY id")
        ).all()
        added = conn.execute(
            text("SELECT contact_id, added_at FROM list_members ORDER BY contact_id")
        ).all()
    assert [(e, s_, hotsql.from_ts(c), hotsql.from_ts(u)) for e, s_, c, u in back] == [
        ("Ann@example.org", "a.csv", at[0], at[0]),
        ("bob@example.org", "a.csv", at[0], at[2]),
        ("cy@example.org", None, at[1], at[1]),
    ]
    assert [(c, hotsql.from_ts(a)) for c, a in added] == [(1, at[0]), (2, at[0]), (3, at[2])]
    d.dispose()
