"""The editor's "Put in queue" row: optional start time, preflight off the GUI
thread, and the enqueue itself (refused while preflight finds any problem)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mailer_gui.core import timefmt
from mailer_gui.core.config.settings import LimitSettings
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import queue
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask

if TYPE_CHECKING:  # preflight brings Jinja2: loaded when a check runs
    from mailer_gui.core.content.preflight import PreflightError

MAX_LISTED = 1000


@dataclass(frozen=True)
class CheckOutcome:
    """What the background check found (plain data for the GUI thread)."""

    problems: list[PreflightError]
    queued: bool = False
    error: str | None = None


class EnqueueBar(QWidget):
    """``ensure_saved()`` returns the campaign id to check, or None if it cannot be saved."""

    checked = Signal(object)  # list[PreflightError]
    enqueued = Signal(int)

    def __init__(
        self, ctx: AppContext, ensure_saved: Callable[[], int | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._ensure_saved = ensure_saved
        self._limits = LimitSettings()
        self._task: BackgroundTask | None = None
        self._enqueue_after = False
        self._campaign_id: int | None = None
        self.start_check = QCheckBox(self.tr("Start at"))
        self.start_edit = QDateTimeEdit()
        # Wall-clock fields in the settings' zone: held as UTC so that Qt never
        # applies the laptop's zone (nor skips its DST gap) to them.
        self.start_edit.setTimeZone(QTimeZone.utc())
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
            second=0, microsecond=0, tzinfo=None
        )
        self.set_wall_time(soon)

    def set_limits(self, limits: LimitSettings) -> None:
        self._limits = limits
        now = self.ctx.clock.now()
        # Labelled as every time is: only when the laptop's zone differs.
        label = (
            timefmt.zone_caption(limits.tz, now)
            if timefmt.differs_from_laptop(limits.tz, now)
            else ""
        )
        self.tz_label.setText(label)
        self.tz_label.setVisible(bool(label))
        self.start_edit.setToolTip(
            self.tr("In the time zone of the working hours: %1").replace(
                "%1", timefmt.zone_caption(limits.tz, now)
            )
        )

    def set_wall_time(self, wall: datetime) -> None:
        """Show ``wall`` (naive, a wall-clock time in the settings' zone) in the field."""
        self.start_edit.setDateTime(
            QDateTime(
                QDate(wall.year, wall.month, wall.day),
                QTime(wall.hour, wall.minute),
                QTimeZone.utc(),
            )
        )

    def wall_time(self) -> datetime:
        """The field's date and time as typed (naive, in the settings' zone)."""
        qdt = self.start_edit.dateTime()
        d, t = qdt.date(), qdt.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def start_at(self) -> datetime | None:
        """The chosen start time (in the settings' time zone), as aware UTC."""
        if not self.start_check.isChecked():
            return None
        return self.wall_time().replace(tzinfo=self._limits.tz).astimezone(UTC)

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    def check(self, enqueue_after: bool) -> None:
        """Render every recipient off the GUI thread; if asked and nothing is wrong,
        enqueue there too (the core checks again inside its write transaction)."""
        if self.running:
            return
        cid = self._ensure_saved()
        if cid is None:
            return
        start = self.start_at() if enqueue_after else None
        if start is not None and start < self.ctx.clock.now() - timedelta(minutes=1):
            self.status.setText(self.tr("The start time is in the past."))
            return
        self.button.setEnabled(False)
        self.status.setText(self.tr("Checking every recipient…"))
        ctx = self.ctx

        def work(_task: BackgroundTask) -> CheckOutcome:
            from mailer_gui.core.content.preflight import preflight

            with ctx.db.read() as s:
                problems = preflight(s, cid, limit=MAX_LISTED)
            if problems or not enqueue_after:
                return CheckOutcome(problems)
            try:
                with ctx.db.write() as s:
                    queue.enqueue(s, cid, ctx.clock.now(), start_at=start, checked=True)
            except MailerError as exc:
                return CheckOutcome([], error=messages.text(exc))
            return CheckOutcome([], queued=True)

        self._campaign_id = cid
        self._task = BackgroundTask(work, self._on_checked, self._on_failed).start()

    @Slot(object)
    def _on_checked(self, outcome: CheckOutcome) -> None:
        self.button.setEnabled(True)
        self.checked.emit(outcome.problems)
        if outcome.problems:
            self.status.setText(
                self.tr("{n} problems: see Recipients").format(n=len(outcome.problems))
            )
        elif outcome.error:
            self.status.clear()
            QMessageBox.warning(self, self.tr("Cannot queue"), outcome.error)
        elif outcome.queued and self._campaign_id is not None:
            self.status.setText(self.tr("In the queue."))
            self.enqueued.emit(self._campaign_id)
            self.ctx.emit("queue")
        else:
            self.status.clear()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.status.setText(self.tr("Check failed: {error}").format(error=exc))
