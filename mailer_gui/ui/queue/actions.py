"""Queue actions from the panel: each writes through ``core.queue`` in one write
transaction, then ``ctx.emit("queue")`` so the worker wakes and re-reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.snapshot import EntryStatus
from mailer_gui.ui import messages


def run_queue_action(
    ctx: AppContext, parent: QWidget | None, action: Callable[..., Any], *args: Any
) -> bool:
    """``action(session, *args)`` in a write transaction; errors shown to the operator."""
    try:
        with ctx.db.write() as s:
            action(s, *args)
    except MailerError as exc:
        QMessageBox.warning(
            parent, QCoreApplication.translate("QueueActions", "Queue"), messages.text(exc)
        )
        return False
    ctx.emit("queue")
    return True


def pause(ctx: AppContext, parent: QWidget | None, e: EntryStatus) -> bool:
    return run_queue_action(ctx, parent, queue.pause, e.campaign_id, ctx.clock.now())


def resume(ctx: AppContext, parent: QWidget | None, e: EntryStatus) -> bool:
    """Release any hold. If the settings still hold the campaign (hours, limits)
    or its start time is ahead, say so: the button must not seem to do nothing."""
    after: list[str | None] = []

    def act(s: Any, campaign_id: int, now: Any) -> None:
        entry = queue.resume(s, campaign_id, now)
        after.append(entry.reason_code if entry.status == Status.DEFERRED else None)

    if not run_queue_action(ctx, parent, act, e.campaign_id, ctx.clock.now()):
        return False
    if after and after[0] is not None:
        from mailer_gui.ui.queue.reasons import reason_text

        hint = (
            QCoreApplication.translate("QueueActions", "It starts at the time it was queued for.")
            if after[0] == "scheduled"
            else QCoreApplication.translate(
                "QueueActions",
                "To send sooner, change the limits or working hours in Settings.",
            )
        )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            QCoreApplication.translate("QueueActions", "Resume"),
            QCoreApplication.translate("QueueActions", "“%1” still waits: %2.")
            .replace("%1", e.name)
            .replace("%2", reason_text(after[0])),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("ResumeStillWaits")
        box.setInformativeText(hint)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal to the app: the panel keeps updating behind it
    return True


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


def resolve_uncertain(
    ctx: AppContext, parent: QWidget | None, e: EntryStatus, decision: str | None = None
) -> bool:
    """Decide on the campaign's uncertain recipients: with ``decision``
    (``mark_sent``/``requeue``) all of them; else the dialog, one by one."""
    if decision is not None:
        return run_queue_action(
            ctx, parent, queue.resolve_uncertain, e.campaign_id, decision, ctx.clock.now()
        )
    from mailer_gui.ui.queue.resolve_dialog import ResolveDialog

    dialog = ResolveDialog(ctx, e.campaign_id, e.name, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
