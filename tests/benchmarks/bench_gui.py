"""GUI benchmark (a script, not collected by pytest).

1. Responsiveness: while the worker sends 2,000 messages to a local SMTP sink
   (limits lifted) and the queue panel shows 1,000 campaigns, a probe QTimer
   on the GUI thread records how late it fires (target: max stall <= 50 ms).
2. Cold start to the first shown window (``--smoke``) against a bare PySide6
   window started the same way (target: <= 1.5x).

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui.py``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mailer_gui.core.config import settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.sending import queue  # noqa: E402
from tests.smtp_server import TestSmtpServer  # noqa: E402

MESSAGES, CAMPAIGNS, PROBE_MS = 2000, 1000, 10
BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 780); w.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def fill(ctx, port: int) -> int:
    now = ctx.clock.now()
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="127.0.0.1", port=port, security="none", from_addr="b@example.com"
            ),
        )
        settings.save_limits(
            s,
            settings.LimitSettings(
                hourly=1_000_000,
                monthly=100_000_000,
                start="00:00",
                end="24:00",
                days=settings.DAY_NAMES,
            ),
        )
        big = campaigns.create(s, "Big", "Hi {{ n }}", "<p>{{ n }}</p>", None, now)
        campaigns.add_recipients(
            s, big.id, [(i, f"r{i}@example.org", {"n": i}) for i in range(MESSAGES)]
        )
        queue.enqueue(s, big.id, now)
        for k in range(CAMPAIGNS - 1):  # shown and ticking, not sent during the run
            c = campaigns.create(s, f"Later {k}", "s", "<p>x</p>", None, now)
            campaigns.add_recipients(s, c.id, [(1, f"later{k}@example.org", {})])
            queue.enqueue(s, c.id, now, start_at=now + timedelta(days=1, minutes=k))
    return int(big.id)


def responsiveness() -> dict[str, float]:
    from mailer_gui.ui.window.main_window import MainWindow

    _app = QApplication.instance() or QApplication([])
    server = TestSmtpServer().start()
    with tempfile.TemporaryDirectory() as tmp:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        ctx = open_context(Path(tmp) / "data", secrets=SecretStore(use_env=False))
        big = fill(ctx, server.port)
        # The window starts its own worker once shown, as in the app; the probe
        # runs from before the window is shown, so its first paint counts too.
        win = MainWindow(ctx)
        stalls: list[tuple[float, float]] = []  # (seconds since start, stall ms)
        clock = QElapsedTimer()
        probe = QTimer()
        probe.setInterval(PROBE_MS)

        def on_probe() -> None:
            stalls.append(
                (time.perf_counter() - start, max(0.0, clock.nsecsElapsed() / 1e6 - PROBE_MS))
            )
            clock.restart()

        probe.timeout.connect(on_probe)
        done = {"t": 0.0}
        loop = QEventLoop()

        def check(snap) -> None:
            e = next((e for e in snap.entries if e.campaign_id == big), None)
            if e is not None and e.status == "completed" and not done["t"]:
                done["t"] = time.perf_counter()
                loop.quit()  # not app.quit(): that would close the window

        win.worker.snapshotReady.connect(check)
        start = time.perf_counter()
        clock.start()
        probe.start()
        win.show()
        loop.exec()
        probe.stop()
        sent = len(server.received)
        win.worker.stop_and_wait()
        win.quit_app()
        ctx.close()
    server.stop()
    late = sorted(ms for _t, ms in stalls)
    worst_at, worst = max(stalls, key=lambda s: s[1])
    return {
        "messages": sent,
        "rows": win.queue_panel.model.rowCount(),
        "seconds": done["t"] - start,
        "max": late[-1],
        "max_at": worst_at,
        "max_after_1s": max(ms for t, ms in stalls if t > 1.0),
        "p99": late[int(len(late) * 0.99) - 1],
        "probes": len(late),
    }


def _timed(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "XDG_CONFIG_HOME": tmp, "HOME": tmp}
            t0 = time.perf_counter()
            subprocess.run(
                [*cmd, *(["--data-dir", f"{tmp}/d"] if "mailer_gui" in cmd else [])],
                check=True,
                env=env,
                capture_output=True,
            )
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cold_start() -> tuple[float, float]:
    bare = _timed([sys.executable, "-c", BARE])
    app = _timed([sys.executable, "-m", "mailer_gui", "--smoke"])
    return bare, app


def main(argv: list[str]) -> int:
    """``bench_gui.py [responsiveness|cold]``: both parts unless one is named."""
    parts = set(argv) or {"responsiveness", "cold"}
    print(f"{'measure':<34}{'value':>10}{'target':>10}{'ratio':>8}")
    if "responsiveness" in parts:
        r = responsiveness()
        print(
            f"sent {r['messages']} messages in {r['seconds']:.1f} s "
            f"({r['messages'] / r['seconds']:.0f}/s) with {r['rows']} queue rows shown"
        )
        print(f"{'GUI stall max (ms)':<34}{r['max']:>10.1f}{50:>10}{r['max'] / 50:>8.2f}")
        print(f"{'GUI stall p99 (ms)':<34}{r['p99']:>10.1f}{'':>10}{'':>8}")
        print(f"{'  worst at (s after show)':<34}{r['max_at']:>10.2f}")
        print(f"{'  max once the window is up (ms)':<34}{r['max_after_1s']:>10.1f}")
    if "cold" in parts:
        bare, app = cold_start()
        print(f"{'cold start, bare PySide6 (s)':<34}{bare:>10.2f}{'':>10}{1.0:>8.2f}")
        print(
            f"{'cold start, Mailer --smoke (s)':<34}{app:>10.2f}{bare * 1.5:>10.2f}"
            f"{app / bare:>8.2f}"
        )
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 may crash while finalising
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
