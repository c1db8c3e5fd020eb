"""Team mode's speed targets (issue 15), in one run: the engine on PostgreSQL
against the engine on SQLite, and the engine on SQLite against mailmerge.

The same N personalised messages of bench_engine's HTML template go to the
same aiosmtpd sink (its own process), every durability guarantee on: SQLite
in WAL with synchronous=FULL; PostgreSQL a throwaway cluster on 127.0.0.1
(tests/pg_server.py with durable=True: fsync and synchronous commit on,
Debian's defaults), each write transaction taking the advisory write lock.
Each round makes a fresh database for each engine run (CREATE DATABASE from a
migrated template) and runs the three in turn, so drift hits every column.
mailmerge (https://github.com/awdeorio/mailmerge, MIT) is not a dependency:
install it apart and name it in MAILMERGE (see bench_mailmerge.py); without it
that column is skipped.

    MAILMERGE=/tmp/mm/bin/mailmerge python tests/benchmarks/bench_team.py [N] [ROUNDS]
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
from bench_engine import SINK, run_engine  # noqa: E402
from bench_mailmerge import run_mailmerge  # noqa: E402

from mailer_gui.core.store import db as dbmod  # noqa: E402
from tests.pg_server import start_cluster  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402

TEMPLATE = "bench_template"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    exe = os.environ.get("MAILMERGE") or shutil.which("mailmerge")
    cluster = start_cluster(durable=True)
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    names = (f"bench{i}" for i in itertools.count())

    def with_password(url: str) -> str:
        return url.replace("@", f":{cluster.password}@", 1)

    try:
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        with psycopg.connect(cluster.conninfo, autocommit=True) as con:
            con.execute(f"CREATE DATABASE {TEMPLATE}")
        template = dbmod.Database(url=with_password(cluster.url_for(TEMPLATE)))
        dbmod.upgrade(template)
        template.dispose()
        sq, pg, mm = [], [], []
        for _ in range(rounds):
            name = next(names)
            with psycopg.connect(cluster.conninfo, autocommit=True) as con:
                con.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
            sq.append(run_engine(port, n)[0])
            pg.append(run_engine(port, n, database_url=with_password(cluster.url_for(name)))[0])
            if exe:
                mm.append(run_mailmerge(exe, port, n))
    finally:
        sink.communicate("")
        cluster.stop()
    med = statistics.median
    print(f"{n} messages x {rounds} rounds, the same HTML template, sink in its own process")
    print(f"{'':32}{'median':>10}{'min':>10}{'max':>10}")

    def row(label: str, vals: list[float], fmt: str) -> None:
        print(f"{label:32}" + "".join(fmt.format(v) for v in (med(vals), min(vals), max(vals))))

    row("engine on SQLite msg/s", sq, "{:10.0f}")
    row("engine on PostgreSQL msg/s", pg, "{:10.0f}")
    row("ratio PostgreSQL/SQLite", [p / s for p, s in zip(pg, sq, strict=True)], "{:10.2f}")
    if mm:
        row("mailmerge msg/s", mm, "{:10.0f}")
        row(
            "ratio SQLite engine/mailmerge",
            [s / m for s, m in zip(sq, mm, strict=True)],
            "{:10.2f}",
        )
    else:
        print("mailmerge: not found (set MAILMERGE), its ratio not measured")
    print("targets (issue 15): PostgreSQL/SQLite >= 0.6; SQLite engine/mailmerge >= 1.0")


if __name__ == "__main__":
    main()
