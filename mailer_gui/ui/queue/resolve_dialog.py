"""Resolve uncertain recipients one by one.

An uncertain recipient is one whose message was handed to the server when
the connection broke or the app stopped: it may have been delivered. The
dialog lists each with what is known (address, when it was handed over, in
the settings' time zone, how many attempts, the server's last words) and lets
the operator choose per row: mark as sent (never send again) or re-queue
(send again, same Message-ID). Nothing changes until Apply; then one write
transaction through ``core.queue.resolve_uncertain``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import queue
from mailer_gui.ui import messages

COL_EMAIL, COL_AT, COL_ATTEMPTS, COL_REPLY, COL_DECISION = range(5)
DECISIONS = ("later", "mark_sent", "requeue")


def local_time(when: datetime | None, tz: ZoneInfo) -> str:
    """``25.11.2026 10:00`` in the settings' zone, the zone named when the
    laptop's clock would show another time."""
    if when is None:
        return ""
    at = utc(when)
    text = at.astimezone(tz).strftime("%d.%m.%Y %H:%M:%S")
    if at.astimezone(tz).utcoffset() != at.astimezone().utcoffset():
        text += f" ({tz.key})"
    return text


class ResolveDialog(QDialog):
    """Per-recipient decisions on a campaign's uncertain recipients."""

    def __init__(
        self, ctx: AppContext, campaign_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id = campaign_id
        self.applied = 0
        with ctx.db.read() as s:
            self.recipients = queue.uncertain_recipients(s, campaign_id)
            tz = settings_mod.load(s).limits.tz
        self.setWindowTitle(self.tr("Uncertain recipients"))
        n = len(self.recipients)
        intro, risk = self._build_texts(n, name)
        header = self._build_table(n)
        self._fill_rows(tz)
        # Rows as tall as their wrapped reply, again whenever a column changes width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        row_lay = self._build_buttons()
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(risk)
        lay.addWidget(self.table, 1)
        lay.addLayout(row_lay)
        self.resize(900, 420)

    # -- construction -------------------------------------------------------------
    def _build_texts(self, n: int, name: str) -> tuple[QLabel, QLabel]:
        """What an uncertain recipient is, and the risk of each choice."""
        intro = QLabel(
            self.tr(
                "%1 recipient(s) of “%2” are uncertain: the connection broke or the app stopped "
                "after the message was handed to the server, so it may have been delivered. "
                "Check your sent mail or ask the recipient, then choose for each."
            )
            .replace("%1", str(n))
            .replace("%2", name)
        )
        intro.setWordWrap(True)
        risk = QLabel(
            self.tr(
                "Re-queue sends it again: if the first message did arrive, the recipient gets "
                "a duplicate. Mark as sent never sends it again: if the first did not arrive, "
                "it never will."
            )
        )
        risk.setWordWrap(True)
        risk.setStyleSheet("background: #fff8e1; border: 1px solid #f9a825; padding: 6px;")
        return intro, risk

    def _build_table(self, n: int) -> QHeaderView:
        self.table = QTableWidget(n, 5)
        self.table.setObjectName("UncertainTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Address"),
                self.tr("Handed to the server"),
                self.tr("Attempts"),
                self.tr("Server's last words"),
                self.tr("Decision"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_REPLY, QHeaderView.ResizeMode.Stretch)
        for col in (COL_EMAIL, COL_AT, COL_ATTEMPTS, COL_DECISION):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        return header

    def _fill_rows(self, tz: ZoneInfo) -> None:
        self.combos: list[QComboBox] = []
        for row, u in enumerate(self.recipients):
            self._cell(row, COL_EMAIL, u.email)
            self._cell(row, COL_AT, local_time(u.claimed_at or u.finished_at, tz))
            self._cell(row, COL_ATTEMPTS, str(u.attempts)).setTextAlignment(
                Qt.AlignmentFlag.AlignCenter
            )
            reply = messages.text(" ".join((u.reply or "").split()))
            self._cell(row, COL_REPLY, reply or self.tr("no reply")).setToolTip(
                reply + (f"\nMessage-ID: {u.message_id}" if u.message_id else "")
            )
            combo = QComboBox()
            combo.addItem(self.tr("Decide later"), "later")
            combo.addItem(self.tr("Mark as sent"), "mark_sent")
            combo.addItem(self.tr("Re-queue (send again)"), "requeue")
            self.table.setCellWidget(row, COL_DECISION, combo)
            self.combos.append(combo)

    def _build_buttons(self) -> QHBoxLayout:
        self.all_sent = QPushButton(self.tr("All: mark as sent"))
        self.all_sent.clicked.connect(lambda: self.set_all("mark_sent"))
        self.all_again = QPushButton(self.tr("All: re-queue"))
        self.all_again.clicked.connect(lambda: self.set_all("requeue"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.clicked.connect(self._on_apply)
        self.buttons.rejected.connect(self.reject)
        row_lay = QHBoxLayout()
        row_lay.addWidget(self.all_sent)
        row_lay.addWidget(self.all_again)
        row_lay.addStretch(1)
        row_lay.addWidget(self.buttons)
        return row_lay

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def _cell(self, row: int, col: int, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        self.table.setItem(row, col, item)
        return item

    # -- for the operator and for tests -------------------------------------------
    def addresses(self) -> list[str]:
        return [u.email for u in self.recipients]

    def set_decision(self, row: int, decision: str) -> None:
        combo = self.combos[row]
        combo.setCurrentIndex(combo.findData(decision))

    def set_all(self, decision: str) -> None:
        for row in range(len(self.combos)):
            self.set_decision(row, decision)

    def decisions(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {"mark_sent": [], "requeue": []}
        for u, combo in zip(self.recipients, self.combos, strict=True):
            choice = str(combo.currentData())
            if choice in out:
                out[choice].append(u.id)
        return out

    def apply(self) -> bool:
        """Write the chosen decisions in one transaction; False (nothing
        written) if none was chosen or the core refused."""
        chosen = self.decisions()
        if not any(chosen.values()):
            QMessageBox.information(
                self,
                self.windowTitle(),
                self.tr("Choose “Mark as sent” or “Re-queue” for at least one recipient."),
            )
            return False
        now = self.ctx.clock.now()
        try:
            with self.ctx.db.write() as s:
                n = 0
                for action, ids in chosen.items():
                    if ids:
                        n += queue.resolve_uncertain(
                            s, self.campaign_id, action, now, recipient_ids=ids
                        )
        except MailerError as exc:
            QMessageBox.warning(self, self.windowTitle(), messages.text(exc))
            return False
        self.applied = n
        self.ctx.emit("queue")
        return True

    @Slot()
    def _on_apply(self) -> None:
        if self.apply():
            self.accept()
