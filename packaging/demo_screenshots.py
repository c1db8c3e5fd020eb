"""Screenshots of demo mode, offscreen: the first screen, the outbox, About.

    python packaging/demo_screenshots.py OUT_DIR [--lang en|ru]

Runs the real window on a fresh demo folder with the real worker: opens the
sample campaign, sends a test and queues the campaign so that the outbox has
messages and the queue shows an ``hourly_limit`` pause with its countdown.
The README's copies live in docs/screenshots/ (demo-first-screen.png,
outbox.png).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _wait(app, cond, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.02)
    return False


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--lang", default="en")
    p.add_argument("--queue", action="store_true", help="also enqueue until hourly_limit")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from mailer_gui.core.content import campaigns
    from mailer_gui.core.context import open_context
    from mailer_gui.core.sending import queue
    from mailer_gui.demo.mode import start_demo
    from mailer_gui.ui import i18n
    from mailer_gui.ui.window.about import AboutDialog, app_icon
    from mailer_gui.ui.window.main_window import MainWindow
    from mailer_gui.ui.window.outbox import OutboxWindow

    demo = start_demo()
    # Window layout and language go to the demo folder, not the user's preferences.
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(demo.data_dir / "qsettings")
    )
    app = QApplication.instance() or QApplication(["mailer-gui"])
    app.setWindowIcon(app_icon())
    i18n.install_translators(app, a.lang)
    ctx = open_context(demo.data_dir)
    win = MainWindow(ctx, demo=demo)
    win.resize(1280, 800)
    win.show()
    _wait(app, lambda: win.isVisible(), 5)
    # The demo opens on its sample campaign by itself.
    _wait(app, lambda: False, 1.5)
    win.grab().save(str(a.out / "demo-first-screen.png"))
    with ctx.db.write() as s:
        campaigns.test_send(s, demo.campaign_id, "you@example.com", ctx.clock.now())
        if a.queue:
            queue.enqueue(s, demo.campaign_id, ctx.clock.now())
    ctx.emit("queue")
    want = 20 if a.queue else 1
    ok = _wait(app, lambda: demo.outbox.count() >= want, 30)
    _wait(app, lambda: False, 2.5)
    win.queue_dock.raise_()
    _wait(app, lambda: False, 0.3)
    win.grab().save(str(a.out / "demo-queue.png"))
    outbox = OutboxWindow(demo, win)
    outbox.show()
    _wait(app, lambda: outbox.model.rowCount() >= 1, 5)
    _wait(app, lambda: False, 0.5)
    outbox.grab().save(str(a.out / "outbox.png"))
    about = AboutDialog(ctx, win)
    about.show()
    _wait(app, lambda: False, 0.3)
    about.grab().save(str(a.out / "about.png"))
    about.close()
    outbox.close()
    win.quit_app()
    _wait(app, lambda: not win.isVisible(), 10)
    win.worker.stop_and_wait()
    ctx.close()
    demo.stop()
    print(f"outbox has {demo.outbox.count()} message(s); screenshots in {a.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
