"""The engine on PostgreSQL against the engine on SQLite, in the same run.

The same campaign (N personalised messages, every limit rule and pacing on,
as ``bench_engine.py``), the same aiosmtpd sink in its own process, once on
a SQLite file (WAL, synchronous=FULL) and once on a throwaway PostgreSQL
cluster on 127.0.0.1 (tests/pg_server.py, durable: fsync and synchronous
commit on), alternating for ROUNDS rounds. Prints messages/second for each
and the ratio (issue 15's target: PostgreSQL >= 0.6x SQLite).

    python tests/benchmarks/bench_engine_pg.py [N] [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from bench_engine import ALL_RULES, HTML, SINK, SUBJECT, recipients, smtp_settings  # noqa: E402

from mailer_gui.core.config import settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.sending import queue  # noqa: E402
from mailer_gui.core.sending.engine import Engine  # noqa: E402
from tests.pg_server import PgCluster, start_cluster  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402


def run_engine(port: int, n: int, url: str | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(
            Path(tmp),
            secrets=SecretStore(use_env=False),
            allow_reserved_domains=True,
            database_url=url,
        )
        now = ctx.clock.now()
        with ctx.db.write() as s:
            settings.save_smtp(s, smtp_settings(port))
            settings.save_limits(s, ALL_RULES)
            c = campaigns.create(s, "Bench", SUBJECT, HTML, None, now)
            campaigns.add_recipients(s, c.id, recipients(n))
            queue.enqueue(s, c.id, now)
        eng = Engine(ctx)
        eng.acquire()
        t0 = time.perf_counter()
        results = eng.run_until_idle()
        elapsed = time.perf_counter() - t0
        eng.release()
        ctx.close()
        sent = sum(1 for r in results if r.outcome is not None and r.outcome.kind == "sent")
        assert sent == n, f"engine sent {sent} of {n}"
        return n / elapsed


def fresh_database(cluster: PgCluster, i: int) -> str:
    name = f"bench{i}"
    with psycopg.connect(cluster.conninfo, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return cluster.url_for(name).replace("@", f":{cluster.password}@", 1)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    cluster = start_cluster(durable=True)
    lite: list[float] = []
    pg: list[float] = []
    try:
        for i in range(rounds):  # alternating, so drift hits both columns
            lite.append(run_engine(port, n, None))
            pg.append(run_engine(port, n, fresh_database(cluster, i)))
    finally:
        cluster.stop()
        sink.communicate("")
    med = statistics.median
    ratios = [p / s for p, s in zip(pg, lite, strict=True)]
    print(f"{n} messages x {rounds} rounds, every limit rule and pacing on (medians)")
    print(f"{'engine on SQLite msg/s':34}{med(lite):10.0f}")
    print(f"{'engine on PostgreSQL msg/s':34}{med(pg):10.0f}")
    print(f"{'ratio PostgreSQL/SQLite':34}{med(ratios):10.2f}")
    print("target: PostgreSQL/SQLite >= 0.60 (issue 15)")


if __name__ == "__main__":
    main()
