"""Benchmark: export 100,000 recipient rows (issue 5).

    /work/venv/bin/python tests/benchmarks/bench_report.py [ROWS]

CSV through the report code against a baseline in the same run: a plain
``sqlite3`` cursor over the same columns into ``csv.writer`` (no sanitising,
no time zone, fields left as raw JSON). Target: at most 2x the baseline.
Then XLSX time, and the peak Python memory (tracemalloc) of both exports.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mailer_gui.core.clock import SimClock  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.reports.formats import ExportRequest, open_report, write  # noqa: E402
from tests.conftest import WEDNESDAY_10_MSK, make_campaign  # noqa: E402
from tests.report_state import insert_recipients  # noqa: E402

BASELINE_SQL = (
    "SELECT email, fields, status, COALESCE(finished_at, claimed_at), message_id, reply, "
    "attempts FROM recipients WHERE campaign_id = ? AND test_entry_id IS NULL ORDER BY id"
)


def baseline(db: Path, cid: int, out: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        with open(out, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(
                ["address", "fields", "state", "time", "message_id", "server_reply", "attempts"]
            )
            cur = conn.execute(BASELINE_SQL, (cid,))
            n = 0
            while rows := cur.fetchmany(2000):
                w.writerows(rows)
                n += len(rows)
    finally:
        conn.close()
    return n


def best_of(runs: int, fn: Callable[[], int]) -> tuple[float, int]:
    best, n = float("inf"), 0
    for _ in range(runs):
        t = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t)
    return best, n


def peak_mb(fn: Callable[[], int]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        ctx = open_context(
            d / "data", clock=SimClock(WEDNESDAY_10_MSK), secrets=SecretStore(use_env=False)
        )
        cid = make_campaign(ctx, 0, enqueue=False, name="bench")
        insert_recipients(ctx, cid, rows)

        def ours(fmt: str) -> Callable[[], int]:
            def run() -> int:
                req = ExportRequest(fmt=fmt, out=d / f"ours.{fmt}", campaign_id=cid)
                with open_report(ctx.db, req, ctx.clock.now()) as rep:
                    return write(rep, req)

            return run

        base_t, base_n = best_of(3, lambda: baseline(ctx.db.path, cid, d / "base.csv"))
        csv_t, csv_n = best_of(3, ours("csv"))
        xlsx_t, xlsx_n = best_of(1, ours("xlsx"))
        assert base_n == csv_n == xlsx_n == rows
        csv_mb, xlsx_mb = peak_mb(ours("csv")), peak_mb(ours("xlsx"))
        ratio = csv_t / base_t
        print(f"{rows:,} recipient rows (best of 3 for CSV, 1 for XLSX)")
        print(f"{'export':<34}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}")
        print(
            f"{'baseline: sqlite3 -> csv.writer':<34}{base_t:>9.2f}{rows / base_t:>11,.0f}{'':>9}"
        )
        print(f"{'report CSV':<34}{csv_t:>9.2f}{rows / csv_t:>11,.0f}{csv_mb:>9.1f}")
        print(
            f"{'report XLSX (openpyxl write-only)':<34}{xlsx_t:>9.2f}{rows / xlsx_t:>11,.0f}"
            f"{xlsx_mb:>9.1f}"
        )
        verdict = "ok" if ratio <= 2 else "over target"
        print(f"CSV / baseline = {ratio:.2f}x (target <= 2x: {verdict})")
        print(
            f"sizes: baseline {(d / 'base.csv').stat().st_size / 2**20:.1f} MB, "
            f"CSV {(d / 'ours.csv').stat().st_size / 2**20:.1f} MB, "
            f"XLSX {(d / 'ours.xlsx').stat().st_size / 2**20:.1f} MB"
        )
        ctx.close()


if __name__ == "__main__":
    main()
