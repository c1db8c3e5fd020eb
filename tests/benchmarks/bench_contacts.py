"""Benchmark: contacts and lists at 100,000 (issue 13), with ratios against a
baseline measured in the same run.

Run as a script (pytest does not collect it):

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_contacts.py [--rows 100000]

* import: ``lists.import_file`` of a generated CSV (email + 3 fields, 1% invalid
  addresses, 1% duplicates) into a list, vs Python's ``csv`` plus ``sqlite3``
  ``executemany`` into a plain table (same file, same durability: WAL,
  synchronous=FULL). Target <= 3x. Then, apart, the search index's catch-up
  for the new contacts (``lists.index_new_contacts``, which the window runs in
  the background after an import).
* resolve: an audience of the 100,000 minus an exclusion list of 10,000 minus
  the 20,000 sent an earlier campaign, counted (``audiences.count``) and then
  resolved into the campaign's recipients (``audiences.resolve``, one write
  transaction). Target <= 2 s; for scale, the baseline copies every contact
  into a plain table. The search's baseline is one plain LIKE scan.
* view: the Contacts view (``ui/contacts``) opened on the list of 100,000 until
  its first page is shown, and a search answered (first page + count), with the
  longest GUI-thread stall while it loads. Targets 300 ms, 100 ms, 50 ms. Qt's
  first-widget costs (styles, fonts), which the running app paid at start, are
  paid before the clock starts.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mailer_gui.core.audience import audiences, lists  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402


def make_file(path: Path, n: int) -> None:
    rnd = random.Random(13)
    cities = ["Moscow", "Kazan", "Omsk", "Sochi", "Tver"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["email", "first_name", "last_name", "city"])
        for i in range(n):
            if i % 100 == 1:
                email = f"broken{i}.example.org"
            elif i % 100 == 2:
                email = f"user{i - 2}@example.org"
            else:
                email = f"user{i}@example.org"
            w.writerow([email, f"Name{i}", f"Family{rnd.randrange(1000)}", rnd.choice(cities)])


def baseline(path: Path, work: Path, name: str = "baseline.db") -> float:
    conn = sqlite3.connect(work / name, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE rows (email TEXT, first_name TEXT, last_name TEXT, city TEXT)")
    t = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", reader)
        conn.execute("COMMIT")
    took = time.perf_counter() - t
    conn.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--no-gui", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="imports and baselines, in turn")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_contacts_"))
    src = work / "people.csv"
    make_file(src, a.rows)
    results: list[tuple[str, float, float | None, str]] = []

    # Baseline and import in turn, each round on a fresh database; medians.
    bases: list[float] = []
    takes: list[float] = []
    ctx = None
    for r in range(a.rounds):
        bases.append(baseline(src, work, f"baseline{r}.db"))
        if ctx is not None:
            ctx.close()
        ctx = open_context(work / f"data{r}")
        now = datetime.now(UTC)
        with ctx.db.write() as s:
            main_list = lists.create_list(s, "All", now)
            vip = lists.create_list(s, "VIP", now)
        t = time.perf_counter()
        res = lists.import_file(ctx.db, main_list, src, now)
        takes.append(time.perf_counter() - t)
    base, took = statistics.median(bases), statistics.median(takes)
    print(
        "import rounds (ms): "
        + ", ".join(f"{i * 1000:.0f} vs {b * 1000:.0f}" for i, b in zip(takes, bases, strict=True))
    )
    results.append(("import 100k into a list", took, base, "<= 3x baseline"))
    print(f"imported {res.imported}, invalid {res.invalid}, duplicate {res.duplicate}")
    t = time.perf_counter()
    indexed = lists.index_new_contacts(ctx.db)
    results.append(("then: the search index (background)", time.perf_counter() - t, base, ""))
    print(f"indexed {indexed} contacts for search")

    _prepare_audience(ctx, main_list, vip, now)
    with ctx.db.write() as s:
        cid = campaigns.create(s, "bench", "Hi", "<p>x</p>", None, now).id
        old = 1
        aud = audiences.Audience((main_list,), (vip,), (old,))
        audiences.set_audience(s, cid, aud)
    t = time.perf_counter()
    with ctx.db.read() as s:
        n = audiences.count(s, aud)
    counted = time.perf_counter() - t
    results.append(("count audience (reasons)", counted, None, ""))
    copy_base = _copy_baseline(ctx)
    t = time.perf_counter()
    with ctx.db.write() as s:
        resolved = audiences.resolve(s, cid)
    took = time.perf_counter() - t
    results.append(("resolve audience into recipients", took, copy_base, "<= 2 s"))
    print(f"audience: {n.as_dict()}; added {resolved.added if resolved else None}")

    t = time.perf_counter()
    with ctx.db.read() as s:
        lists.contact_page(s, main_list)
        lists.contact_count(s, main_list)
    results.append(("core: first page + count", time.perf_counter() - t, None, ""))
    scan = _scan_baseline(ctx)
    t = time.perf_counter()
    with ctx.db.read() as s:
        lists.contact_page(s, main_list, "name4242")
    results.append(("core: search, first page", time.perf_counter() - t, scan, ""))
    if not a.no_gui:
        results.extend(_gui(ctx, main_list))
    ctx.close()
    _print(results, base)


def _copy_baseline(ctx) -> float:
    """Copying every contact into a plain table in one transaction (sqlite3)."""
    conn = sqlite3.connect(ctx.db.path, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE copy_base AS SELECT email, email_norm, fields FROM contacts")
    conn.execute("COMMIT")
    took = time.perf_counter() - t
    conn.execute("DROP TABLE copy_base")
    conn.close()
    return took


def _scan_baseline(ctx) -> float:
    """One plain LIKE scan of every contact's address and fields (sqlite3)."""
    conn = sqlite3.connect(ctx.db.path)
    t = time.perf_counter()
    conn.execute(
        "SELECT count(*) FROM contacts WHERE email_norm LIKE '%name4242%' "
        "OR fields LIKE '%name4242%'"
    ).fetchall()
    took = time.perf_counter() - t
    conn.close()
    return took


