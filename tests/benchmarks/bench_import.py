"""Benchmark: importing recipients vs a bare csv + sqlite3 baseline.

Run as a script (pytest does not collect it):

    python tests/benchmarks/bench_import.py [--rows 100000] [--repeat 3]

Both phases read the same generated file (email + 3 fields, 1% invalid
addresses, 1% duplicates). The baseline is Python's ``csv`` module plus
``sqlite3`` ``executemany`` into a plain table, no validation. The import is
``contacts.import_file`` into the app's database (validation, de-duplication,
suppression, one transaction). For context, "app-table" is the baseline's
csv + executemany into the app's own ``recipients`` table (its four indexes,
``json.dumps`` for the fields, ``INSERT OR IGNORE`` for duplicates): the cost
of the schema alone, with no validation. Each run is a fresh subprocess that first
imports the same modules (so interpreter and library memory is the same on
both sides), then reports its wall time for the phase and its peak RSS
(``ru_maxrss``). Targets: time ratio <= 3x, peak memory within 50 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time, csv, sqlite3
from datetime import UTC, datetime
from pathlib import Path
import mailer_gui.core.audience.contacts, mailer_gui.core.content.campaigns  # same imports
import mailer_gui.core.context
phase, path, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if phase == "baseline":
    conn = sqlite3.connect(work / "baseline.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL"); conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE rows (email TEXT, first_name TEXT, last_name TEXT, city TEXT)")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", reader)
        conn.execute("COMMIT")
    took = time.perf_counter() - t
    n = conn.execute("SELECT count(*) FROM rows").fetchone()[0]
elif phase == "app-table":
    from mailer_gui.core.content import campaigns
    from mailer_gui.core.context import open_context
    ctx = open_context(work / "data")
    with ctx.db.write() as s:
        campaigns.create(s, "bench", "s", "<p>x</p>", None, datetime.now(UTC))
    ctx.close()
    conn = sqlite3.connect(work / "data" / "mailer.db", isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT OR IGNORE INTO recipients (campaign_id, email, email_norm, fields, "
            "row_number, status, attempts) VALUES (1, ?, ?, ?, ?, 'pending', 0)",
            ((e, e.lower(), json.dumps({"first_name": a, "last_name": b, "city": c}), i)
             for i, (e, a, b, c) in enumerate(reader, start=2)))
        conn.execute("COMMIT")
    took = time.perf_counter() - t
    n = conn.execute("SELECT count(*) FROM recipients").fetchone()[0]
else:
    from mailer_gui.core.audience import contacts
    from mailer_gui.core.content import campaigns
    from mailer_gui.core.context import open_context
    ctx = open_context(work / "data")
    with ctx.db.write() as s:
        cid = campaigns.create(s, "bench", "Hi {{ first_name }}", "<p>x</p>", None,
                               datetime.now(UTC)).id
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    r = contacts.import_file(ctx.db, cid, path)
    took = time.perf_counter() - t
    n = r.imported
    print(json.dumps({"invalid": r.invalid, "duplicate": r.duplicate}), file=sys.stderr)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": took, "rows": n, "rss_before_kb": rss0, "peak_kb": peak}))
"""


def make_file(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    domains = [f"example{i}.com" for i in range(200)] + ["mail.ru", "gmail.com", "yandex.ru"]
    emitted: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("email,first_name,last_name,city\n")
        for i in range(rows):
            roll = rnd.random()
            if roll < 0.01:
                email = f"broken{i}.{rnd.choice(domains)}"  # no @
            elif roll < 0.02 and emitted:
                email = rnd.choice(emitted).upper()  # case-insensitive duplicate
            else:
                email = f"user{i}.{rnd.randrange(10**6)}@{rnd.choice(domains)}"
                if len(emitted) < 5000:
                    emitted.append(email)
            f.write(f'{email},Name{i},"Last, {i}",City{rnd.randrange(500)}\n')


def run_phase(phase: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, phase, str(path), work],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recipients.csv"
        make_file(path, a.rows)
        size_mb = path.stat().st_size / 1e6
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "app-table": [], "import": []}
        for _ in range(a.repeat):  # alternate, so load on the machine hits both alike
            for phase in runs:
                runs[phase].append(run_phase(phase, path))
    t = {p: statistics.median(r["seconds"] for r in rs) for p, rs in runs.items()}
    peak = {p: max(r["peak_kb"] for r in rs) / 1024 for p, rs in runs.items()}
    grow = {p: max(r["peak_kb"] - r["rss_before_kb"] for r in rs) / 1024 for p, rs in runs.items()}
    ratio = t["import"] / t["baseline"]
    print(f"{a.rows:,} rows, {size_mb:.1f} MB file, median of {a.repeat} runs each")
    print(
        f"{'phase':<11}{'seconds':>9}{'vs baseline':>13}{'peak RSS MB':>13}{'growth MB':>11}"
        f"{'rows stored':>13}"
    )
    for p in runs:
        print(
            f"{p:<11}{t[p]:>9.3f}{t[p] / t['baseline']:>12.2f}x{peak[p]:>13.1f}"
            f"{grow[p]:>11.1f}{int(runs[p][-1]['rows']):>13,}"
        )
    mem = peak["import"] - peak["baseline"]
    print(
        f"ratio {ratio:.2f}x (target <= 3x: {'ok' if ratio <= 3 else 'MISSED'}); "
        f"peak memory +{mem:.1f} MB over baseline (target <= 50 MB: "
        f"{'ok' if mem <= 50 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
