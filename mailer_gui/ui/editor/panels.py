"""Parts of the campaign editor: the live preview, attachments, and the test send.

The preview renders with the same sandboxed templates as the engine, in the
GUI thread, debounced. The test-send panel never opens SMTP: it only shows
what the queue table says about the test entry (invariant A).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.content import attachments
from mailer_gui.ui import messages


@dataclass(frozen=True)
class PreviewInput:
    subject: str
    html: str
    email: str
    fields: dict[str, Any]
    smtp: SmtpSettings | None


class PreviewPanel(QWidget):
    """Rendered subject and HTML for one chosen recipient row."""

    rowChanged = Signal(int)
    DEBOUNCE_MS = 250

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error: str | None = None
        self._source: Callable[[int], PreviewInput] | None = None
        self.row_spin = QSpinBox()
        self.row_spin.setRange(1, 1)
        self.row_spin.setPrefix(self.tr("Recipient "))
        self.row_spin.valueChanged.connect(self._on_row_changed)
        self.who = QLabel()
        self.who.setStyleSheet("color: #555;")
        self.subject = QLabel()
        self.subject.setObjectName("previewSubject")
        self.subject.setWordWrap(True)
        self.subject.setStyleSheet("font-weight: bold;")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.problem = QLabel()
        self.problem.setObjectName("previewError")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.render_now)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Preview for")))
        top.addWidget(self.row_spin)
        top.addWidget(self.who, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.subject)
        lay.addWidget(self.problem)
        lay.addWidget(self.browser, 1)

    def set_source(self, source: Callable[[int], PreviewInput]) -> None:
        self._source = source

    def set_row_count(self, n: int) -> None:
        self.row_spin.setMaximum(max(1, n))
        self.row_spin.setSuffix(self.tr(" of {n}").format(n=n) if n else "")
        self.row_spin.setEnabled(n > 1)

    def row(self) -> int:
        return self.row_spin.value()

    def _on_row_changed(self, row: int) -> None:
        self.schedule()
        self.rowChanged.emit(row)

    def schedule(self) -> None:
        """Render after the typing pauses (debounced)."""
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        if self._source is None:
            return
        data = self._source(self.row())
        self.who.setText(data.email)
        from mailer_gui.core.content import compose  # Jinja2 on the first preview, not at start
        from mailer_gui.core.content.compose import TemplateRenderError
        from mailer_gui.core.content.preflight import PLACEHOLDER_SMTP

        context = compose.template_context(data.email, data.fields, data.smtp or PLACEHOLDER_SMTP)
        try:
            subject = compose.render_field("subject", data.subject, context)
            html = compose.render_field("html", data.html, context, html=True)
        except TemplateRenderError as exc:
            self.error = messages.text(exc)
            self.problem.setText(
                self.tr("Cannot render for this recipient: {error}").format(error=self.error)
            )
            self.problem.show()
            self.subject.clear()
            self.browser.clear()
            return
        self.error = None
        self.problem.hide()
        self.subject.setText(subject)
        self.browser.setHtml(html)


@dataclass
class AttachmentItem:
    id: int | None
    filename: str
    mime_type: str
    size: int
    data: bytes | None = None  # only for files added since the last save


class AttachmentsPanel(QWidget):
    """The campaign's attachments; changes are written by ``save(session, id)``."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[AttachmentItem] = []
        self._removed: list[int] = []
        self._read_only = False
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.add_button = QPushButton(self.tr("Add file…"))
        self.add_button.clicked.connect(self._choose)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)

    def load(self, session: Any, campaign_id: int | None) -> None:
        """Show the campaign's stored attachments (none for a new campaign)."""
        self.items, self._removed = [], []
        if session is not None and campaign_id is not None:
            self.items = [
                AttachmentItem(a.id, a.filename, a.mime_type, a.size)
                for a in attachments.summaries(session, campaign_id)
            ]
        self._refresh()

    def state(self) -> tuple[tuple[int | None, str, int], ...]:
        return tuple((a.id, a.filename, a.size) for a in self.items)

    def set_read_only(self, read_only: bool) -> None:
        """No adding or removing while the campaign's content is locked."""
        self._read_only = read_only
        self._refresh()

    def _refresh(self) -> None:
        self.list.clear()
        for a in self.items:
            QListWidgetItem(f"{a.filename}  ({_size_text(a.size)})", self.list)
        self.add_button.setEnabled(not self._read_only)
        self.remove_button.setEnabled(bool(self.items) and not self._read_only)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if path:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> bool:
        """Add a file (written at the next save); refused, with the reason shown,
        when the core would refuse it (``attachments.check_new_file``)."""
        data = path.read_bytes()
        try:
            attachments.check_new_file(path.name, len(data), sum(a.size for a in self.items))
        except attachments.AttachmentError as exc:
            self.show_refusal(exc)
            return False
        self.items.append(
            AttachmentItem(None, path.name, attachments.guess_mime(path.name), len(data), data)
        )
        self._refresh()
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0 and self.items:
            row = len(self.items) - 1
        if row < 0:
            return
        item = self.items.pop(row)
        if item.id is not None:
            self._removed.append(item.id)
        self._refresh()
        self.changed.emit()

    def show_refusal(self, exc: Exception) -> None:
        """Say why a file cannot be attached (the cap in the operator's words)."""
        if isinstance(exc, attachments.AttachmentTooLarge):
            QMessageBox.warning(
                self,
                self.tr("Attachment too large"),
                self.tr(
                    "Attachments may total at most {limit}; with this file they would be "
                    "{total}. Link to large files instead."
                ).format(limit=_size_text(exc.limit), total=_size_text(exc.used + exc.size)),
            )
        else:
            QMessageBox.warning(self, self.tr("Attach a file"), str(exc))

    def save(self, session: Any, campaign_id: int) -> None:
        """Write the changes through ``attachments.save_changes`` (the cap checked
        against what is stored now); raises AttachmentError, nothing written."""
        new = [item for item in self.items if item.id is None and item.data is not None]
        ids = attachments.save_changes(
            session, campaign_id, self._removed, [(item.filename, item.data or b"") for item in new]
        )
        for item, new_id in zip(new, ids, strict=True):
            item.id, item.data = new_id, None
        self._removed = []


def _size_text(n: int) -> str:
    if n < 1024:
        return QCoreApplication.translate("AttachmentsPanel", "%1 B").replace("%1", str(n))
    if n < 1024 * 1024:
        return QCoreApplication.translate("AttachmentsPanel", "%1 KB").replace(
            "%1", f"{n / 1024:.0f}"
        )
    return QCoreApplication.translate("AttachmentsPanel", "%1 MB").replace(
        "%1", f"{n / 1024 / 1024:.1f}"
    )
