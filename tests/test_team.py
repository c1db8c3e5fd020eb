"""Team mode in one process: the database's clock, the lease judged on it, and
changes heard across apps through LISTEN/NOTIFY, on a real PostgreSQL.

The multi-process side (laptops with their own folders, zones and skewed
clocks; SIGKILL; a second sender refused) is ``test_processes.py``, which runs
on both backends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from mailer_gui.core.clock import CorrectedClock, SimClock, SkewedClock
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.core.errors import LeaseHeldError
from mailer_gui.core.sending import lease
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store import servertime
from mailer_gui.core.store.models import Lease, Recipient

from .conftest import make_campaign
from .pg_server import start_cluster

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


# ---------------------------------------------------------------- the clock


def test_corrected_clock_takes_the_offset_at_the_midpoint_of_the_reading():
    base = SimClock(T0)
    reads = []

    def reference() -> datetime:
        base.advance(0.2)  # the round trip: 0.4 s in all, the server answers half way
        reads.append(1)
        value = T0 + timedelta(hours=2, seconds=0.2)
        base.advance(0.2)
        return value

    clock = CorrectedClock(base, reference, every=3600)
    now = clock.now()
    assert reads == [1]
    assert clock.offset == timedelta(hours=2)
    assert now == T0 + timedelta(seconds=0.4) + timedelta(hours=2)
    clock.now()
    assert reads == [1], "read again before `every` seconds passed"


def test_corrected_clock_measures_again_in_the_background_and_keeps_the_offset_on_failure():
    base = SimClock(T0)
    gate = threading.Event()
    answers: list[object] = [T0 + timedelta(minutes=5), OSError("server away")]
    answers.append(T0 + timedelta(minutes=7))

    def reference() -> datetime:
        if len(answers) < 3:  # the second and later measures: the database is slow
            assert gate.wait(10)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    clock = CorrectedClock(base, reference, every=0.0)  # every call wants a measure
    assert clock.now() == T0 + timedelta(minutes=5)  # the first measure: waited for
    # The next measure hangs on the database: now() still answers, at once,
    # with the last offset (a window never waits on the server for the time).
    assert clock.now() == T0 + timedelta(minutes=5)
    gate.set()
    clock.settle()
    assert len(answers) == 1  # the measure ran, and failed: the offset stays
    assert clock.offset == timedelta(minutes=5)
    time.sleep(0.01)
    clock._next_sync = 0.0  # the retry a few seconds later, without the wait
    clock.now()
    clock.settle()
    assert answers == []
    assert clock.offset == timedelta(minutes=7)


# ---------------------------------------------------------------- PostgreSQL


def team_ctx(tmp_path: Path, url: str, name: str, clock=None, **kw) -> AppContext:
    return open_context(
        tmp_path / name,
        clock,
        SecretStore(use_env=False),
        allow_reserved_domains=True,
        database_url=url,
        **kw,
    )


@pytest.fixture
def url(pg_cluster, pg_url: str, memory_keyring) -> str:
    """A fresh PostgreSQL database (its password in the memory keychain)."""
    account = dbmod.password_account(dbmod.parse_url(pg_url))
    memory_keyring.set_password("mailer-gui", account, pg_cluster.password)
    return pg_url


def test_a_laptop_whose_clock_is_two_hours_fast_keeps_the_servers_time(tmp_path, url):
    ctx = team_ctx(tmp_path, url, "fast", SkewedClock(2 * 3600))
    try:
        server = servertime.server_now(ctx.db)
        mine = ctx.clock.now()
        assert abs((mine - server).total_seconds()) < 2
        assert isinstance(ctx.clock, CorrectedClock)
        assert abs(ctx.clock.offset.total_seconds() + 7200) < 2
    finally:
        ctx.close()


def test_a_simulated_clock_is_kept_as_given_when_asked(tmp_path, url):
    sim = SimClock(T0)
    ctx = team_ctx(tmp_path, url, "sim", sim, database_clock=False)
    try:
        assert ctx.clock is sim
    finally:
        ctx.close()


def set_lease(ctx: AppContext, host: str, age_s: float) -> None:
    """Another laptop's lease whose last heartbeat is ``age_s`` old on the lease's clock."""
    with ctx.db.write() as s:
        beat = lease.lease_now(s) - timedelta(seconds=age_s)
        row = s.get(Lease, 1) or Lease(id=1)
        row.owner, row.host, row.pid, row.label = f"{host}:1:x", host, 1, "gui"
        row.acquired_at, row.heartbeat_at = beat, beat
        s.add(row)


def test_the_lease_is_judged_on_the_servers_clock_whatever_the_laptops_says(tmp_path, url):
    # This laptop's clock is 3 hours fast: on it, any heartbeat of the last
    # three hours would look stale. On the server's clock a 60 s old one is live.
    ctx = team_ctx(tmp_path, url, "taker", SkewedClock(3 * 3600))
    try:
        with ctx.db.read() as s:
            server = servertime.in_session(s)
            assert server is not None
            assert abs((lease.lease_now(s) - server).total_seconds()) < 1
        set_lease(ctx, "laptop-b", age_s=60)
        with pytest.raises(LeaseHeldError) as held:
            Engine(ctx, label="taker").acquire()
        assert "laptop-b" in str(held.value)
        # A heartbeat older than the TTL on the server's clock: taken over, and
        # the taker reconciles (the dead laptop's in-flight message: uncertain).
        campaign = make_campaign(ctx, 2)
        with ctx.db.write() as s:
            r = s.query(Recipient).filter_by(campaign_id=campaign).first()
            r.status, r.engine_id = "sending", "laptop-b:1:x"
        set_lease(ctx, "laptop-b", age_s=lease.LEASE_TTL + 5)
        engine = Engine(ctx, label="taker")
        fixed = engine.acquire()
        assert fixed["uncertain"] == 1
        with ctx.db.read() as s:
            held_by = s.get(Lease, 1)
            assert held_by.owner == engine.id
            # The heartbeat is the server's time, not the fast laptop's.
            beat = held_by.heartbeat_at.replace(tzinfo=UTC)
            assert abs((beat - servertime.in_session(s)).total_seconds()) < 5
        engine.release()
    finally:
        ctx.close()


class Heard:
    def __init__(self) -> None:
        self.words: list[str] = []
        self.cond = threading.Condition()

    def __call__(self, word: str) -> None:
        with self.cond:
            self.words.append(word)
            self.cond.notify_all()

    def wait_for(self, word: str, count: int = 1, timeout: float = 10.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: self.words.count(word) >= count, timeout)


def listening(tmp_path: Path, url: str, name: str) -> tuple[AppContext, Heard]:
    ctx = team_ctx(tmp_path, url, name)
    heard = Heard()
    ctx.listeners.append(heard)
    ctx.listen()
    assert ctx.feed is not None and ctx.feed.listening.wait(10)
    return ctx, heard


def test_a_change_on_one_laptop_is_heard_on_the_other_at_once(tmp_path, url):
    a, heard_a = listening(tmp_path, url, "a")
    b, heard_b = listening(tmp_path, url, "b")
    try:
        a.emit("queue")
        assert heard_b.wait_for("queue", timeout=5)
        assert heard_a.words == ["queue"], "its own change: told locally once, not heard back"
        b.emit("settings")
        assert heard_a.wait_for("settings", timeout=5)
    finally:
        a.close()
        b.close()


def test_a_stream_of_changes_costs_the_others_a_few_notifications(tmp_path, url):
    a = team_ctx(tmp_path, url, "a")
    b, heard = listening(tmp_path, url, "b")
    try:
        for _ in range(500):
            a.emit("queue")  # an engine streaming messages emits once a step
        assert heard.wait_for("queue", timeout=5)
        a.emit("settings")  # the last word of a burst is never lost
        assert heard.wait_for("settings", timeout=5)
        time.sleep(0.5)
        assert 1 <= heard.words.count("queue") <= 10, heard.words
    finally:
        a.close()
        b.close()


def test_a_one_shot_cli_command_on_another_laptop_reaches_the_window(tmp_path, url, pg_cluster):
    window, heard = listening(tmp_path, url, "window")
    try:
        campaign = make_campaign(window, 3, enqueue=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "MAILER_GUI_DATABASE_URL": url,
            "PGPASSWORD": pg_cluster.password,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "TZ": "Asia/Kolkata",
        }
        done = subprocess.run(
            [sys.executable, "-m", "mailer_gui", "--data-dir", str(tmp_path / "cli")]
            + ["campaign", "pause", str(campaign)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        # The command exits right after its change: its word was sent before.
        assert heard.wait_for("queue", timeout=10)
    finally:
        window.close()


def test_a_listener_that_lost_its_connection_comes_back_and_asks_for_a_re_read(
    tmp_path, url, pg_cluster
):
    import psycopg

    a = team_ctx(tmp_path, url, "a")
    b, heard = listening(tmp_path, url, "b")
    try:
        # The server ends the listener's session (a restart, a network cut).
        with psycopg.connect(
            pg_cluster.conninfo_for(url.rsplit("/", 1)[1]), autocommit=True
        ) as con:
            gone = con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
            ).fetchall()
        assert gone == [(True,)]
        # It reconnects and, since words may have been missed, asks for a re-read.
        assert heard.wait_for("settings", timeout=15)
        assert b.feed is not None and b.feed.listening.wait(10)
        a.emit("queue")
        assert heard.wait_for("queue", count=2, timeout=10)
    finally:
        a.close()
        b.close()


def test_sqlite_has_no_feed_and_no_server_clock(ctx):
    assert ctx.feed is None
    with ctx.db.read() as s:
        assert servertime.in_session(s) is None
    ctx.listen()  # nothing to do, nothing fails
    with ctx.db.read() as s:
        assert s.execute(text("SELECT 1")).scalar_one() == 1


def other_laptop_lease(ctx: AppContext, owner: str, pid: int, age_s: float) -> None:
    with ctx.db.write() as s:
        beat = lease.lease_now(s) - timedelta(seconds=age_s)
        row = s.get(Lease, 1) or Lease(id=1)
        row.owner, row.host, row.pid, row.label = owner, socket.gethostname(), pid, "gui"
        row.acquired_at, row.heartbeat_at = beat, beat
        s.add(row)


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_laptop_with_the_same_host_name_keeps_its_lease(ctx, monkeypatch):
    # Two laptops both called like this one: the other's process id means
    # nothing here, so only its heartbeat's age may decide. (This machine's tag
    # is fixed: a machine with no readable machine id has none.)
    monkeypatch.setattr(lease, "machine_tag", lambda: "c0ffee00")
    pid = dead_pid()
    host = socket.gethostname()
    other_laptop_lease(ctx, f"{host}:{pid}:0badf00d-12345678", pid, age_s=5)
    with pytest.raises(LeaseHeldError):
        Engine(ctx, label="taker").acquire()
    # The same dead process on this very machine: taken at once.
    other_laptop_lease(ctx, f"{host}:{pid}:{lease.machine_tag()}-12345678", pid, age_s=5)
    engine = Engine(ctx, label="taker")
    engine.acquire()
    assert engine.id.split(":")[2].startswith(lease.machine_tag() + "-")
    engine.release()


def test_without_a_machine_id_the_host_name_decides_as_before(ctx, monkeypatch):
    # No machine id here, or a lease from an engine of an older version
    # ("host:pid:random"): a dead process on a same-named host is taken at once.
    host = socket.gethostname()
    monkeypatch.setattr(lease, "machine_tag", lambda: "unknown")
    pid = dead_pid()
    other_laptop_lease(ctx, f"{host}:{pid}:0badf00d-12345678", pid, age_s=5)
    Engine(ctx, label="taker").acquire()
    monkeypatch.setattr(lease, "machine_tag", lambda: "c0ffee00")
    pid = dead_pid()
    other_laptop_lease(ctx, f"{host}:{pid}:1a2b3c4d", pid, age_s=5)  # an older engine's id
    engine = Engine(ctx, label="taker")
    engine.acquire()
    engine.release()


def test_the_machine_tag_is_stable_and_names_no_host():
    tag = lease.machine_tag()
    assert tag == lease.machine_tag()
    assert tag == "unknown" or (len(tag) == 8 and int(tag, 16) >= 0)
    assert socket.gethostname() not in tag


# ------------------------------------------------------- the server lost mid-send


def test_an_engine_that_lost_the_server_records_what_it_sent_once_the_server_is_back(
    tmp_path, smtp_server
):
    """A durable server halted (as in a crash) while the SMTP server holds its
    reply to a message: the engine's next write fails; once the server is back,
    the same engine (the window's worker retries so) takes its lease again and
    records that message as sent, from what it kept, not as uncertain; the
    others go once each."""
    from sqlalchemy.exc import OperationalError

    from .conftest import configure

    cluster = start_cluster(durable=True)
    try:
        with psycopg.connect(cluster.conninfo, autocommit=True) as con:
            con.execute("CREATE DATABASE lost")
        url = cluster.url_for("lost").replace("@", f":{cluster.password}@", 1)
        ctx = team_ctx(tmp_path, url, "laptop", database_clock=False)
        try:
            configure(ctx, smtp_server)
            make_campaign(ctx, 3)
            eng = Engine(ctx)
            eng.acquire()
            # The message stored, the reply held back: long enough for any halt
            # (pg_ctl stop -m immediate) to finish before the engine writes again.
            smtp_server.set_slow(0.0, 4.0)

            halter = cluster.halt_when(lambda: bool(smtp_server.received))
            with pytest.raises(OperationalError):
                eng.run_until_idle()
            halter.join()
            assert len(smtp_server.received) == 1
            cluster.resume()
            smtp_server.set_slow(0.0, 0.0)
            assert eng.acquire() == {"uncertain": 0, "finished": 0}
            eng.run_until_idle()
            eng.release()
            to = [r.rcpt_tos[0] for r in smtp_server.received]
            assert sorted(to) == ["r0@example.org", "r1@example.org", "r2@example.org"]
            with ctx.db.read() as s:
                statuses = sorted(s.scalars(text("SELECT status FROM recipients")).all())
            assert statuses == ["sent", "sent", "sent"]
        finally:
            ctx.close()
    finally:
        cluster.stop()
