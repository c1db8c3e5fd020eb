"""The campaign editor: content with a live preview, recipients, test send, enqueue.

Nothing here opens SMTP: a test send is a queue entry the engine sends
(invariant A); its outcome arrives through ``on_snapshot``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.audience.recipients import recipient_at
from mailer_gui.core.codes import EntryKind
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.snapshot import Snapshot
from mailer_gui.ui import messages
from mailer_gui.ui.editor.audience import AudienceTab
from mailer_gui.ui.editor.enqueue import EnqueueBar
from mailer_gui.ui.editor.field_picker import FieldPicker
from mailer_gui.ui.editor.field_validation import FieldMarks
from mailer_gui.ui.editor.panels import AttachmentsPanel, PreviewInput, PreviewPanel
from mailer_gui.ui.editor.recipients import RecipientsTab
from mailer_gui.ui.editor.saving import BLANK, EditorSaving, EditorState
from mailer_gui.ui.editor.testsend import TestSendPanel

if TYPE_CHECKING:  # preflight brings Jinja2: loaded when a check runs
    from mailer_gui.core.content.preflight import PreflightError


class CampaignEditor(EditorSaving, QWidget):
    """Edit one campaign; ``maybe_save()`` protects unsaved changes."""

    saved = Signal(int)
    testSendQueued = Signal(int)
    enqueued = Signal(int)
    preflightDone = Signal(int)  # number of problems
    settingsRequested = Signal()
    _ctxEvent = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._campaign_id: int | None = None
        self._saved_state = BLANK
        self._smtp: settings_mod.SmtpSettings | None = None
        self._limits = settings_mod.LimitSettings()
        self._lock: campaigns.ContentState | None = None
        self._lock_key: tuple[str, int] | None = None
        self.marks = FieldMarks()
        self._build()
        self._listen_to_ctx()
        self.new_campaign()

    # -- construction -------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_content_tab(), self.tr("Content"))
        self.recipients = RecipientsTab(self.ctx)
        self.recipients.importRequested.connect(self.open_import_wizard)
        self.recipients.checkRequested.connect(self.check)
        self.tabs.addTab(self.recipients, self.tr("Recipients"))
        self.audience = AudienceTab(self.ctx)
        self.tabs.addTab(self.audience, self.tr("Audience"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self._build_send_bar())

    def _build_header(self) -> QWidget:
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. November newsletter"))
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("e.g. News for you, {{ first_name }}"))
        self.sender = QLabel()
        self.sender.setObjectName("senderLabel")
        self.sender.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.sender.linkActivated.connect(lambda _link: self.request_settings())
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Name"), self.marks.wrap("name", self.name))
        form.addRow(self.tr("Subject"), self.marks.wrap("subject", self.subject))
        form.addRow(self.tr("From"), self.sender)
        return box

    def _build_bodies(self) -> QWidget:
        self.html = QPlainTextEdit()
        self.html.setObjectName("htmlBody")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            self.tr("Optional. Left empty, a plain-text part is made from the HTML.")
        )
        self.body_tabs = QTabWidget()
        self.body_tabs.addTab(self.html, self.tr("HTML"))
        self.body_tabs.addTab(self.text, self.tr("Plain text"))
        self.picker = FieldPicker([self.subject, self.html, self.text], self)
        self.attachments = AttachmentsPanel()
        att = QGroupBox(self.tr("Attachments"))
        QVBoxLayout(att).addWidget(self.attachments)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Body")))
        bar.addStretch(1)
        bar.addWidget(self.picker.button)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.body_tabs, 1)
        lay.addWidget(att)
        return box

    def _build_content_tab(self) -> QWidget:
        self.preview = PreviewPanel()
        self.preview.set_source(self._preview_input)
        header = self._build_header()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_bodies())
        split.addWidget(self.preview)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.lock_banner = QLabel()
        self.lock_banner.setObjectName("contentLockBanner")
        self.lock_banner.setWordWrap(True)
        self.lock_banner.setStyleSheet(
            "background: #fff4d6; border: 1px solid #e0b84c; padding: 6px;"
        )
        self.lock_banner.hide()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addWidget(self.lock_banner)
        lay.addWidget(header)
        lay.addWidget(split, 1)
        for w in (self.subject, self.html):
            w.textChanged.connect(self.preview.schedule)
        return box

    def _build_send_bar(self) -> QWidget:
        self.test_panel = TestSendPanel(self.ctx)
        self.test_panel.sendRequested.connect(self.send_test)
        self.enqueue_bar = EnqueueBar(self.ctx, self._saved_id)
        self.enqueue_bar.checked.connect(self._on_checked)
        self.enqueue_bar.enqueued.connect(self.enqueued)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.test_panel)
        lay.addWidget(self.enqueue_bar)
        return box

    def _listen_to_ctx(self) -> None:
        """ctx events may come from the worker thread: hop to the GUI thread first."""
        self._ctxEvent.connect(self._on_ctx_event, Qt.ConnectionType.QueuedConnection)
        listener = self._ctxEvent.emit
        self.ctx.listeners.append(listener)
        self.destroyed.connect(
            lambda *_: listener in self.ctx.listeners and self.ctx.listeners.remove(listener)
        )

    @Slot(str)
    def _on_ctx_event(self, event: str) -> None:
        if event == "settings":
            self._load_settings()
            self.preview.schedule()

    # -- loading ------------------------------------------------------------------
    @property
    def campaign_id(self) -> int | None:
        return self._campaign_id

    def _load_settings(self) -> None:
        with self.ctx.db.read() as s:
            st = settings_mod.load(s)
        self._smtp, self._limits = st.smtp, st.limits
        link = '<a href="settings">' + self.tr("Settings…") + "</a>"
        if st.smtp is None:
            text = self.tr("Not set up yet") + " · " + link
        else:
            who = (
                f"{st.smtp.from_name} <{st.smtp.from_addr}>"
                if st.smtp.from_name
                else st.smtp.from_addr
            )
            text = (
                who.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + " · " + link
            )
        self.sender.setText(text)
        self.enqueue_bar.set_limits(self._limits)

    def new_campaign(self) -> None:
        """Start a blank, unsaved campaign."""
        self._show(None, BLANK, "")

    def load(self, campaign_id: int) -> None:
        """Show a saved campaign (raises NotFoundError if it does not exist)."""
        with self.ctx.db.read() as s:
            c = queue.get_campaign(s, campaign_id)
            self.attachments.load(s, campaign_id)
            state = EditorState(
                c.name, c.subject, c.html_body, c.text_body or "", self.attachments.state()
            )
            test_address = c.test_address or ""
        self._show(campaign_id, state, test_address)

    def _show(self, campaign_id: int | None, state: EditorState, test_address: str) -> None:
        self._campaign_id = campaign_id
        if campaign_id is None:
            self.attachments.load(None, None)
        self.name.setText(state.name)
        self.subject.setText(state.subject)
        self.html.setPlainText(state.html)
        self.text.setPlainText(state.text)
        self.test_panel.address.setText(test_address)
        self.test_panel.reset()
        self.marks.clear()
        self._saved_state = self._state()
        self.refresh_lock()
        self._load_settings()
        self.enqueue_bar.reset(self._limits)
        self.reload_recipients()
        self.audience.set_campaign(campaign_id)
        self.preview.render_now()

    def reload_recipients(self) -> None:
        fields = self.recipients.reload(self._campaign_id)
        self.picker.set_fields(fields)
        self.preview.set_row_count(self.recipients.total())
        self.recipients.show_preflight(None)
        self.preview.schedule()

    def _preview_input(self, row: int) -> PreviewInput:
        with self.ctx.db.read() as s:
            found = recipient_at(s, self._campaign_id, row)
        email, fields = (found[0], found[1]) if found else ("recipient@example.com", {})
        return PreviewInput(self.subject.text(), self.html.toPlainText(), email, fields, self._smtp)

    # -- actions ------------------------------------------------------------------
    def request_settings(self) -> None:
        if self.receivers("2settingsRequested()") > 0:
            self.settingsRequested.emit()
            return
        from mailer_gui.ui.dialogs.settings import SettingsDialog

        dlg = SettingsDialog(self.ctx, self)
        dlg.finished.connect(lambda _r: self._load_settings())
        dlg.open()

    @Slot()
    def open_import_wizard(self) -> Any:
        if not self._ensure_saved():
            return None
        from mailer_gui.ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self._campaign_id, parent=self)
        wizard.imported.connect(lambda _result: self.reload_recipients())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    @Slot()
    def send_test(self) -> int | None:
        """Queue a test send through the engine; returns the queue entry id."""
        addr = self.test_panel.address.text().strip()
        if not addr:
            self.test_panel.show_error(self.tr("Enter the address to send the test to."))
            self.test_panel.address.setFocus()
            return None
        if not self._ensure_saved():
            return None
        self.preview.render_now()
        if self.preview.error:
            self.test_panel.show_error(
                self.tr("Fix the template first: {error}").format(error=self.preview.error)
            )
            return None
        try:
            with self.ctx.db.write() as s:
                entry_id = campaigns.test_send(
                    s, self._campaign_id, addr, self.ctx.clock.now(), row=self.preview.row()
                ).id
        except MailerError as exc:
            self.test_panel.show_error(messages.text(exc))
            return None
        self.test_panel.track(entry_id)
        self.testSendQueued.emit(entry_id)
        self.ctx.emit("queue")
        return entry_id

    @Slot(object)
    def on_snapshot(self, snapshot: Snapshot) -> None:
        """The worker's latest status: show the test send's outcome or why it waits."""
        self.test_panel.on_snapshot(snapshot)
        own = next(
            (
                e
                for e in snapshot.entries
                if e.kind == EntryKind.CAMPAIGN
                and e.campaign_id == self._campaign_id
                and e.position is not None
            ),
            None,
        )
        if own is not None and own.counts != self.recipients.counts:
            self.recipients.set_counts(own.counts, own.feedback)  # live, without a query
        key = None if own is None else (own.status, own.counts.get("sent", 0))
        if key != self._lock_key:  # started, paused, resumed or finished: lock or unlock
            self._lock_key = key
            self.refresh_lock()

    def start_at(self) -> datetime | None:
        return self.enqueue_bar.start_at()

    @Slot()
    def enqueue(self) -> None:
        """Check every recipient (off the GUI thread), then queue if nothing is wrong;
        ``enqueued(campaign_id)`` follows, or the problems are listed with their rows."""
        self.enqueue_bar.check(enqueue_after=True)

    def check(self) -> None:
        """Run preflight only and list the problems."""
        self.enqueue_bar.check(enqueue_after=False)

    @Slot(object)
    def _on_checked(self, problems: list[PreflightError]) -> None:
        self.recipients.show_preflight(problems)
        self.preflightDone.emit(len(problems))
        if problems:
            self.tabs.setCurrentWidget(self.recipients)
