"""The editor's "Send test" row: the remembered address, the button, and the outcome.

The outcome comes only from the queue table, via the worker's snapshots:
"Sent: <server reply>" once the test entry finished, or why it waits with a
countdown that ticks every second without querying the database.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending.snapshot import EntryStatus, Snapshot
from mailer_gui.core.store.models import FINAL_STATUSES
from mailer_gui.ui import messages
from mailer_gui.ui.queue.reasons import countdown_text, reason_text

OK_COLOR, BAD_COLOR, INFO_COLOR = "#2e7d32", "#c62828", "#555555"


class TestSendPanel(QWidget):
    """Address field, "Send test" button and the live outcome of the last test."""

    __test__ = False  # not a pytest test class
    sendRequested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry_id: int | None = None
        self._waiting: tuple[str | None, datetime | None, str | None] | None = None
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("your address, e.g. me@example.com"))
        self.address.returnPressed.connect(self.sendRequested)
        self.button = QPushButton(self.tr("Send test"))
        self.button.setToolTip(
            self.tr(
                "Queue one message to this address, rendered with the preview's recipient; "
                "it goes through the queue and counts against the limits"
            )
        )
        self.button.clicked.connect(self.sendRequested)
        self.status = QLabel()
        self.status.setObjectName("testSendStatus")
        self.status.setWordWrap(True)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._render_waiting)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr("Test to")))
        lay.addWidget(self.address, 1)
        lay.addWidget(self.button)
        lay.addWidget(self.status, 2)

    def show_message(self, text: str, color: str = INFO_COLOR) -> None:
        self.status.setStyleSheet(f"color: {color};")
        self.status.setText(text)
        self.status.setToolTip(text)

    def show_error(self, text: str) -> None:
        self.show_message(text, BAD_COLOR)

    def reset(self) -> None:
        self.entry_id, self._waiting = None, None
        self._tick.stop()
        self.show_message("")

    def track(self, entry_id: int) -> None:
        """Follow a newly queued test entry."""
        self.reset()
        self.entry_id = entry_id
        self.show_message(self.tr("Test queued; waiting for the sender…"))

    def on_snapshot(self, snapshot: Snapshot) -> None:
        if self.entry_id is None:
            return
        entry = next((e for e in snapshot.entries if e.entry_id == self.entry_id), None)
        if entry is None or entry.status in FINAL_STATUSES:
            self._show_final()
        elif entry.status in (Status.DEFERRED, Status.PAUSED):
            self._show_waiting(entry)
        else:
            self._waiting = None
            self._tick.stop()
            self.show_message(
                self.tr("Sending the test…")
                if entry.status == Status.PROCESSING
                else self.tr("Test queued; waiting for the sender…")
            )

    def _show_waiting(self, entry: EntryStatus) -> None:
        self._waiting = (entry.reason_code, entry.next_run_at, entry.reason_detail)
        if entry.next_run_at is not None:
            self._tick.start()
        else:
            self._tick.stop()
        self._render_waiting()

    def _render_waiting(self) -> None:
        if self._waiting is None:
            self._tick.stop()
            return
        code, next_run_at, detail = self._waiting
        text = self.tr("Waiting: {reason}").format(reason=reason_text(code))
        if next_run_at is not None:
            left = (next_run_at - self.ctx.clock.now()).total_seconds()
            text += self.tr(", sends in {countdown}").format(countdown=countdown_text(left))
        elif detail:
            text += f" ({messages.text(detail)})"
        self.show_message(text, BAD_COLOR if next_run_at is None else INFO_COLOR)
        self.status.setToolTip(code or "")

    def _show_final(self) -> None:
        """Read the test recipient's outcome and the server's reply from the DB."""
        with self.ctx.db.read() as s:
            outcome = campaigns.outcome_of_test_send(s, self.entry_id)
        if outcome is None or not outcome.finished:
            return  # the snapshot was older than the row; wait for the next one
        self._waiting = None
        self._tick.stop()
        self.entry_id = None  # done: later snapshots need not look for it
        status, rstatus, reply, email = (
            outcome.entry_status,
            outcome.status,
            outcome.reply,
            outcome.email,
        )
        if rstatus == RecipientStatus.SENT:
            self.show_message(self.tr("Sent: {reply}").format(reply=reply), OK_COLOR)
        elif status == Status.CANCELLED:
            self.show_message(self.tr("The test send was cancelled."), BAD_COLOR)
        elif rstatus == RecipientStatus.UNCERTAIN:
            self.show_message(
                self.tr("Uncertain: {reply}").format(reply=messages.text(reply)), BAD_COLOR
            )
        else:
            self.show_message(
                self.tr("Not sent to {email}: {reply}").format(
                    email=email, reply=messages.text(reply)
                ),
                BAD_COLOR,
            )
