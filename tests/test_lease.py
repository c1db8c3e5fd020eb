"""The sending lease across processes in the laptop's own time zone: heartbeats
are real UTC, so a live engine keeps its lease and a stale one is taken over,
west or east of UTC (invariants B, G)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mailer_gui.core.context import open_context
from mailer_gui.core.sending import lease

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["America/New_York", "Asia/Kolkata", "America/Los_Angeles"]

# Takes the lease in its own process (and zone) and holds it until stdin closes.
HOLDER = """
import sys
from pathlib import Path
from mailer_gui.core.context import open_context
from mailer_gui.core.sending.engine import Engine
ctx = open_context(Path(sys.argv[1]))
eng = Engine(ctx, label="holder")
eng.acquire()
print("held", flush=True)
sys.stdin.read()
eng.release()
"""

# Tries to take the lease; prints "took" or "refused: <message>".
TAKER = """
import sys
from pathlib import Path
from mailer_gui.core.context import open_context
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.errors import LeaseHeldError
ctx = open_context(Path(sys.argv[1]))
eng = Engine(ctx, label="taker")
try:
    eng.acquire()
except LeaseHeldError as exc:
    print("refused:", exc)
else:
    print("took")
    eng.release()
"""


def run_py(code: str, data: Path, zone: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TZ": zone}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    open_context(d).close()
    return d


def hold(data: Path, zone: str) -> subprocess.Popen:
    holder = run_py(HOLDER, data, zone)
    assert holder.stdout is not None
    line = holder.stdout.readline()
    assert line.strip() == "held", holder.stderr.read() if holder.stderr else line
    return holder


def take(data: Path, zone: str) -> str:
    out, err = run_py(TAKER, data, zone).communicate(timeout=60)
    assert out.strip(), err
    return out.strip()


@pytest.mark.parametrize("zone", ZONES)
def test_a_live_engine_keeps_its_lease_in_any_zone(data, zone):
    holder = hold(data, zone)
    try:
        got = take(data, zone)
        assert got.startswith("refused: another Mailer (holder, pid"), got
        assert str(holder.pid) in got
    finally:
        holder.communicate("", timeout=30)
    assert holder.returncode == 0


@pytest.mark.parametrize("zone", ZONES)
def test_a_stale_lease_is_taken_over_in_any_zone(data, zone):
    holder = hold(data, zone)
    con = sqlite3.connect(data / "mailer.db")
    try:
        # Another host (so the pid check does not apply) that last beat
        # TTL + 30 s ago, as its own clock wrote it.
        (beat,) = con.execute("SELECT heartbeat_at FROM lease WHERE id = 1").fetchone()
        old = datetime.fromisoformat(beat) - timedelta(seconds=lease.LEASE_TTL + 30)
        with con:
            con.execute(
                "UPDATE lease SET host = 'other-host', heartbeat_at = ? WHERE id = 1",
                (old.strftime("%Y-%m-%d %H:%M:%S.%f"),),
            )
        assert take(data, zone) == "took"
    finally:
        con.close()
        holder.communicate("", timeout=30)


@pytest.mark.parametrize("zone", ZONES)
def test_heartbeat_is_stored_in_utc(data, zone):
    holder = hold(data, zone)
    try:
        con = sqlite3.connect(data / "mailer.db")
        try:
            age = con.execute(
                "SELECT (julianday('now') - julianday(heartbeat_at)) * 86400,"
                " (julianday('now') - julianday(acquired_at)) * 86400"
                " FROM lease WHERE id = 1"
            ).fetchone()
        finally:
            con.close()
        assert 0 <= age[0] < 60 and 0 <= age[1] < 60, age
    finally:
        holder.communicate("", timeout=30)
