"""Settings: SMTP (with "Test connection"), limits, working hours, quota sync, the
mailbox (IMAP) and its bounce-rate guard, language.

Every value is validated by the core (``SettingsError.field`` names the field),
marked at the field with what to enter, and nothing is saved while any is
invalid. The password goes to the OS keychain, or, where there is none, is
kept for this session only and the dialog says so.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config import imap as imap_mod
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.settings import LimitSettings, SmtpSettings
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import replan
from mailer_gui.core.sending.smtp import SENT, Outcome, SmtpTransport
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.dialogs.imap_page import MailboxPage
from mailer_gui.ui.dialogs.settings_pages import LimitsPage
from mailer_gui.ui.dialogs.signin_panel import DiscoverPanel, SignInPanel
from mailer_gui.ui.dialogs.smtp_page import SmtpPage
from mailer_gui.ui.editor.field_validation import FieldMarks

LANGUAGE_KEY = "ui/language"


def _gui_settings() -> QSettings:
    """The per-user GUI preferences file shared with the app's language loader."""
    try:
        from mailer_gui.ui.i18n import gui_settings
    except ImportError:
        return QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mailer-gui", "mailer-gui"
        )
    return gui_settings()


class SettingsDialog(QDialog):
    """Edit all settings; ``save()`` writes them and emits ``ctx.emit("settings")``."""

    settingsSaved = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        qsettings: QSettings | None = None,
        address: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.marks = FieldMarks()
        self._qsettings = qsettings if qsettings is not None else _gui_settings()
        self._task: BackgroundTask | None = None
        self._mailbox_values: (
            tuple[imap_mod.ImapSettings | None, imap_mod.MailboxSettings] | None
        ) = None
        with ctx.db.read() as s:
            self._loaded = settings_mod.load(s)
            self._imap = imap_mod.load_imap(s)
            self._mailbox = imap_mod.load_mailbox(s)
        self.setWindowTitle(self.tr("Settings"))
        self.smtp_page = SmtpPage(self.marks)
        self.limits_page = LimitsPage(self.marks)
        self.smtp_page.preset_chosen.connect(self.limits_page.apply_preset)
        self.mailbox_page = MailboxPage(self.marks)
        self._signed_in_now = False
        self._build()
        self._fill()
        self._build_signin()
        if address and self._loaded.smtp is None:  # the first-run welcome's address
            self.smtp_page.from_addr.setText(address)
            self._discover_if_new()

    # -- construction ----------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_smtp_tab(), self.tr("Server"))
        self.tabs.addTab(self.limits_page, self.tr("Limits and hours"))
        self.tabs.addTab(self.mailbox_page, self.tr("Mailbox"))
        self.tabs.addTab(self._build_general_tab(), self.tr("Language"))
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color: #c62828;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.general_error)
        lay.addWidget(self.buttons)
        self.resize(620, 640)

    def _build_smtp_tab(self) -> QWidget:
        page = self.smtp_page
        self.keychain_note = QLabel(
            self.tr(
                "No keychain is available on this computer, so the password is kept only "
                "while the app runs: you will be asked for it again after a restart. "
                "It is never written to disk."
            )
        )
        self.keychain_note.setObjectName("keychainNote")
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setStyleSheet(
            "background: #fff8e1; border: 1px solid #f9a825; padding: 6px;"
        )
        self.keychain_note.setVisible(not self.ctx.secrets.keychain_available())
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(self.tr("Connect, secure and log in; no message is sent"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.test_result, 1)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addWidget(self.keychain_note)
        lay.addWidget(page)
        lay.addLayout(row)
        lay.addStretch(1)
        return box

    def _build_signin(self) -> None:
        """Sign-in with Microsoft or Google, and "Find settings" (signin_panel.py)."""
        page = self.smtp_page
        self.signin_panel = SignInPanel(
            self.ctx, lambda: str(page.signin.currentData()), page.login
        )
        page.add_signin_panel(self.signin_panel)
        self.discover_panel = DiscoverPanel(page.from_addr.text)
        page.add_discover_panel(self.discover_panel)
        self.discover_panel.useRequested.connect(page.apply_discovery)
        page.signinChanged.connect(lambda _code: self.signin_panel.refresh())
        page.accountChanged.connect(self.signin_panel.refresh)
        page.from_addr.editingFinished.connect(self._discover_if_new)
        self.signin_panel.signedIn.connect(self._on_signed_in)

    @Slot()
    def _discover_if_new(self) -> None:
        """A new account's address: look its server up at once."""
        if not self.smtp_page.host.text().strip() and self._loaded.smtp is None:
            self.discover_panel.find()

    @Slot()
    def _on_signed_in(self) -> None:
        """Signed in (again): entries held for the sign-in may send now, if the
        saved account is the one that signed in."""
        self._signed_in_now = True
        saved = self._loaded.smtp
        page = self.smtp_page
        if saved is None or saved.signin != page.signin.currentData():
            return
        if (saved.user or saved.from_addr) != page.login():
            return
        with self.ctx.db.write() as s:
            replan.save_and_replan(s, self.ctx.clock.now(), smtp=saved, recheck_smtp=True)
        self.ctx.emit("settings")

    def _build_general_tab(self) -> QWidget:
        self.language = QComboBox()
        for code, label in (
            ("system", self.tr("System language")),
            ("en", "English"),
            ("ru", "Русский"),
        ):
            self.language.addItem(label, code)
        note = QLabel(self.tr("The language changes the next time the app starts."))
        note.setWordWrap(True)
        box = QWidget()
        form = QFormLayout(box)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(note)
        return box

    def _fill(self) -> None:
        smtp = self._loaded.smtp
        stored = self._stored_password(smtp)
        self.smtp_page.fill(smtp, has_password=bool(stored))
        self.limits_page.fill(self._loaded.limits, self._loaded.quota)
        self._fill_mailbox()
        code = str(self._qsettings.value(LANGUAGE_KEY, "system") or "system")
        self.language.setCurrentIndex(max(0, self.language.findData(code)))

    def _fill_mailbox(self) -> None:
        from mailer_gui.core.mailbox.check import last_check

        imap = self._imap
        has = bool(imap and self.ctx.secrets.get_imap_password(imap.keyring_account))
        self.mailbox_page.fill(
            imap,
            self._mailbox,
            self._loaded.smtp,
            has,
            last_check(self.ctx),
            self._loaded.limits.timezone,
        )

    # -- reading and validating ---------------------------------------------------
    def _stored_password(self, smtp: SmtpSettings | None) -> str | None:
        return None if smtp is None else self.ctx.secrets.get_password(smtp.keyring_account)

    def _password_for(self, smtp: SmtpSettings) -> str | None:
        """What the user typed, else what is stored for this (or the old) account."""
        typed = self.smtp_page.password.text()
        if typed:
            return typed
        return self._stored_password(smtp) or self._stored_password(self._loaded.smtp)

    def _mark(self, exc: SettingsError) -> None:
        if not self.marks.mark(exc.field, messages.text(exc.message)):
            self.general_error.setText(messages.text(exc))
            self.general_error.show()

    def _valid_smtp(self) -> tuple[bool, SmtpSettings | None]:
        smtp = self.smtp_page.collect(self._loaded.smtp)
        if smtp is None:
            return True, None
        try:
            smtp.validate()
        except SettingsError as exc:
            self._mark(exc)
            return False, None
        if smtp.user and smtp.uses_password and not self._password_for(smtp):
            self.marks.mark("password", self.tr("enter the password for this account"))
            return False, None
        return True, smtp

    def _valid_limits(self) -> LimitSettings | None:
        try:
            limits = self.limits_page.collect()
            limits.validate()
        except SettingsError as exc:
            self._mark(exc)
            return None
        return limits

    def _valid_mailbox(
        self,
    ) -> tuple[imap_mod.ImapSettings | None, imap_mod.MailboxSettings] | None:
        try:
            imap, mailbox = self.mailbox_page.collect()
        except SettingsError as exc:
            self._mark(exc)
            return None
        if imap is not None and not imap.reuse_smtp and not self._imap_password(imap):
            self.marks.mark("imap_password", self.tr("enter the password for this mailbox"))
            return None
        return imap, mailbox

    def _imap_password(self, imap: imap_mod.ImapSettings) -> str | None:
        typed = self.mailbox_page.password.text()
        return typed or self.ctx.secrets.get_imap_password(imap.keyring_account)

    def validate(self) -> tuple[SmtpSettings | None, LimitSettings] | None:
        """Mark every invalid field; None while any is invalid."""
        self.marks.clear()
        self.general_error.hide()
        ok, smtp = self._valid_smtp()
        limits = self._valid_limits()
        self._mailbox_values = self._valid_mailbox()
        if not ok or limits is None or self._mailbox_values is None:
            self._show_first_marked()
            return None
        return smtp, limits

    def _show_first_marked(self) -> None:
        marked = self.marks.marked()
        if not marked:
            return
        widget = self.marks.widget(marked[0])
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).isAncestorOf(widget):
                self.tabs.setCurrentIndex(i)
                break
        widget.setFocus()

    # -- saving ---------------------------------------------------------------------
    @Slot()
    def _on_save_clicked(self) -> None:
        if self.save():
            self.accept()

    def save(self) -> bool:
        """Validate, store the password, write the settings; False if anything is invalid."""
        values = self.validate()
        if values is None:
            return False
        smtp, limits = values
        used = self.limits_page.quota_used()
        smtp_changed = (
            smtp != self._loaded.smtp or bool(self.smtp_page.password.text()) or self._signed_in_now
        )
        if smtp is not None and smtp.uses_password:
            self._store_password(smtp)
        now = self.ctx.clock.now()
        try:
            with self.ctx.db.write() as s:
                # One transaction: the save and the re-plan of every waiting entry.
                replan.save_and_replan(
                    s, now, smtp=smtp, limits=limits, quota_used=used, recheck_smtp=smtp_changed
                )
                self._save_mailbox(s)
                self._loaded = settings_mod.load(s)
        except SettingsError as exc:
            self._mark(exc)
            return False
        self._qsettings.setValue(LANGUAGE_KEY, self.language.currentData())
        self._qsettings.sync()
        self.limits_page.fill(self._loaded.limits, self._loaded.quota)
        self.ctx.emit("settings")
        self.settingsSaved.emit()
        return True

    def _save_mailbox(self, s: object) -> None:
        assert self._mailbox_values is not None
        imap, mailbox = self._mailbox_values
        imap_mod.save_mailbox(s, mailbox)  # type: ignore[arg-type]
        if imap is None:
            return
        imap_mod.save_imap(s, imap)  # type: ignore[arg-type]
        typed = self.mailbox_page.password.text()
        if typed:
            self.ctx.secrets.set_password(imap.keyring_account, typed)
            self.mailbox_page.password.clear()
            self.mailbox_page.set_has_password(True)
        self._imap, self._mailbox = imap, mailbox

    def _store_password(self, smtp: SmtpSettings) -> None:
        password = self.smtp_page.password.text() or self._password_for(smtp)
        if password and password != self._stored_password(smtp):
            self.ctx.secrets.set_password(smtp.keyring_account, password)
        self.smtp_page.password.clear()
        self.smtp_page.set_has_password(bool(password))

    # -- test connection -----------------------------------------------------------
    @Slot()
    def test_connection(self) -> None:
        """Connect, secure and log in off the GUI thread; sends no message."""
        self.marks.clear()
        ok, smtp = self._valid_smtp()
        if not ok or smtp is None:
            if ok:
                self.marks.mark("host", self.tr("enter the SMTP server name first"))
            self._set_result(self.tr("Fix the marked fields first."), "#c62828")
            return
        password = self._password_for(smtp) if smtp.uses_password else None
        tokens = None if smtp.uses_password else self.ctx.oauth.source(smtp)
        self.test_button.setEnabled(False)
        self._set_result(
            self.tr("Connecting to {host}:{port}…").format(host=smtp.host, port=smtp.port),
            "#555555",
        )
        self._task = BackgroundTask(
            lambda _t: SmtpTransport(smtp, password, access_token=tokens).check(),
            self._on_check_done,
            self._on_check_failed,
        ).start()

    @Slot(object)
    def _on_check_done(self, outcome: Outcome) -> None:
        self.test_button.setEnabled(True)
        if outcome.kind == SENT:
            self._set_result(self.tr("Connected and logged in. No message was sent."), "#2e7d32")
            return
        reply = " ".join(str(p) for p in (outcome.code, outcome.text) if p)
        if outcome.code is None:  # no reply to show: the settings do not fit the server
            self._set_result(
                self.tr("Could not connect ({phase}): {reason}").format(
                    phase=messages.phase_text(outcome.phase), reason=messages.text(outcome.text)
                ),
                "#c62828",
            )
            return
        self._set_result(
            self.tr("The server refused ({phase}): {reply}").format(
                phase=messages.phase_text(outcome.phase), reply=reply or self.tr("no reply")
            ),
            "#c62828",
        )

    @Slot(object)
    def _on_check_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._set_result(self.tr("Could not connect: {error}").format(error=exc), "#c62828")

    def _set_result(self, text: str, color: str) -> None:
        self.test_result.setStyleSheet(f"color: {color};")
        self.test_result.setText(text)

    def done(self, result: int) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()
        self.signin_panel.cancel()
        self.discover_panel.cancel()
        super().done(result)
