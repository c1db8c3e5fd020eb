"""The GUI entry point: ``main(argv) -> int`` (``python -m mailer_gui``)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from mailer_gui import __version__
from mailer_gui.core.context import (
    default_data_dir,
    default_database_url,
    default_log_dir,
    open_context,
)
from mailer_gui.ui import i18n
from mailer_gui.ui.icons import app_icon
from mailer_gui.ui.window.single_instance import SingleInstance

log = logging.getLogger(__name__)
SMOKE_TIMEOUT_MS = 60_000


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(prog="mailer-gui", add_help=False)
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--database-url", default=None)  # team mode (as the CLI's)
    p.add_argument("--demo", action="store_true")
    p.add_argument("--smoke", action="store_true")
    return p.parse_known_args(argv)  # the rest goes to Qt (-style, -platform ...)


def _start_demo(data_dir: Path | None) -> Any:
    try:
        from mailer_gui.demo.mode import start_demo
    except ImportError as exc:
        print(f"mailer-gui: demo mode is not available in this build ({exc})", file=sys.stderr)
        return None
    return start_demo(data_dir)


def _setup_logging(data_dir: Path | None) -> None:
    try:
        from mailer_gui.logsetup import setup_logging
    except ImportError:
        logging.basicConfig(level=logging.INFO)
        return
    setup_logging(default_log_dir(data_dir))


def _application(qt_args: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(
        [sys.argv[0] if sys.argv else "mailer-gui", *qt_args]
    )
    assert isinstance(app, QApplication)
    app.setOrganizationName("mailer-gui")
    app.setApplicationName("mailer-gui")
    app.setApplicationDisplayName("Mailer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("mailer-gui")
    app.setWindowIcon(app_icon())
    i18n.install_translators(app)
    return app


def main(argv: list[str] | None = None) -> int:
    args, qt_args = parse_args(list(sys.argv[1:] if argv is None else argv))
    demo = None
    if args.demo:
        demo = _start_demo(args.data_dir)
        if demo is None:
            return 1
    data_dir = Path(demo.data_dir) if demo is not None else (args.data_dir or default_data_dir())
    _setup_logging(data_dir if (args.data_dir or demo) else None)
    try:
        return _run(args, qt_args, data_dir, demo)
    finally:
        if demo is not None:
            demo.stop()


def _run(args: argparse.Namespace, qt_args: list[str], data_dir: Path, demo: Any) -> int:
    app = _application(qt_args)
    instance = SingleInstance(data_dir)
    if instance.forward():
        print(
            "mailer-gui: already running for this data folder; brought it forward", file=sys.stderr
        )
        return 0
    if not instance.acquire():
        if instance.forward(3000):
            return 0
        print(
            f"mailer-gui: another Mailer window holds {data_dir}; close it first", file=sys.stderr
        )
        return 1
    try:
        # Demo mode only: its own server on 127.0.0.1 catches the sample's example.com mail.
        # Team mode: --database-url or MAILER_GUI_DATABASE_URL (never for the demo).
        url = None if demo is not None else (args.database_url or default_database_url())
        ctx = open_context(data_dir, allow_reserved_domains=demo is not None, database_url=url)
    except Exception as exc:
        log.exception("could not open %s", data_dir)
        QMessageBox.critical(
            None,
            QCoreApplication.translate("App", "Mailer"),
            QCoreApplication.translate("App", "Could not open the data folder %1:\n%2")
            .replace("%1", str(data_dir))
            .replace("%2", str(exc)),
        )
        instance.release()
        return 1
    try:
        return _run_window(app, ctx, demo, instance, args.smoke)
    finally:
        ctx.close()
        instance.release()


def _run_window(
    app: QApplication, ctx: Any, demo: Any, instance: SingleInstance, smoke: bool
) -> int:
    from mailer_gui.ui.window.main_window import MainWindow

    window = MainWindow(ctx, demo=demo)
    ctx.listen()  # team mode: the other laptops' changes show at once (never blocks)
    instance.activated.connect(window.bring_forward)
    if smoke:
        window.shown.connect(lambda: QTimer.singleShot(0, window.quit_app))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(1))
    window.show()
    rc = app.exec()
    # Whatever ended the loop, the engine stops after its current message.
    window.worker.stop_and_wait()
    log.info("window closed (exit code %s)", rc)
    return int(rc)
