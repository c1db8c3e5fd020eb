"""Real processes on one database: SIGKILL at random moments, two engines.

Every test runs on both backends (``pytest.mark.backends``). On SQLite the
processes share one data folder (the file is the database). On PostgreSQL
(team mode) each process is a laptop of its own: its own data folder, its
own time zone, and one of them a clock 95 minutes fast and another 50 minutes
slow (``tests/team_laptop.py``, the CLI with its clock skewed), all on one
database whose clock judges the lease and the limit windows; the password
comes from libpq's ``PGPASSWORD``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from mailer_gui.core.context import open_context
from mailer_gui.core.store.db import Database

from .conftest import configure, make_campaign

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[1]
LAPTOP = ROOT / "tests" / "team_laptop.py"

# Team mode's laptops: (time zone, clock skew in seconds). Laptop 0 is the one
# that prepares the campaign.
LAPTOPS = [
    ("America/Los_Angeles", 0.0),
    ("Asia/Kolkata", 95 * 60.0),
    ("Europe/Moscow", -50 * 60.0),
]


class Team:
    """Where the processes' data lives: one SQLite folder, or a PostgreSQL
    database with a data folder per laptop."""

    def __init__(self, tmp_path: Path, url: str | None, password: str | None) -> None:
        self.tmp_path = tmp_path
        self.url = url
        self.password = password

    def data(self, laptop: int = 0) -> Path:
        return self.tmp_path / ("data" if self.url is None else f"laptop{laptop}")

    def cli(self, *args: str, laptop: int = 0, **kw) -> subprocess.Popen:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "MAILER_GUI_SMTP_PASSWORD": "",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        head = [sys.executable, "-m", "mailer_gui"]
        if self.url is not None:
            zone, skew = LAPTOPS[laptop % len(LAPTOPS)]
            env.update(TZ=zone, MAILER_GUI_DATABASE_URL=self.url, PGPASSWORD=self.password or "")
            if skew:
                head = [sys.executable, str(LAPTOP), str(skew)]
        return subprocess.Popen(
            [*head, "--data-dir", str(self.data(laptop)), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            **kw,
        )


@pytest.fixture
def team(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Team:
    if backend == "sqlite":
        return Team(tmp_path, None, None)
    url = request.getfixturevalue("database_url")
    return Team(tmp_path, url, request.getfixturevalue("pg_cluster").password)


def prepare(team: Team, server, n: int, hourly: int = 100_000) -> Team:
    # The test harness: local server, reserved example domains allowed.
    ctx = open_context(team.data(0), allow_reserved_domains=True, database_url=team.url or "")
    configure(ctx, server, hourly=hourly, monthly=1_000_000, timezone="UTC")
    make_campaign(ctx, n)
    ctx.close()
    return team


def db_facts(team: Team) -> dict:
    if team.url is None:
        con = sqlite3.connect(team.data() / "mailer.db")
        try:
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        db = Database(team.data() / "mailer.db")
    else:
        integrity = "ok"  # PostgreSQL has no integrity_check; its own WAL keeps it
        db = Database(url=team.url.replace("@", f":{team.password}@", 1))
    try:
        with db.read() as s:

            def rows(sql: str) -> list:
                return [tuple(row) for row in s.execute(text(sql))]

            return {
                "states": dict(rows("SELECT status, count(*) FROM recipients GROUP BY status")),
                "by_email": dict(rows("SELECT email, status FROM recipients")),
                "ledger": rows("SELECT count(*) FROM slot_ledger")[0][0],
                "ledger_at": [at for (at,) in rows("SELECT at FROM slot_ledger")],
                "attempts": rows("SELECT coalesce(sum(attempts),0) FROM recipients")[0][0],
                "integrity": integrity,
                "processing": rows("SELECT count(*) FROM queue_entries WHERE status='processing'")[
                    0
                ][0],
            }
    finally:
        db.dispose()


def crash_loop(team: Team, server, kills: int, n: int, seed: int) -> None:
    rng = random.Random(seed)
    server.set_slow(0.02, 0.06)
    prepare(team, server, n)
    done = 0
    for i in range(kills):
        before = len(server.received)
        p = team.cli("run", "--until-idle", laptop=i)
        # Kill while sending: after the next message arrives, at a random moment
        # (often between the server storing it and the client recording it).
        deadline = time.monotonic() + 15
        while len(server.received) == before and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.1))
        p.send_signal(signal.SIGKILL)
        p.wait()
        done += 1
        if p.returncode == 0:
            break
    final = team.cli("run", "--until-idle", laptop=kills)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    facts = db_facts(team)
    got = Counter(r.rcpt_tos[0] for r in server.received)
    assert all(c == 1 for c in got.values()), f"duplicates: {got.most_common(3)}"
    assert facts["integrity"] == "ok"
    assert sum(facts["states"].values()) == n
    assert set(facts["states"]) <= {"sent", "uncertain"}
    assert facts["states"].get("uncertain", 0) <= done
    assert facts["ledger"] == facts["attempts"]
    assert facts["processing"] == 0
    for email, status in facts["by_email"].items():
        if status == "sent":
            assert got[email] == 1, email
    # an uncertain recipient may or may not have arrived, but never twice
    assert set(got) <= set(facts["by_email"])


def test_sigkill_at_random_moments_never_duplicates(team, smtp_server):
    crash_loop(team, smtp_server, kills=20, n=40, seed=7)


@pytest.mark.slow
def test_sigkill_many_times(team, smtp_server):
    crash_loop(team, smtp_server, kills=100, n=150, seed=11)


def test_second_engine_is_refused_and_says_who_holds_the_lease(team, smtp_server):
    # The first `run` (no --until-idle) sends the hour's 10, then keeps the
    # lease while it waits for the hour: the second surely starts while the
    # first holds it, however slowly a loaded machine starts a process.
    prepare(team, smtp_server, 30, hourly=10)
    first = team.cli("run", laptop=0)
    assert len(smtp_server.wait_for(10, timeout=60)) == 10
    assert first.poll() is None
    second = team.cli("run", "--until-idle", laptop=1)
    out2, err2 = second.communicate(timeout=60)
    first.send_signal(signal.SIGTERM)
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, err1
    assert second.returncode == 1, err2
    assert "another Mailer (cli run, pid" in err2 and str(first.pid) in err2
    assert len(err2.strip().splitlines()) == 1
    # Run again after the first finished: the hourly limit holds across runs.
    # In team mode this laptop's clock is 95 minutes fast: on its own clock the
    # hour of the first ten is long gone, on the database's it is not.
    third = team.cli("run", "--until-idle", laptop=1)
    out3, err3 = third.communicate(timeout=60)
    assert third.returncode == 0, err3
    got = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(smtp_server.received) == 10
    assert max(got.values()) == 1


def test_parallel_runs_never_exceed_the_hourly_limit(team, smtp_server):
    prepare(team, smtp_server, 40, hourly=15)
    procs = [team.cli("run", "--until-idle", laptop=i) for i in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] == 0
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 or "another Mailer" in err
    got = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(smtp_server.received) == 15
    assert max(got.values()) == 1
    facts = db_facts(team)
    assert facts["ledger"] == 15
    # Every reservation is stamped on one clock (the database's in team mode),
    # whichever laptop's clock was fast or slow: all within the last minutes.
    now = datetime.now(UTC)
    for at in facts["ledger_at"]:
        stamp = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        assert abs((stamp.replace(tzinfo=UTC) - now).total_seconds()) < 600, stamp
