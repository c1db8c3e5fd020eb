"""Export a send report: a campaign's, or every send in a period.

The export runs in a pool thread (``BackgroundTask``); the worker only calls
the core/PDF exporter and reports plain numbers, so no widget is touched off
the GUI thread. Cancel stops it within a thousand rows and leaves no file.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.formats import ExportCancelled, ExportRequest
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.i18n import effective_language

log = logging.getLogger(__name__)
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "pdf": ".pdf"}


class ExportDialog(QDialog):
    """``campaign_id`` None: a period report with date pickers."""

    # "done", "cancelled" or "failed", when an export ends (tests wait on it).
    export_finished = Signal(str)

    def __init__(
        self, ctx: AppContext, campaign_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id = campaign_id
        self.task: BackgroundTask | None = None
        self.saved_to: Path | None = None
        self._tz, name = self._read_context()
        self.setWindowTitle(self.tr("Export send report"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        if campaign_id is not None:
            title = self.tr("Send report of “%1”").replace("%1", name)
            intro = self.tr(
                "Who got the campaign, who did not and why; its pauses and sending rate."
            )
        else:
            title = self.tr("Sends in a period")
            intro = self.tr(
                "Every message handed to the server, across campaigns, with "
                "daily and hourly totals against the limits, to match the "
                "provider's bill. Days are in the time zone of the settings."
            )
        self.title_label = QLabel(f"<b>{html.escape(title)}</b>")
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(self._build_form(name))
        layout.addWidget(self._build_progress())
        layout.addWidget(self._build_buttons())
        self._format_changed()

    # -- construction --------------------------------------------------------
    def _read_context(self) -> tuple[Any, str]:
        with self.ctx.db.read() as s:
            tz = settings_mod.load(s).limits.tz
            name = ""
            if self.campaign_id is not None:
                c = campaigns.find(s, self.campaign_id)
                name = c.name if c is not None else f"#{self.campaign_id}"
        return tz, name

    def _build_form(self, name: str) -> QFormLayout:
        form = QFormLayout()
        today = self.ctx.clock.now().astimezone(self._tz).date()
        if self.campaign_id is None:
            self.from_edit = self._date_edit(today.replace(day=1))
            self.to_edit = self._date_edit(today)
            form.addRow(self.tr("From:"), self.from_edit)
            form.addRow(self.tr("To (included):"), self.to_edit)
        self.format_combo = QComboBox()
        self.format_combo.addItem(self.tr("CSV — opens in any spreadsheet"), "csv")
        self.format_combo.addItem(self.tr("Excel workbook (.xlsx)"), "xlsx")
        self.format_combo.addItem(self.tr("PDF — summary, pauses and chart"), "pdf")
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        form.addRow(self.tr("Format:"), self.format_combo)
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.addItem(self.tr("Comma ( , )"), ",")
        self.delimiter_combo.addItem(
            self.tr("Semicolon ( ; ) — Excel in many European languages"), ";"
        )
        form.addRow(self.tr("Separator:"), self.delimiter_combo)
        self.path_edit = QLineEdit(str(self._default_path(name, today)))
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.clicked.connect(self._choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        form.addRow(self.tr("Save as:"), row)
        self.form = form
        return form

    @staticmethod
    def _date_edit(day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _build_progress(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 6, 0, 0)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        v.addWidget(self.progress)
        v.addWidget(self.status_label)
        return box

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_folder_button = buttons.addButton(
            self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button = buttons.addButton(
            self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.export_button.setDefault(True)
        self.open_folder_button.setEnabled(False)
        self.export_button.clicked.connect(self.start_export)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        return buttons

    def _default_path(self, name: str, today: date) -> Path:
        folder = Path.home() / "Documents"
        folder = folder if folder.is_dir() else Path.home()
        if self.campaign_id is None:
            stem = f"sends-{today.replace(day=1).isoformat()}-to-{today.isoformat()}"
        else:
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40]
            stem = f"report-{slug or self.campaign_id}-{today.isoformat()}"
        return folder / f"{stem}.csv"

    # -- user actions --------------------------------------------------------
    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def _format_changed(self) -> None:
        self.delimiter_combo.setEnabled(self.fmt == "csv")
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(SUFFIX[self.fmt])))

    def _choose_file(self) -> None:
        filters = {
            "csv": self.tr("CSV files (*.csv)"),
            "xlsx": self.tr("Excel files (*.xlsx)"),
            "pdf": self.tr("PDF files (*.pdf)"),
        }
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report as"), self.path_edit.text(), filters[self.fmt]
        )
        if path:
            self.path_edit.setText(str(Path(path).with_suffix(SUFFIX[self.fmt])))

    def _request(self) -> ExportRequest:
        out = Path(self.path_edit.text().strip()).expanduser()
        if not self.path_edit.text().strip():
            raise MailerError(self.tr("Choose where to save the report."))
        start = end = None
        if self.campaign_id is None:
            start, end = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        req = ExportRequest(
            fmt=self.fmt,
            out=out,
            campaign_id=self.campaign_id,
            start=start,
            end=end,
            delimiter=str(self.delimiter_combo.currentData()),
            language=effective_language(),
        )
        req.validate()
        return req

    def start_export(self) -> None:
        if self.task is not None and self.task.running:
            return
        try:
            request = self._request()
        except MailerError as exc:
            self._show(messages.text(exc), error=True)
            return
        from mailer_gui.core.reports.export import export_report
        from mailer_gui.qt.pdf import ensure_gui_app  # and registers "pdf"

        ensure_gui_app()
        ctx = self.ctx
        self._set_running(True)
        self._show(self.tr("Exporting…"))
        self.task = BackgroundTask(
            lambda task: (
                request.out,
                export_report(ctx, request, task.report, lambda: task.cancelled),
            ),
            self._done,
            self._failed,
            self._progress,
        ).start()

    def _cancel_or_close(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self._show(self.tr("Cancelling…"))
        else:
            self.reject()

    def open_folder(self) -> None:
        if self.saved_to is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_to.parent)))

    # -- results (GUI thread) ------------------------------------------------
    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _done(self, result: tuple[Path, int]) -> None:
        # Finished as far as this dialog knows: the pool thread may not have
        # marked the task finished yet, and an Export clicked now must start.
        self.task = None
        out, n = result
        self.saved_to = out
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if self.fmt == "pdf":
            what = self.tr("1 page") if n == 1 else self.tr("%1 pages").replace("%1", str(n))
        else:
            what = self.tr("1 row") if n == 1 else self.tr("%1 rows").replace("%1", str(n))
        self._show(self.tr("Saved %1 (%2).").replace("%1", str(out)).replace("%2", what))
        self.open_folder_button.setEnabled(True)
        self.export_finished.emit("done")

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._set_running(False)
        self.progress.setVisible(False)
        if isinstance(exc, ExportCancelled):
            self._show(self.tr("Cancelled; no file was written."))
            self.export_finished.emit("cancelled")
            return
        if not isinstance(exc, MailerError):
            log.error("report export failed", exc_info=exc)
        self._show(
            self.tr("The report could not be saved: %1").replace("%1", messages.text(exc)),
            error=True,
        )
        self.export_finished.emit("failed")

    def _set_running(self, running: bool) -> None:
        for w in (self.format_combo, self.path_edit, self.choose_button, self.export_button):
            w.setEnabled(not running)
        self.delimiter_combo.setEnabled(not running and self.fmt == "csv")
        if self.campaign_id is None:
            self.from_edit.setEnabled(not running)
            self.to_edit.setEnabled(not running)
        self.cancel_button.setText(self.tr("Cancel") if running else self.tr("Close"))
        if running:
            self.open_folder_button.setEnabled(False)
            self.progress.setRange(0, 0)  # busy until the first count arrives
            self.progress.setVisible(True)

    def _show(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_label.setText(text)

    # -- closing ----------------------------------------------------------------
    def _stop_worker(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.task.wait(30)

    def reject(self) -> None:
        self._stop_worker()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self._stop_worker()
        super().closeEvent(event)
