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

Every run measures twice, side by side: with an empty slot ledger, and with
LEDGER (default 15,000: a full month at the default quota) reservations made
earlier this month, as a busy month leaves it. Every limit rule is on (per
minute, hour, day, month, each far above what is sent) and so is pacing
(a gap too small to wait), so the check covers them all. Besides the engine's
rate it times the per-message limit check alone (``capacity_hold`` and the
pacing probe, inside one write transaction, a new "now" each time) and prints
full/empty ratios, and the check once more with four times LEDGER: the check
counts from per-bucket counts, so it should not grow with the ledger.
"""

from __future__ import annotations

import contextlib
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
from mailer_gui.core.sending import limits, pacing, queue  # noqa: E402
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


ALL_RULES = settings.LimitSettings(
    per_minute=1_000_000,
    hourly=1_000_000,
    daily=100_000_000,
    monthly=100_000_000,
    timezone="UTC",
    start="00:00",
    end="24:00",
    days=settings.DAY_NAMES,
    pacing="min_gap",
    min_gap=0.000001,  # one microsecond: every message probes it, none waits
)
CHECK_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # late in a month: a full month behind


def time_limit_checks(sizes: tuple[int, ...], batches: int = 15, reps: int = 200) -> dict:
    """Seconds per limit check (every rule and the pacing probe) as transaction A
    makes it, for a ledger of each size in ``sizes`` reservations earlier this
    month: batches alternate between the ledgers, so drift hits each alike;
    the median batch counts."""
    with contextlib.ExitStack() as stack:
        sessions = {}
        for k in sizes:
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            ctx = open_context(Path(tmp), secrets=SecretStore(use_env=False))
            stack.callback(ctx.close)
            with ctx.db.write() as s:
                settings.save_limits(s, ALL_RULES)
                prefill_ledger(s, CHECK_AT, k)
            s = stack.enter_context(ctx.db.write())  # one write transaction, as A
            sessions[k] = (s, settings.load(s))
        times: dict[int, list[float]] = {k: [] for k in sizes}
        for b in range(batches):
            for k in sizes:
                s, st = sessions[k]
                t0 = time.perf_counter()
                for i in range(reps):
                    # A new "now" each message, as the engine's clock gives.
                    now = CHECK_AT + timedelta(milliseconds=37 * (b * reps + i))
                    assert limits.capacity_hold(s, st.limits, st.quota, now) is None
                    pacing.next_slot(s, st.limits, now)
                times[k].append((time.perf_counter() - t0) / reps)
        return {k: statistics.median(v) for k, v in times.items()}


def run_engine(
    port: int, n: int, ledger: int = 0, database_url: str | None = None
) -> tuple[float, float]:
    """Messages a second, and one write transaction's cost; on a fresh SQLite file,
    or on the (empty, migrated) PostgreSQL database ``database_url`` names."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(
            Path(tmp),
            secrets=SecretStore(use_env=False),
            allow_reserved_domains=True,
            database_url=database_url or "",
        )
        now = ctx.clock.now()
        with ctx.db.write() as s:
            settings.save_smtp(s, smtp_settings(port))
            settings.save_limits(s, ALL_RULES)
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
    ledger = int(sys.argv[3]) if len(sys.argv) > 3 else 15_000
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    sizes = (0, ledger)
    rates: dict[int, list[float]] = {k: [] for k in sizes}
    commits: dict[int, list[float]] = {k: [] for k in sizes}
    ratios: dict[int, list[float]] = {k: [] for k in sizes}
    checks: dict[int, list[float]] = {k: [] for k in sizes}
    plain_rates: list[float] = []
    try:
        for _ in range(rounds):  # paired, alternating, so drift hits every column
            p = run_plain(port, n)
            plain_rates.append(p)
            for k in sizes:
                e, c = run_engine(port, n, k)
                rates[k].append(e)
                commits[k].append(c)
                ratios[k].append(e / p)
            for k, c in time_limit_checks((*sizes, 4 * ledger)).items():
                checks.setdefault(k, []).append(c)
    finally:
        sink.communicate("")
    med = statistics.median
    print(
        f"{n} messages x {rounds} rounds, sink in its own process; every limit rule and "
        f"pacing on; ledger empty vs {ledger} reservations earlier this month (medians)"
    )
    print(f"{'':30}{'empty':>12}{f'{ledger} rows':>12}{'full/empty':>12}")
    for label, vals, fmt in (
        (
            "limit check per message (us)",
            {k: [v * 1e6 for v in checks[k]] for k in sizes},
            "{:12.1f}",
        ),
        ("engine msg/s", rates, "{:12.0f}"),
        ("ratio engine/plain", ratios, "{:12.2f}"),
        ("one write txn (ms)", {k: [v * 1000 for v in commits[k]] for k in sizes}, "{:12.2f}"),
    ):
        a, b = med(vals[0]), med(vals[ledger])
        print(f"{label:30}" + fmt.format(a) + fmt.format(b) + f"{b / a:12.2f}")
    print(f"{'plain smtplib loop msg/s':30}{med(plain_rates):12.0f}")
    big, full = med(checks[4 * ledger]), med(checks[ledger])
    print(
        f"limit check with {4 * ledger} rows: {big * 1e6:.1f} us, "
        f"{big / full:.2f}x the {ledger}-row figure"
    )
    print(
        "targets: engine/plain >= 0.80; the limit check's full/empty ratio about 1.0 "
        "(it does not grow with the month's ledger)"
    )


if __name__ == "__main__":
    main()
