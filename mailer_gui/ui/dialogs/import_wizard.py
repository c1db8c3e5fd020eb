"""The import wizard: choose a file, check how it is read, map columns, import
off the GUI thread with progress and Cancel, then see the counts and rejects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.audience import contacts
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.dialogs.import_pages import MAPPED_FIELDS, FilePage, ProgressPage, ResultPage
from mailer_gui.ui.i18n import number_text


class ImportWizard(QDialog):
    """Import recipients into one campaign; ``imported`` carries the ImportResult."""

    imported = Signal(object)
    PAGE_FILE, PAGE_PROGRESS, PAGE_RESULT = range(3)

    def __init__(
        self,
        ctx: AppContext,
        campaign_id: int,
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id = campaign_id
        self.path: Path | None = None
        self.preview: contacts.FilePreview | None = None
        self.result: contacts.ImportResult | None = None
        self._overrides: dict[str, str | None] = {
            "encoding": None,
            "delimiter": None,
            "sheet": None,
        }
        self._task: BackgroundTask | None = None
        self.setWindowTitle(self.tr("Import recipients"))
        self._build()
        self.resize(820, 600)
        if path is not None:
            self.set_path(path)

    # -- construction ---------------------------------------------------------------
    def _build(self) -> None:
        self.file_page, self.progress_page, self.result_page = (
            FilePage(),
            ProgressPage(),
            ResultPage(),
        )
        self.stack = QStackedWidget()
        for page in (self.file_page, self.progress_page, self.result_page):
            self.stack.addWidget(page)
        self.buttons = QDialogButtonBox()
        self.import_button: QPushButton = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self._connect_pages()
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.buttons)
        self._show_page(self.PAGE_FILE)

    def _connect_pages(self) -> None:
        fp = self.file_page
        fp.browse.clicked.connect(self.choose_file)
        fp.encoding.textActivated.connect(lambda v: self._override("encoding", v))
        fp.delimiter.activated.connect(
            lambda _i: self._override("delimiter", fp.delimiter.currentData())
        )
        fp.sheet.textActivated.connect(lambda v: self._override("sheet", v))
        self.progress_page.cancel.clicked.connect(self.cancel_import)
        self.result_page.export.clicked.connect(lambda: self.export_rejects())

    def _show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.import_button.setVisible(page == self.PAGE_FILE)
        self.import_button.setEnabled(page == self.PAGE_FILE and self.preview is not None)
        self.close_button.setVisible(page != self.PAGE_PROGRESS)
        self.close_button.setText(
            self.tr("Close") if page == self.PAGE_RESULT else self.tr("Cancel")
        )

    # -- file and preview ---------------------------------------------------------
    @Slot()
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the recipients file"),
            "",
            self.tr("Spreadsheets (*.csv *.txt *.tsv *.xlsx);;All files (*)"),
        )
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        self.path = Path(path)
        self._overrides = {"encoding": None, "delimiter": None, "sheet": None}
        self.file_page.path.setText(str(self.path))
        self.refresh_preview()

    def _override(self, key: str, value: str | None) -> None:
        self._overrides[key] = value or None
        self.refresh_preview()

    def options(self, mapping: dict[str, str] | None = None) -> contacts.ImportOptions:
        return contacts.ImportOptions(
            encoding=self._overrides["encoding"],
            delimiter=self._overrides["delimiter"],
            mapping=mapping,
            sheet=self._overrides["sheet"],
        )

    def refresh_preview(self) -> None:
        """Read the first rows again with the current choices (quick: 20 rows)."""
        if self.path is None:
            return
        fp = self.file_page
        try:
            self.preview = contacts.preview_file(self.path, self.options())
        except (MailerError, OSError) as exc:
            self.preview = None
            fp.show_error(messages.text(exc))
            fp.preview_model.set_rows([], [])
            self._show_page(self.PAGE_FILE)
            return
        self._fill_preview(self.preview)
        if "email" in self.preview.mapping:
            fp.show_error("")
        elif self.preview.sheets:
            fp.show_error(
                self.tr(
                    "No column looks like an email address: choose it under "
                    "Columns, or pick another sheet."
                )
            )
        else:
            fp.show_error(
                self.tr("No column looks like an email address: choose it under Columns.")
            )
        self._show_page(self.PAGE_FILE)

    def _fill_preview(self, p: contacts.FilePreview) -> None:
        fp = self.file_page
        is_csv = not p.sheets
        for w in (fp.encoding, fp.delimiter, fp.sheet):
            w.blockSignals(True)
        if fp.encoding.findText(p.encoding) < 0 and is_csv:
            fp.encoding.addItem(p.encoding)
        fp.encoding.setCurrentText(p.encoding)
        fp.delimiter.setCurrentIndex(max(0, fp.delimiter.findData(p.delimiter)))
        fp.sheet.clear()
        fp.sheet.addItems(p.sheets)
        if self._overrides["sheet"]:
            fp.sheet.setCurrentText(self._overrides["sheet"] or "")
        for w in (fp.encoding, fp.delimiter, fp.sheet):
            w.blockSignals(False)
        fp.options_form.setRowVisible(fp.encoding, is_csv)
        fp.options_form.setRowVisible(fp.delimiter, is_csv)
        fp.options_form.setRowVisible(fp.sheet, not is_csv)
        fields = list(MAPPED_FIELDS) + [f for f in p.mapping if f not in MAPPED_FIELDS]
        fp.set_mapping_fields(fields, p.headers, p.mapping)
        fp.preview_model.set_rows(p.headers, p.rows)
        fp.preview_table.resizeColumnsToContents()

    # -- import -----------------------------------------------------------------------
    @Slot()
    def start_import(self) -> None:
        """Import with the current choices in a pool thread (all rows or none)."""
        if self.path is None or self.preview is None or self.running:
            return
        mapping = self.file_page.chosen_mapping()
        if "email" not in mapping:
            self.file_page.show_error(self.tr("Choose the column that holds the email address."))
            return
        options, path, db, cid = self.options(mapping), self.path, self.ctx.db, self.campaign_id

        def work(task: BackgroundTask) -> contacts.ImportResult:
            return contacts.import_file(
                db, cid, path, options, progress=task.report, cancel=lambda: task.cancelled
            )

        self.progress_page.bar.setValue(0)
        self.progress_page.label.setText(self.tr("Importing {name}…").format(name=path.name))
        self.progress_page.cancel.setEnabled(True)
        self._show_page(self.PAGE_PROGRESS)
        self._task = BackgroundTask(work, self._on_done, self._on_failed, self._on_progress).start()

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress_page.bar.setValue(int(1000 * done / total) if total else 0)

    @Slot()
    def cancel_import(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_page.cancel.setEnabled(False)
            self.progress_page.label.setText(self.tr("Cancelling…"))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._task = None
        if isinstance(exc, contacts.ImportCancelled):
            text = self.tr("Import cancelled; no recipient was added.")
        else:
            text = (
                messages.text(exc)
                if isinstance(exc, MailerError | OSError)
                else self.tr("The import failed: {error}").format(error=exc)
            )
        self._show_page(self.PAGE_FILE)
        self.file_page.show_error(text)

    @Slot(object)
    def _on_done(self, result: contacts.ImportResult) -> None:
        self._task = None
        self.result = result
        rp = self.result_page
        rp.counts.setText(
            self.tr(
                "<b>{imported}</b> imported · <b>{invalid}</b> invalid · <b>{duplicate}</b> "
                "duplicate · <b>{suppressed}</b> on the suppression list"
            ).format(
                imported=number_text(result.imported),
                invalid=number_text(result.invalid),
                duplicate=number_text(result.duplicate),
                suppressed=number_text(result.suppressed),
            )
        )
        rows = [(r.row, r.value, messages.text(r.reason)) for r in result.rejects]
        rp.rejects_model.set_rows([self.tr("Row"), self.tr("Value"), self.tr("Reason")], rows)
        rp.rejects_table.resizeColumnsToContents()
        rp.rejects_label.setText(
            self.tr("{n} rows were not imported:").format(n=len(rows))
            if rows
            else self.tr("Every row was imported.")
        )
        rp.export.setEnabled(bool(rows))
        self._show_page(self.PAGE_RESULT)
        self.imported.emit(result)

    def export_rejects(self, path: str | Path | None = None) -> Path | None:
        """Write the rejected rows (row, value, reason) as CSV."""
        if self.result is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Save rejected rows"),
                "rejected-rows.csv",
                self.tr("CSV files (*.csv)"),
            )
            if not chosen:
                return None
            path = chosen
        self.result.write_rejects_csv(path)
        return Path(path)

    def done(self, result: int) -> None:
        """Closing while importing cancels it and waits: nothing is left half-written."""
        if self._task is not None and self._task.running:
            self._task.cancel()
            self._task.wait(30)
        super().done(result)


__all__ = ["ImportWizard"]
