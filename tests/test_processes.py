"""Real processes on one data folder: SIGKILL at random moments, two engines."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mailer_gui.core.config import settings
from mailer_gui.core.context import open_context

from .conftest import make_campaign

ROOT = Path(__file__).resolve().parents[1]


def cli(data: Path, *args: str, **kw) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MAILER_GUI_SMTP_PASSWORD": "",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "mailer_gui", "--data-dir", str(data), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,
    )


def prepare(tmp_path: Path, server, n: int, hourly: int = 100_000) -> Path:
    data = tmp_path / "data"
    ctx = open_context(data, allow_reserved_domains=True)  # test harness: local server
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="127.0.0.1",
                port=server.port,
                security="none",
                from_addr="news@example.com",
                timeout=5,
            ),
        )
        settings.save_limits(
            s,
            settings.LimitSettings(
                hourly=hourly,
                monthly=1_000_000,
                timezone="UTC",
                start="00:00",
                end="24:00",
                days=settings.DAY_NAMES,
            ),
        )
    make_campaign(ctx, n)
    ctx.close()
    return data


def db_facts(data: Path) -> dict:
    con = sqlite3.connect(data / "mailer.db")
    try:
        return {
            "states": dict(
                con.execute("SELECT status, count(*) FROM recipients GROUP BY status").fetchall()
            ),
            "by_email": dict(con.execute("SELECT email, status FROM recipients").fetchall()),
            "ledger": con.execute("SELECT count(*) FROM slot_ledger").fetchone()[0],
            "attempts": con.execute("SELECT coalesce(sum(attempts),0) FROM recipients").fetchone()[
                0
            ],
            "integrity": con.execute("PRAGMA integrity_check").fetchone()[0],
            "processing": con.execute(
                "SELECT count(*) FROM queue_entries WHERE status='processing'"
            ).fetchone()[0],
        }
    finally:
        con.close()


def crash_loop(tmp_path: Path, server, kills: int, n: int, seed: int) -> None:
    rng = random.Random(seed)
    server.set_slow(0.02, 0.06)
    data = prepare(tmp_path, server, n)
    done = 0
    for _ in range(kills):
        before = len(server.received)
        p = cli(data, "run", "--until-idle")
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
    final = cli(data, "run", "--until-idle")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    facts = db_facts(data)
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


def test_sigkill_at_random_moments_never_duplicates(tmp_path, smtp_server):
    crash_loop(tmp_path, smtp_server, kills=20, n=40, seed=7)


@pytest.mark.slow
def test_sigkill_many_times(tmp_path, smtp_server):
    crash_loop(tmp_path, smtp_server, kills=100, n=150, seed=11)


def test_second_engine_is_refused_and_says_who_holds_the_lease(tmp_path, smtp_server):
    # The first `run` (no --until-idle) sends the hour's 10, then keeps the
    # lease while it waits for the hour: the second surely starts while the
    # first holds it, however slowly a loaded machine starts a process.
    data = prepare(tmp_path, smtp_server, 30, hourly=10)
    first = cli(data, "run")
    assert len(smtp_server.wait_for(10, timeout=60)) == 10
    assert first.poll() is None
    second = cli(data, "run", "--until-idle")
    out2, err2 = second.communicate(timeout=60)
    first.send_signal(signal.SIGTERM)
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, err1
    assert second.returncode == 1, err2
    assert "another Mailer (cli run, pid" in err2 and str(first.pid) in err2
    assert len(err2.strip().splitlines()) == 1
    # Run again after the first finished: the hourly limit holds across runs.
    third = cli(data, "run", "--until-idle")
    third.communicate(timeout=60)
    got = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(smtp_server.received) == 10
    assert max(got.values()) == 1


def test_parallel_runs_never_exceed_the_hourly_limit(tmp_path, smtp_server):
    data = prepare(tmp_path, smtp_server, 40, hourly=15)
    procs = [cli(data, "run", "--until-idle") for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] == 0
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 or "another Mailer" in err
    got = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(smtp_server.received) == 15
    assert max(got.values()) == 1
    assert db_facts(data)["ledger"] == 15
