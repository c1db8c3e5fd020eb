"""The editor's "Put in queue" row: optional start time, preflight off the GUI
thread, and the enqueue itself (refused while preflight finds any problem)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ..core import queue
from ..core.context import AppContext
from ..core.errors import MailerError
from ..core.settings import LimitSettings
from .background_task import BackgroundTask
from .editor_preflight import Problem, run_preflight


class EnqueueBar(QWidget):
    """``ensure_saved()`` returns the campaign id to check, or None if it cannot be saved."""

    checked = Signal(object)  # list[Problem]
    enqueued = Signal(int)

    def __init__(self, ctx: AppContext, ensure_saved: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ensure_saved = ensure_saved
        self._limits = LimitSettings()
        self._task: BackgroundTask | None = None
        self._enqueue_after = False
        self._campaign_id: int | None = None
        self.start_check = QCheckBox(self.tr("Start at"))
        self.start_edit = QDateTimeEdit()
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.start_edit.setEnabled(False)
        self.start_check.toggled.connect(self.start_edit.setEnabled)
        self.tz_label = QLabel()
        self.button = QPushButton(self.tr("Put in queue"))
        self.button.setDefault(True)
        self.button.clicked.connect(lambda: self.check(enqueue_after=True))
        self.status = QLabel()
        self.status.setObjectName("enqueueStatus")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.start_check, self.start_edit, self.tz_label):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.status)
        row.addWidget(self.button)

    def reset(self, limits: LimitSettings) -> None:
        self.set_limits(limits)
        self.status.clear()
        self.start_check.setChecked(False)
        soon = (self.ctx.clock.now().astimezone(limits.tz) + timedelta(hours=1)).replace(
            second=0, microsecond=0, tzinfo=None)
        self.start_edit.setDateTime(soon)  # wall time in the settings' time zone

    def set_limits(self, limits: LimitSettings) -> None:
        self._limits = limits
        self.tz_label.setText(f"({limits.timezone})")

    def start_at(self) -> datetime | None:
        """The chosen start time (in the settings' time zone), as aware UTC."""
        if not self.start_check.isChecked():
            return None
        naive = self.start_edit.dateTime().toPython()
        return naive.replace(tzinfo=self._limits.tz).astimezone(UTC)

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    def check(self, enqueue_after: bool) -> None:
        """Render every recipient off the GUI thread; then enqueue if asked and clean."""
        if self.running:
            return
        cid = self._ensure_saved()
        if cid is None:
            return
        self._campaign_id, self._enqueue_after = cid, enqueue_after
        self.button.setEnabled(False)
        self.status.setText(self.tr("Checking every recipient…"))
        db = self.ctx.db

        def work(_task: BackgroundTask) -> list[Problem]:
            with db.read() as s:
                return run_preflight(s, cid)

        self._task = BackgroundTask(work, self._on_checked, self._on_failed).start()

    @Slot(object)
    def _on_checked(self, problems: list[Problem]) -> None:
        self.button.setEnabled(True)
        self.checked.emit(problems)
        if problems:
            self.status.setText(self.tr("{n} problems: see Recipients").format(n=len(problems)))
            return
        self.status.clear()
        if self._enqueue_after:
            self._put_in_queue()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.status.setText(self.tr("Check failed: {error}").format(error=exc))

    def _put_in_queue(self) -> None:
        cid = self._campaign_id
        start = self.start_at()
        now = self.ctx.clock.now()
        if cid is None:
            return
        if start is not None and start < now - timedelta(minutes=1):
            self.status.setText(self.tr("The start time is in the past."))
            return
        try:
            with self.ctx.db.write() as s:
                queue.enqueue(s, cid, now, start_at=start)
        except MailerError as exc:
            QMessageBox.warning(self, self.tr("Cannot queue"), str(exc))
            return
        self.status.setText(self.tr("In the queue."))
        self.enqueued.emit(cid)
        self.ctx.emit("queue")
