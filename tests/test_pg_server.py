"""The throwaway PostgreSQL cluster the team-mode tests stand on (tests/pg_server.py)."""

from __future__ import annotations

import socket

import psycopg
import pytest

from tests.pg_server import start_cluster


def test_a_throwaway_cluster_serves_on_loopback_with_a_password_and_leaves_nothing() -> None:
    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.conninfo) as conn:
            row = conn.execute(
                "SELECT current_user, current_database(), inet_server_addr()"
            ).fetchone()
            assert row is not None
            assert (row[0], row[1], str(row[2])) == ("mailer", "mailer", "127.0.0.1")
            conn.execute("CREATE TABLE t (id serial PRIMARY KEY, v text NOT NULL)")
            conn.execute("INSERT INTO t (v) VALUES (%s), (%s)", ("a", "б"))
            assert conn.execute("SELECT v FROM t ORDER BY id").fetchall() == [("a",), ("б",)]
        wrong = cluster.conninfo.replace(cluster.password, "not-the-password")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong).close()
    finally:
        cluster.stop()
    assert not cluster.folder.exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", cluster.port)) != 0
