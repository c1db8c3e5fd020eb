"""Dialogs the main window opens, and the close-while-sending question."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from mailer_gui.core.codes import EntryKind
from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.sending.snapshot import EntryStatus, Snapshot
from mailer_gui.ui import i18n
from mailer_gui.ui.optional import optional_class
from mailer_gui.ui.timefmt import settings_zone


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
        window._outbox = cls(window.demo, window, zone=settings_zone(window.ctx))
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


def pending_work(snap: Snapshot | None, holds_lease: bool) -> list[EntryStatus]:
    """Entries that are sending or will send later, if this window is the sender."""
    if snap is None or not holds_lease:
        return []
    return [
        e
        for e in snap.entries
        if e.position is not None
        and (
            e.status in (Status.QUEUED, Status.PROCESSING)
            or (e.status == Status.DEFERRED and e.next_run_at is not None)
        )
    ]


def has_work(snap: Snapshot | None, holds_lease: bool) -> bool:
    """Something is sending or will send later, and this window is the sender."""
    return bool(pending_work(snap, holds_lease))


def close_question(entries: list[EntryStatus], has_tray: bool) -> str:
    """What closing costs: nothing is sent while Mailer is closed."""
    sending = next((e for e in entries if e.status == Status.PROCESSING), None)
    waiting = sum(1 for e in entries if e.kind == EntryKind.CAMPAIGN and e is not sending)
    lines = []
    if sending is not None:
        lines.append(
            QCoreApplication.translate("MainWindow", "“%1” is being sent now.").replace(
                "%1", sending.name
            )
        )
    if waiting:
        lines.append(
            QCoreApplication.translate("MainWindow", "Campaigns waiting to be sent: %1.").replace(
                "%1", str(waiting)
            )
        )
    lines.append(
        QCoreApplication.translate(
            "MainWindow",
            "Mailer sends only while it is open: nothing is sent while it is closed. "
            "What is left continues when you open Mailer again.",
        )
    )
    if has_tray:
        lines.append(
            QCoreApplication.translate(
                "MainWindow", "In the tray, Mailer stays open and goes on sending."
            )
        )
    return "\n\n".join(lines)


def ask_close_choice(
    window: QWidget, has_tray: bool, entries: list[EntryStatus] | None = None
) -> str | None:
    """``tray`` (keep sending in the tray), ``stop`` (quit after the current
    message) or None (cancel). Closing the window and Quit ask the same."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("MainWindow", "Mailer is sending"),
        close_question(entries or [], has_tray),
        QMessageBox.StandardButton.Cancel,
        window,
    )
    box.setObjectName("CloseQuestion")
    tray = None
    if has_tray:
        tray = box.addButton(
            QCoreApplication.translate("MainWindow", "Keep sending in the tray"),
            QMessageBox.ButtonRole.AcceptRole,
        )
    stop = box.addButton(
        QCoreApplication.translate("MainWindow", "Quit after the current message"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    stop.setObjectName("QuitButton")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    if tray is not None and clicked is tray:
        return "tray"
    return "stop" if clicked is stop else None
