"""Engine throughput against a plain smtplib loop, in the same run.

Limits lifted, the engine sends N personalised messages to a local aiosmtpd
sink (in its own process) with every durability guarantee on (WAL,
synchronous=FULL; one write transaction per message, holding the outcome of
the previous message and the claim of the next, committed while MAIL, RCPT
and DATA go out; the body waits for it to be durable); the baseline renders
the same messages and sends them over one smtplib connection with no
bookkeeping at all. Prints messages/second for both, the ratio (target: the
engine at >= 0.8x the plain loop) and the cost of one send step's commits.

    python tests/benchmarks/bench_engine.py [N] [ROUNDS] [LEDGER]

LEDGER (default 0) pre-fills the slot ledger with that many reservations made
earlier this month, as a busy month leaves it (the monthly count covers them).
"""

from __future__ import annotations

import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailer_gui.core.config import settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.content.compose import Content, build_message, new_message_id  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.sending import queue  # noqa: E402
from mailer_gui.core.sending.engine import Engine  # noqa: E402
from mailer_gui.core.store import hotsql  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller
class H:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""

HTML = "<p>Dear {{ first_name }} {{ last_name }},</p><p>Your code: {{ code }}.</p>" * 5
SUBJECT = "News for {{ first_name }}"


def recipients(n: int) -> list[tuple[int, str, dict[str, str]]]:
    return [
        (
            i + 2,
            f"user{i}@example.org",
            {"first_name": f"Ann{i}", "last_name": f"Lee{i}", "code": f"C{i:06d}"},
        )
        for i in range(n)
    ]


def smtp_settings(port: int) -> settings.SmtpSettings:
    return settings.SmtpSettings(
        host="127.0.0.1", port=port, security="none", from_addr="news@example.com", from_name="News"
    )


def prefill_ledger(s: Session, now: datetime, rows: int) -> None:
    """``rows`` reservations spread over the hours before ``now`` this month."""
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    span = (now - timedelta(hours=2) - first).total_seconds()
    if rows <= 0 or span <= 0:
        return
    stamps = [hotsql.ts(first + timedelta(seconds=span * i / rows)) for i in range(rows)]
    hotsql.driver(s).executemany("INSERT INTO slot_ledger (at) VALUES (?)", [(a,) for a in stamps])


def run_engine(port: int, n: int, ledger: int = 0) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(
            Path(tmp), secrets=SecretStore(use_env=False), allow_reserved_domains=True
        )
        now = ctx.clock.now()
        with ctx.db.write() as s:
            settings.save_smtp(s, smtp_settings(port))
            settings.save_limits(
                s,
                settings.LimitSettings(
                    hourly=1_000_000,
                    monthly=100_000_000,
                    timezone="UTC",
                    start="00:00",
                    end="24:00",
                    days=settings.DAY_NAMES,
                ),
            )
            c = campaigns.create(s, "Bench", SUBJECT, HTML, None, now)
            campaigns.add_recipients(s, c.id, recipients(n))
            queue.enqueue(s, c.id, now)
            prefill_ledger(s, now, ledger)
        eng = Engine(ctx)
        eng.acquire()
        t0 = time.perf_counter()
        results = eng.run_until_idle()
        elapsed = time.perf_counter() - t0
        eng.release()
        sent = sum(1 for r in results if r.outcome is not None and r.outcome.kind == "sent")
        assert sent == n, f"engine sent {sent} of {n}"
        # The cost of one send step's commit alone: BEGIN IMMEDIATE, one update, COMMIT.
        t1 = time.perf_counter()
        for _ in range(200):
            with ctx.db.write() as s:
                s.execute(
                    settings.Setting.__table__.update()
                    .where(settings.Setting.key == "limits")
                    .values(key="limits")
                )
        commit = (time.perf_counter() - t1) / 200
        ctx.close()
        return n / elapsed, commit


def run_plain(port: int, n: int) -> float:
    smtp = smtp_settings(port)
    content = Content(SUBJECT, HTML)
    now = datetime.now(UTC)
    conn = smtplib.SMTP("127.0.0.1", port)
    t0 = time.perf_counter()
    for _, email, fields in recipients(n):
        msg = build_message(content, smtp, email, fields, new_message_id(smtp.from_addr), now)
        conn.sendmail(smtp.from_addr, [email], msg.as_bytes())
    elapsed = time.perf_counter() - t0
    conn.quit()
    return n / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ledger = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    try:
        eng_rates, plain_rates, commits, ratios = [], [], [], []
        for _ in range(rounds):  # paired, alternating, so drift hits both
            p = run_plain(port, n)
            e, c = run_engine(port, n, ledger)
            plain_rates.append(p)
            eng_rates.append(e)
            commits.append(c)
            ratios.append(e / p)
    finally:
        sink.communicate("")
    print(
        f"{n} messages x {rounds} rounds, sink in its own process, "
        f"{ledger} reservations already in the ledger"
    )
    print(f"{'':28}{'median':>10}{'min':>10}{'max':>10}")
    for label, vals, fmt in (
        ("plain smtplib loop msg/s", plain_rates, "{:10.0f}"),
        ("engine msg/s", eng_rates, "{:10.0f}"),
        ("ratio engine/plain", ratios, "{:10.2f}"),
        ("one write txn (ms)", [c * 1000 for c in commits], "{:10.2f}"),
    ):
        print(
            f"{label:28}"
            + "".join(fmt.format(v) for v in (statistics.median(vals), min(vals), max(vals)))
        )
    print(
        "target: ratio >= 0.80; each message costs one write transaction (its commit "
        "overlaps the SMTP commands)"
    )


if __name__ == "__main__":
    main()
