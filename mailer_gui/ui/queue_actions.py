"""Queue actions from the panel: each writes through ``core.queue`` in one write
transaction, then ``ctx.emit("queue")`` so the worker wakes and re-reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core import queue
from ..core.context import AppContext
from ..core.errors import MailerError
from ..core.snapshot import EntryStatus


def run_queue_action(
    ctx: AppContext, parent: QWidget | None, action: Callable[..., Any], *args: Any
) -> bool:
    """``action(session, *args)`` in a write transaction; errors shown to the operator."""
    try:
        with ctx.db.write() as s:
            action(s, *args)
    except MailerError as exc:
        QMessageBox.warning(parent, QCoreApplication.translate("QueueActions", "Queue"), str(exc))
        return False
    ctx.emit("queue")
    return True


def pause(ctx: AppContext, parent: QWidget | None, e: EntryStatus) -> bool:
    return run_queue_action(ctx, parent, queue.pause, e.campaign_id, ctx.clock.now())


def resume(ctx: AppContext, parent: QWidget | None, e: EntryStatus) -> bool:
    return run_queue_action(ctx, parent, queue.resume, e.campaign_id, ctx.clock.now())


def cancel(ctx: AppContext, parent: QWidget | None, e: EntryStatus, confirm: bool = True) -> bool:
    if confirm:
        answer = QMessageBox.question(
            parent,
            QCoreApplication.translate("QueueActions", "Cancel campaign"),
            QCoreApplication.translate(
                "QueueActions",
                "Stop sending “%1”? Recipients not reached yet will not get "
                "it; you can put it in the queue again later.",
            ).replace("%1", e.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
    return run_queue_action(ctx, parent, queue.cancel, e.campaign_id, ctx.clock.now())


def move(ctx: AppContext, parent: QWidget | None, e: EntryStatus, delta: int) -> bool:
    return run_queue_action(ctx, parent, queue.move, e.campaign_id, delta)


def ask_resolution(parent: QWidget | None, e: EntryStatus) -> str | None:
    """Ask what to do with uncertain recipients: ``mark_sent``, ``requeue`` or None."""
    n = e.counts.get("uncertain", 0)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("QueueActions", "Uncertain recipients"))
    box.setText(
        QCoreApplication.translate(
            "QueueActions",
            "%1 recipient(s) of “%2” are uncertain: the connection "
            "broke after the message was handed to the server, so it may have "
            "been delivered.",
        )
        .replace("%1", str(n))
        .replace("%2", e.name)
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "QueueActions",
            "Re-queue sends them again: anyone who did get the first message "
            "receives a duplicate. Mark as sent never sends them again: anyone who did not "
            "get it never will.",
        )
    )
    sent = box.addButton(
        QCoreApplication.translate("QueueActions", "Mark as sent"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    again = box.addButton(
        QCoreApplication.translate("QueueActions", "Re-queue (risk of duplicates)"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "mark_sent" if clicked is sent else "requeue" if clicked is again else None


def resolve_uncertain(
    ctx: AppContext, parent: QWidget | None, e: EntryStatus, decision: str | None = None
) -> bool:
    decision = decision or ask_resolution(parent, e)
    if decision is None:
        return False
    return run_queue_action(
        ctx, parent, queue.resolve_uncertain, e.campaign_id, decision, ctx.clock.now()
    )
