"""The engine step's reads on PostgreSQL: through psycopg's own pipeline (as
the engine sent them before ``core/store/pgpipe.py``, on a connection with
psycopg's defaults) against pgpipe (on one opened as the store opens them
now), in the same run, on the same database.

The reads are the ones a mid-campaign step sends ahead (the lease's owner,
the queue, the settings, the limit counts, the next recipients, the last
slot, the content), with BEGIN, the write lock and a COMMIT (a rollback would
make psycopg deallocate its prepared statements every round), on a throwaway
cluster (tests/pg_server.py, durable) holding a migrated database with a
2,000-recipient campaign. The two ways run in alternating batches; each
prints the wall time and the client's CPU time per round trip (median of the
batches), and pgpipe's against psycopg's.

    python tests/benchmarks/bench_pgpipe.py [ROUNDS] [BATCHES]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from bench_engine import ALL_RULES, HTML, SUBJECT, recipients, smtp_settings  # noqa: E402

from mailer_gui.core.config import settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.sending import limits, pacing, queue  # noqa: E402
from mailer_gui.core.store import db as dbmod  # noqa: E402
from mailer_gui.core.store import hotsql, pgpipe  # noqa: E402
from tests.pg_server import start_cluster  # noqa: E402


def step_reads(ctx, campaign_id: int) -> list[tuple[str, tuple]]:
    now = ctx.clock.now()
    lim = ALL_RULES
    return [
        (hotsql.LEASE_OWNER, ()),
        hotsql.eligible_read(now),
        (hotsql.SETTINGS_RAW, ()),
        limits.capacity_read(lim, None, now),
        hotsql.next_pending_read(False, 0, campaign_id),
        *pacing.last_read(lim),
        (hotsql.CONTENT, (campaign_id,)),
    ]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    cluster = start_cluster(durable=True)
    try:
        with psycopg.connect(cluster.conninfo, autocommit=True) as con:
            con.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench").replace("@", f":{cluster.password}@", 1)
        with tempfile.TemporaryDirectory() as tmp:
            ctx = open_context(
                Path(tmp),
                secrets=SecretStore(use_env=False),
                allow_reserved_domains=True,
                database_url=url,
            )
            now = ctx.clock.now()
            with ctx.db.write() as s:
                settings.save_smtp(s, smtp_settings(1))
                settings.save_limits(s, ALL_RULES)
                c = campaigns.create(s, "Bench", SUBJECT, HTML, None, now)
                campaigns.add_recipients(s, c.id, recipients(2000))
                queue.enqueue(s, c.id, now)
            reads = step_reads(ctx, c.id)
            ctx.close()
        lock = f"SELECT pg_advisory_xact_lock({dbmod.WRITE_LOCK_KEY})"
        stmts = [(lock, ()), *reads]
        info = cluster.conninfo_for("bench")
        old = psycopg.connect(info)  # psycopg's defaults, as the store had them
        new = psycopg.connect(info, prepare_threshold=None)  # as the store opens them
        cache = pgpipe.Prepared()

        def via_psycopg() -> list:
            with old.pipeline():
                curs = [old.execute(hotsql.pg_sql(sql), params) for sql, params in stmts]
            rows = [cur.fetchall() for cur in curs]
            old.commit()
            return rows

        def via_pgpipe() -> list:
            rows = [a.fetchall() for a in pgpipe.run(new, stmts, cache)]
            new.commit()
            return rows

        assert via_psycopg() == via_pgpipe(), "the two ways answered differently"
        ways = {"psycopg pipeline": via_psycopg, "pgpipe": via_pgpipe}
        wall: dict[str, list[float]] = {k: [] for k in ways}
        cpu: dict[str, list[float]] = {k: [] for k in ways}
        for way in ways.values():
            for _ in range(20):  # warm: both prepared
                way()
        for _ in range(batches):
            for name, way in ways.items():
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in range(rounds):
                    way()
                wall[name].append((time.perf_counter() - t0) / rounds * 1e6)
                cpu[name].append((time.process_time() - c0) / rounds * 1e6)
        old.close()
        new.close()
    finally:
        cluster.stop()
    med = statistics.median
    n = len(stmts) + 2
    print(f"{len(stmts)} statements + BEGIN and COMMIT ({n}), {rounds} rounds x {batches} batches")
    print(f"{'':24}{'wall us':>10}{'client CPU us':>15}")
    for name in ways:
        print(f"{name:24}{med(wall[name]):>10.0f}{med(cpu[name]):>15.0f}")
    a, b = "pgpipe", "psycopg pipeline"
    print(
        f"{'pgpipe / psycopg':24}{med(wall[a]) / med(wall[b]):>10.2f}"
        f"{med(cpu[a]) / med(cpu[b]):>15.2f}"
    )


if __name__ == "__main__":
    main()
