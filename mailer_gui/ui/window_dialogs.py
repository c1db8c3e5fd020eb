"""Dialogs the main window opens, and the close-while-sending question."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.snapshot import Snapshot
from . import i18n
from .optional import optional_class


def open_dialog(window: Any, part: str, *args: Any, **kwargs: Any) -> Any:
    """Open ``part`` (see ``optional.PARTS``) modally with the context first."""
    cls = optional_class(part)
    if cls is None:
        QMessageBox.information(
            window,
            QCoreApplication.translate("MainWindow", "Mailer"),
            QCoreApplication.translate("MainWindow", "This part is not available in this build."),
        )
        return None
    dialog = cls(window.ctx, *args, **kwargs)
    dialog.exec()
    return dialog


def open_import(window: Any) -> None:
    cid = window.current_campaign_id()
    if cid is None:
        QMessageBox.information(
            window,
            QCoreApplication.translate("MainWindow", "Import recipients"),
            QCoreApplication.translate("MainWindow", "Choose or save a campaign first."),
        )
        return
    if open_dialog(window, "import", cid, parent=window) is not None:
        window.campaign_list.reload()
        editor = window.editor
        if editor is not None and editor.campaign_id == cid and not editor.is_dirty():
            editor.load(cid)


def open_outbox(window: Any) -> None:
    cls = optional_class("outbox")
    if window.demo is None or cls is None:
        return
    if window._outbox is None:
        window._outbox = cls(window.demo, window)
    window._outbox.show()
    window._outbox.raise_()


def choose_language(window: QWidget, choice: str) -> None:
    i18n.set_language_choice(choice)
    QMessageBox.information(
        window,
        QCoreApplication.translate("MainWindow", "Language"),
        QCoreApplication.translate(
            "MainWindow", "The new language applies when you restart Mailer."
        ),
    )


def has_work(snap: Snapshot | None, holds_lease: bool) -> bool:
    """Something is sending or will send later, and this window is the sender."""
    if snap is None or not holds_lease:
        return False
    return any(
        e.status in ("queued", "processing")
        or (e.status == "deferred" and e.next_run_at is not None)
        for e in snap.entries
        if e.position is not None
    )


def ask_close_choice(window: QWidget, has_tray: bool) -> str | None:
    """``tray`` (keep sending in the tray), ``stop`` (after the current message) or None."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("MainWindow", "Mailer is sending"),
        QCoreApplication.translate("MainWindow", "Campaigns are still sending or waiting to send."),
        QMessageBox.StandardButton.Cancel,
        window,
    )
    tray = None
    if has_tray:
        tray = box.addButton(
            QCoreApplication.translate("MainWindow", "Keep sending in the tray"),
            QMessageBox.ButtonRole.AcceptRole,
        )
    stop = box.addButton(
        QCoreApplication.translate("MainWindow", "Stop after the current message"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    box.exec()
    clicked = box.clickedButton()
    if tray is not None and clicked is tray:
        return "tray"
    return "stop" if clicked is stop else None
