"""CLI commands about the app itself: ``smoke`` (a self-check of a build).

``mailer-gui smoke`` opens the real main window (offscreen unless a display
is chosen) on a fresh demo folder with the built-in SMTP server, queues one
test send through the engine (the window's own worker sends it), waits until
the demo outbox has it, closes the window and exits 0. Any failure exits 1
with the reason. It never touches the operator's data folder or a real SMTP
server. ``packaging/smoke.sh`` runs it against the built bundle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mailer_gui.core.context import AppContext

SMOKE_TO = "smoke@example.com"
CLOSE_GRACE = 15.0  # seconds allowed to close, even with a tiny --timeout


class SmokeFailure(Exception):
    """One line saying what the smoke run could not do."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "smoke",
        help="self-check: open the window offscreen and send one message through the demo server",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, help="seconds allowed for each step (default 60)"
    )
    p.add_argument(
        "--bundle-checks",
        action="store_true",
        help="also require the compiled translations and the icons",
    )
    p.add_argument("--keep", action="store_true", help="keep the demo data folder")
    p.set_defaults(func=cmd_smoke)


def _wait(app: Any, cond: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.01)
    return time.monotonic() - start


def _bundle_checks() -> list[str]:
    from mailer_gui.ui import i18n
    from mailer_gui.ui.window.about import app_icon

    problems = []
    if i18n.qm_path("ru") is None:
        problems.append(
            f"no compiled Russian translation (looked in {i18n.PACKAGE_QM_DIR} "
            f"and {i18n.SOURCE_TS_DIR})"
        )
    if app_icon().isNull():
        problems.append("no app icon in mailer_gui/resources/icons")
    return problems


def _test_send_status(ctx: AppContext, entry_id: int) -> str | None:
    from mailer_gui.core.content import campaigns

    with ctx.db.read() as s:
        outcome = campaigns.outcome_of_test_send(s, entry_id)
        return None if outcome is None else outcome.status


def _run_window(demo: Any, timeout: float, report: list[str]) -> None:
    from PySide6.QtWidgets import QApplication

    from mailer_gui.core.content import campaigns
    from mailer_gui.core.context import open_context
    from mailer_gui.ui import i18n
    from mailer_gui.ui.queue.notifications import Notifier
    from mailer_gui.ui.window.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    i18n.install_translators(app, "en")
    ctx = open_context(demo.data_dir, allow_reserved_domains=True)  # demo mode
    win = MainWindow(ctx, demo=demo, notifier=Notifier(use_system_tray=False))
    try:
        shown: list[bool] = []
        win.shown.connect(lambda: shown.append(True))
        win.show()
        t = _wait(app, lambda: bool(shown), timeout, "the main window to be shown")
        report.append(f"main window shown in {t:.1f} s ({QApplication.platformName()})")
        with ctx.db.write() as s:
            entry_id = campaigns.test_send(s, demo.campaign_id, SMOKE_TO, ctx.clock.now()).id
        ctx.emit("queue")  # wakes the window's worker, which sends it
        t = _wait(
            app,
            lambda: demo.outbox.count() >= 1,
            timeout,
            "the test message to reach the demo outbox",
        )
        msg = demo.outbox.messages()[0]
        if msg.rcpt_tos != (SMOKE_TO,):
            raise SmokeFailure(f"the outbox caught a message for {msg.rcpt_tos}, not {SMOKE_TO}")
        _wait(
            app,
            lambda: _test_send_status(ctx, entry_id) == "sent",
            timeout,
            "the engine to record the test send as sent",
        )
        report.append(
            f"test send through the engine caught as {msg.path.name} in {t:.1f} s: {msg.subject!r}"
        )
    finally:
        _close_window(app, win, ctx, max(timeout, CLOSE_GRACE), report)


def _close_window(app: Any, win: Any, ctx: AppContext, timeout: float, report: list[str]) -> None:
    """Quit as the operator would; a close that hangs is reported, not raised
    over the error that got us here."""
    win.quit_app()
    try:
        _wait(app, lambda: bool(getattr(win, "_closed", True)), timeout, "the window to close")
    except SmokeFailure as exc:
        report.append(f"while closing: {exc}")
    # The worker thread must be gone before Qt tears down, or the process aborts.
    if not win.worker.stop_and_wait(int(timeout * 1000)):
        report.append("the engine worker did not stop")
    ctx.close()


def cmd_smoke(_ctx: AppContext, a: argparse.Namespace) -> int:
    """The operator's context is not used: the smoke run has its own demo folder."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    report: list[str] = [
        f"frozen: {bool(getattr(sys, 'frozen', False))}, executable: {sys.executable}"
    ]
    folder = Path(tempfile.mkdtemp(prefix="mailer-gui-smoke-"))
    demo = None
    try:
        _start_qt(folder)
        if a.bundle_checks:
            problems = _bundle_checks()
            if problems:
                raise SmokeFailure("; ".join(problems))
            report.append("translations and icons found")
        from mailer_gui.demo.mode import start_demo

        demo = start_demo(folder)
        report.append(f"demo SMTP server on 127.0.0.1:{demo.port}")
        _run_window(demo, a.timeout, report)
    except SmokeFailure as exc:
        print("\n".join(f"smoke: {line}" for line in report), file=sys.stderr)
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # an import or start-up error is exactly what smoke is for
        import traceback

        traceback.print_exc()
        print(f"smoke: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if demo is not None:
            demo.stop()
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report.append(f"ok in {time.monotonic() - started:.1f} s")
    print("\n".join(f"smoke: {line}" for line in report))
    return 0


def _start_qt(folder: Path) -> None:
    """The QApplication, with Qt's settings kept in the smoke folder."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    # The window saves its layout on close: into the smoke folder, never
    # over the operator's own preferences.
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "qsettings")
    )
    if QApplication.instance() is None:
        QApplication([sys.argv[0] or "mailer-gui"])