def _prepare_audience(ctx, main_list: int, vip: int, now: datetime) -> None:
    """An exclusion list of 10,000 and an earlier campaign sent to 20,000 of them."""
    with ctx.db.write() as s:
        old = campaigns.create(s, "old", "Hi", "<p>x</p>", None, now).id
        conn = s.connection()
        conn.exec_driver_sql(
            "INSERT INTO contact_imports (source, at) "
            "VALUES ('vip.csv', '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO list_members (list_id, contact_id, import_id) "
            f"SELECT {vip}, id, (SELECT max(id) FROM contact_imports) FROM contacts "
            "WHERE id % 10 = 0"
        )
        conn.exec_driver_sql(
            "INSERT INTO recipients (campaign_id, email, email_norm, fields, row_number, status, "
            f"attempts) SELECT {old}, email, email_norm, fields, id, 'sent', 1 FROM contacts "
            "WHERE id % 5 = 1"
        )


def _wait(app, done) -> None:
    """Run the event loop until ``done()`` (checked every millisecond)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(1)
    check.timeout.connect(lambda: done() and loop.quit())
    check.start()
    loop.exec()
    check.stop()


def _warm_up(app) -> None:
    """The widgets the main window has already made when Contacts opens (a
    splitter, a table, a line edit, a list): their first construction loads
    styles and fonts, which a running app paid at start."""
    from PySide6.QtWidgets import QLineEdit, QListWidget, QSplitter, QTableView

    s = QSplitter()
    for w in (QListWidget(), QTableView(), QLineEdit()):
        s.addWidget(w)
    s.show()
    app.processEvents()
    s.close()


def _gui(ctx, list_id: int) -> list[tuple[str, float, float | None, str]]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from mailer_gui.ui.contacts.view import ContactsView

    app = QApplication.instance() or QApplication([])
    _warm_up(app)
    stalls: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        t = time.perf_counter()
        stalls.append(t - last[0])
        last[0] = t

    beat = QTimer()
    beat.setInterval(5)
    beat.timeout.connect(tick)
    beat.start()
    out: list[tuple[str, float, float | None, str]] = []
    timer = QElapsedTimer()
    timer.start()
    view = ContactsView(ctx)
    view.resize(1000, 600)
    view.show()
    view.select_list(list_id)
    _wait(app, lambda: view.model.rowCount() > 0 and not view.loading)
    out.append(("view: open until first page", timer.elapsed() / 1000, None, "<= 300 ms"))
    open_stall = max(stalls or [0.0])
    stalls.clear()
    last[0] = time.perf_counter()
    timer.restart()
    view.search.setText("name4242")
    view._apply_search()
    _wait(app, lambda: not view.loading and 0 < view.model.rowCount() <= 20)
    out.append(("view: search answered", timer.elapsed() / 1000, None, "<= 100 ms"))
    out.append(("view: longest GUI stall", max(open_stall, *(stalls or [0.0])), None, "<= 50 ms"))
    _wait(app, lambda: view.count_label.text() != "")
    beat.stop()
    view.close()
    from mailer_gui.ui.background_task import BackgroundTask

    BackgroundTask.pool().waitForDone(30_000)
    return out


def _print(results: list[tuple[str, float, float | None, str]], base: float) -> None:
    print()
    print(f"{'measure':<36} {'time':>9} {'baseline':>9} {'ratio':>7}  target")
    for name, took, b, target in results:
        bt = f"{b * 1000:7.0f}ms" if b else ""
        ratio = f"{took / b:6.2f}x" if b else ""
        print(f"{name:<36} {took * 1000:7.0f}ms {bt:>9} {ratio:>7}  {target}")
    print(
        f"(import baseline: csv + executemany into a plain table, {base * 1000:.0f} ms; "
        "resolve: CREATE TABLE AS SELECT of the contacts; search: one LIKE scan)"
    )


if __name__ == "__main__":
    main()
