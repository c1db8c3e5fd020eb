"""The status bar's budget: "This hour 37/100 · Month 4,210/15,000 · next slot in 04:12".

It ticks every second from the snapshot's times, with no query per tick.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from mailer_gui.core.sending.snapshot import Budget, Snapshot
from mailer_gui.ui.i18n import number_text
from mailer_gui.ui.queue.reasons import countdown_text


class BudgetLabel(QLabel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("BudgetLabel")
        self._budget: Budget | None = None
        self._snap: Snapshot | None = None
        self._received = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def set_snapshot(self, snap: Snapshot) -> None:
        self._snap, self._budget, self._received = snap, snap.budget, time.monotonic()
        self.refresh()

    def refresh(self) -> None:
        text = self.budget_text()
        if text == self.text():
            return
        self.setText(text)
        # A label of fixed size does not ask the window to lay itself out
        # again; a countdown that changes every second otherwise would. It
        # grows when the text needs more room, and never shrinks.
        hint = self.sizeHint()
        if hint.width() > self.width() or self.minimumWidth() != self.maximumWidth():
            self.setFixedSize(max(hint.width(), self.minimumWidth()), hint.height())

    def budget_text(self) -> str:
        b, snap = self._budget, self._snap
        if b is None or snap is None:
            return ""
        text = (
            self.tr("This hour %1/%2 · Month %3/%4")
            .replace("%1", number_text(b.hourly_used))
            .replace("%2", number_text(b.hourly_limit))
            .replace("%3", number_text(b.monthly_used))
            .replace("%4", number_text(b.monthly_limit))
        )
        if b.next_slot_at is not None:
            now = snap.now + timedelta(seconds=time.monotonic() - self._received)
            left = (b.next_slot_at - now).total_seconds()
            if left > 0:
                text += self.tr(" · next slot in %1").replace("%1", countdown_text(left))
        return text
