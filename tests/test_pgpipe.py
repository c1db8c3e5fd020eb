"""The hot statements' way to PostgreSQL (``mailer_gui.core.store.pgpipe``),
on the throwaway cluster: what comes back is what psycopg's own cursor reads,
statements are prepared from their second use and stay prepared across
rollbacks, and a lost prepared statement, a failed round trip or a full cache
costs one error at most, never a wrong answer."""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store import hotsql

psycopg = pytest.importorskip("psycopg")
from mailer_gui.core.store import pgpipe  # noqa: E402

LEASES = "SELECT count(*) FROM lease"


@pytest.fixture
def database(pg_url, pg_cluster):
    d = dbmod.Database(url=pg_url.replace("@", f":{pg_cluster.password}@", 1))
    yield d
    d.dispose()


def ours(s) -> list[str]:
    """The names of our prepared statements on the session's connection."""
    rows = s.execute(
        text("SELECT name FROM pg_prepared_statements WHERE name LIKE 'mailer\\_%' ORDER BY name")
    )
    return [r[0] for r in rows]


def test_placeholders_become_numbered_parameters():
    assert pgpipe.query("SELECT ? + ?, 'x'") == b"SELECT $1 + $2, 'x'"
    assert pgpipe.query("SELECT 1") == b"SELECT 1"


def test_answers_are_what_psycopg_reads_unnamed_and_prepared(database):
    """Times, JSON, bytes, NULLs and integers of every size come back as
    psycopg's cursor gives them, the first time (unnamed) and later (prepared)."""
    sql = (
        "SELECT ?::timestamp, ?::json, ?::bytea, ?::integer, ?::bigint, ?::text,"
        " ? = 1, g FROM generate_series(1, 3) g"
    )
    params = ("2026-12-04 01:02:03.000004", '{"a": [1, 2]}', b"\x00\xff", None, 2**40, "é", 1)
    with database.write() as s:
        con = hotsql.driver(s)
        raw = con._con
        want = raw.execute(sql.replace("?", "%s"), params, prepare=False).fetchall()
        assert want[0][0] == datetime(2026, 12, 4, 1, 2, 3, 4) and want[0][1] == {"a": [1, 2]}
        got = [con.execute(sql, params).fetchall() for _ in range(3)]
        assert got == [want, want, want]
        assert len(ours(s)) == 1  # prepared at its second use, once
        answer = con.execute(sql, params)
        assert answer.fetchone() == want[0]
        assert answer.fetchall() == want[1:]
        assert answer.fetchone() is None
        assert answer.rowcount == 3


def test_prepared_statements_outlive_a_rollback(database):
    """psycopg deallocates every prepared statement after a rollback once it has
    one of its own; the store's connections never let it prepare any, so ours
    stay, and are used, not prepared again."""
    for _ in range(2):
        with database.write() as s:
            hotsql.driver(s).execute(LEASES).fetchone()
    session = database.write_session()
    for _ in range(8):  # psycopg would prepare it from its sixth run
        session.execute(text("SELECT count(*) FROM campaigns")).scalar()
    assert len(ours(session)) == 1
    session.rollback()
    session.close()
    with database.write() as s:
        con = hotsql.driver(s)
        assert len(ours(s)) == 1  # still there after the rollback
        before = pgpipe.prepared(s.connection().info).names.copy()
        assert con.execute(LEASES).fetchone() == (0,)
        assert pgpipe.prepared(s.connection().info).names == before  # used, not re-made


def test_a_prepared_statement_gone_from_the_server_costs_one_error(database):
    """Should ours vanish (someone's DEALLOCATE ALL), the statement fails once
    with the server's error, the transaction with it, and the next one
    prepares it again."""
    for _ in range(2):
        with database.write() as s:
            hotsql.driver(s).execute(LEASES).fetchone()
    with database.write() as s:
        s.connection().exec_driver_sql("DEALLOCATE ALL")
    session = database.write_session()
    with pytest.raises(psycopg.errors.InvalidSqlStatementName):
        hotsql.driver(session).execute(LEASES)
    session.rollback()
    session.close()
    with database.write() as s:
        assert hotsql.driver(s).execute(LEASES).fetchone() == (0,)


def test_a_failed_round_trip_leaves_no_name_of_a_statement_it_never_prepared(database):
    """A statement prepared in a round trip that failed before it was not
    prepared: it is prepared again next time, not run by a name the server
    does not know."""
    read = ("SELECT key FROM settings WHERE key = ?", ("a",))
    with database.write() as s:
        hotsql.driver(s).execute(*read).fetchall()  # seen once
    session = database.write_session()
    con = hotsql.driver(session)
    with pytest.raises(psycopg.errors.DivisionByZero):
        con.ahead([("SELECT 1 / 0", ()), read])  # its PREPARE comes after the error
    session.rollback()
    session.close()
    with database.write() as s:
        assert hotsql.driver(s).execute(*read).fetchall() == []  # prepared now
        assert len(ours(s)) == 1


def test_at_most_prepared_max_statements_stay_prepared(database, monkeypatch):
    monkeypatch.setattr(pgpipe, "PREPARED_MAX", 3)
    with database.write() as s:
        con = hotsql.driver(s)
        for i in range(6):
            for _ in range(2):
                assert con.execute(f"SELECT {i} + ?", (1,)).fetchone() == (i + 1,)
        # the oldest are deallocated in the next round trip
        assert con.execute("SELECT 1").fetchone() == (1,)
        names = ours(s)
    assert len(names) == 3, names


def test_a_connection_lost_while_answers_are_read_is_closed_and_replaced(database, pg_cluster):
    """The server ends the connection while a round trip is out: the error is
    psycopg's OperationalError, the connection is closed, and the pool gives a
    working one next."""
    with database.write() as s:
        pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    session = database.write_session()
    con = hotsql.driver(session)
    with psycopg.connect(pg_cluster.conninfo_for(database.url.database), autocommit=True) as other:
        sent, _ = con._send([("SELECT pg_sleep(60)", ())])  # ended by the terminate
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(psycopg.OperationalError):
            sent.read()
    assert con._con.closed
    # SQLAlchemy's rollback of the lost connection raises (as after psycopg's
    # own cursor lost it) and the pool drops the connection.
    with contextlib.suppress(OperationalError):
        session.close()
    with database.write() as s:
        assert hotsql.driver(s).execute("SELECT 2").fetchone() == (2,)


def test_a_value_that_cannot_be_sent_sends_nothing(database):
    session = database.write_session()
    con = hotsql.driver(session)
    with pytest.raises(psycopg.ProgrammingError):
        con.execute("SELECT ?", (object(),))
    assert not con._con.closed  # nothing was sent: the connection goes on
    assert con.execute("SELECT 3").fetchone() == (3,)
    session.rollback()
    session.close()


def test_two_caches_on_one_connection_never_prepare_the_same_name(database):
    """A cache forgotten (or a second one) on a connection whose statements are
    still prepared names new ones: no "already exists"."""
    with database.write() as s:
        raw = hotsql.driver(s)._con
        for cache in (pgpipe.Prepared(), pgpipe.Prepared()):
            for _ in range(2):
                assert pgpipe.run(raw, [("SELECT ? + 1", (1,))], cache)[0].fetchone() == (2,)
        assert len(ours(s)) == 2
