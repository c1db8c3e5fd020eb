"""The CLI contract unchanged in team mode: a few of test_cli.py's tests run
again with ``MAILER_GUI_DATABASE_URL`` naming a real PostgreSQL database (the
password from libpq's PGPASSWORD or the keychain), plus the global
``--database-url`` option, ``config database-password`` and ``status --json``'s
``database`` object."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from mailer_gui.cli import main as cli
from mailer_gui.core.store import db as dbmod

from . import test_cli as contract
from .pg_server import start_cluster
from .smtp_server import free_port


@pytest.fixture
def team(pg_url, pg_cluster, monkeypatch) -> str:
    monkeypatch.setenv("MAILER_GUI_DATABASE_URL", pg_url)
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    return pg_url


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_full_flow_on_postgresql(team, data, tmp_path, smtp_server, capsys):
    contract.test_full_flow_and_status_json_contract(data, tmp_path, smtp_server, capsys)
    assert not (data / dbmod.DB_FILENAME).exists()  # the data lives on the server


def test_schedule_pause_resume_cancel_on_postgresql(team, data, tmp_path, smtp_server, capsys):
    contract.test_scheduled_start_and_pause_resume_cancel(data, tmp_path, smtp_server, capsys)


def test_test_send_on_postgresql(team, data, tmp_path, smtp_server, capsys):
    contract.test_test_send_goes_through_the_engine_and_counts(data, tmp_path, smtp_server, capsys)


def _status(*args: str, capsys) -> dict:
    assert cli.main([*args, "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["database"]


def test_status_json_says_which_database(pg_url, pg_cluster, data, capsys, monkeypatch):
    monkeypatch.delenv("MAILER_GUI_DATABASE_URL", raising=False)
    assert _status("--data-dir", str(data), capsys=capsys) == {
        "backend": "sqlite",
        "where": str(data / dbmod.DB_FILENAME),
    }
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    where = f"mailer@127.0.0.1:{pg_cluster.port}/{pg_url.rsplit('/', 1)[1]}"
    by_option = _status("--data-dir", str(data), "--database-url", pg_url, capsys=capsys)
    assert by_option == {"backend": "postgresql", "where": where}
    monkeypatch.setenv("MAILER_GUI_DATABASE_URL", pg_url)
    assert _status("--data-dir", str(data), capsys=capsys) == by_option


def test_database_password_goes_to_the_keychain_and_is_used(
    pg_url, pg_cluster, data, capsys, monkeypatch, memory_keyring
):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("MAILER_GUI_DATABASE_URL", pg_url)
    assert cli.main(["--data-dir", str(data), "status"]) == 1
    err = capsys.readouterr().err
    assert "config database-password" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(pg_cluster.password + "\n"))
    assert cli.main(["--data-dir", str(data), "config", "database-password", "--stdin"]) == 0
    assert "stored in the OS keychain" in capsys.readouterr().out
    assert list(memory_keyring.store.values()) == [pg_cluster.password]
    assert _status("--data-dir", str(data), capsys=capsys)["backend"] == "postgresql"
    # Never in the data folder or its log.
    for path in data.rglob("*"):
        if path.is_file():
            assert pg_cluster.password.encode() not in path.read_bytes(), path


def test_database_password_needs_a_postgresql_url(data, capsys, monkeypatch):
    monkeypatch.delenv("MAILER_GUI_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    assert cli.main(["--data-dir", str(data), "config", "database-password", "--stdin"]) == 2
    assert "--database-url" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    sqlite_url = f"sqlite:///{data / 'x.db'}"
    args = ["--database-url", sqlite_url, "config", "database-password", "--stdin"]
    assert cli.main(["--data-dir", str(data), *args]) == 1
    assert "a SQLite file has no password" in capsys.readouterr().err


def test_server_down_is_one_line_naming_it_without_the_password(data, capsys):
    url = f"postgresql+psycopg://mailer:hunter2-secret@127.0.0.1:{free_port()}/mailer"
    assert cli.main(["--data-dir", str(data), "--database-url", url, "status"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "cannot reach the PostgreSQL server at 127.0.0.1" in err
    assert "hunter2-secret" not in err
    for path in data.rglob("*"):
        if path.is_file():
            assert b"hunter2-secret" not in path.read_bytes(), path


def test_the_window_takes_the_same_option():
    """``python -m mailer_gui --database-url URL`` opens the window (not the CLI),
    which reads the URL as the CLI does."""
    from mailer_gui.__main__ import _wants_cli

    url = "postgresql+psycopg://mailer@db.example.com:5432/mailer"
    assert not _wants_cli(["--database-url", url])
    assert not _wants_cli([f"--database-url={url}", "--data-dir", "x"])
    assert _wants_cli(["--database-url", url, "status"])


# `run --until-idle` in a process of its own (the test harness's local server:
# reserved example domains allowed, as contract.run does).
_RUN = (
    "import sys; from mailer_gui.cli import main as cli; sys.exit(cli.main(['--data-dir', "
    "sys.argv[1], 'run', '--until-idle'], allow_reserved_domains=True))"
)


def _run_in_a_process(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN, str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_the_server_lost_mid_run_is_one_clear_line_and_nothing_is_sent_twice(
    data, tmp_path, smtp_server, capsys, monkeypatch
):
    """PostgreSQL stops (as in a crash) while `run` waits for the server's reply
    to a message: the command ends with one line naming the server and what to
    do, exit 1, no traceback, no password. Once the server is back, the next
    run does not send that message again (it is uncertain, for the operator)."""
    # Its own, durable (as a real server: fsync and synchronous commit on): this
    # test stops it as a crash would, and the claim must survive that.
    cluster = start_cluster(durable=True)
    try:
        with psycopg.connect(cluster.conninfo, autocommit=True) as con:
            con.execute("CREATE DATABASE lost")
        monkeypatch.setenv("MAILER_GUI_DATABASE_URL", cluster.url_for("lost"))
        monkeypatch.setenv("PGPASSWORD", cluster.password)
        cid = contract.setup_campaign(data, tmp_path, smtp_server, capsys)
        assert contract.run(data, "campaign", "enqueue", str(cid)) == 0
        capsys.readouterr()
        # The message stored, the reply held back: long enough for any halt
        # (pg_ctl stop -m immediate) to finish before the engine writes again.
        smtp_server.set_slow(0.0, 4.0)

        halter = cluster.halt_when(lambda: bool(smtp_server.received))
        first_run = _run_in_a_process(data)
        halter.join()
        err = first_run.stderr
        assert first_run.returncode == 1, err
        assert err.count("\n") == 1, err
        assert f"lost the connection to the PostgreSQL server at 127.0.0.1:{cluster.port}" in err
        assert "run the command again once the server is back" in err
        assert "Traceback" not in err and cluster.password not in err
        assert len(smtp_server.received) == 1
        first = smtp_server.received[0].rcpt_tos
        cluster.resume()
        smtp_server.set_slow(0.0, 0.0)
        # The lease could not be given back (the server was gone); the first
        # run's process has ended, so the next run on this machine takes it.
        again = _run_in_a_process(data)
        assert again.returncode == 0, again.stderr
        assert "1 recipient(s) from an interrupted run are now uncertain" in again.stderr
        sent_to = [r.rcpt_tos for r in smtp_server.received]
        assert sent_to.count(first) == 1 and len(sent_to) == 2  # the other one, once
    finally:
        cluster.stop()
