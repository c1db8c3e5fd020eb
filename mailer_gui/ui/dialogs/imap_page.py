"""The Mailbox page of the settings dialog: the IMAP account that bounces,
unsubscribe replies and complaints reach, how often it is read, and the
bounce-rate guard. Field names are prefixed ``imap_`` in the dialog's marks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config.imap import PORTS, ImapSettings, MailboxSettings, guess_imap
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.errors import SettingsError
from mailer_gui.ui import messages
from mailer_gui.ui.editor.field_validation import FieldMarks
from mailer_gui.ui.timefmt import full_time


class MailboxPage(QWidget):
    """``collect()`` returns (ImapSettings or None when left blank, MailboxSettings)."""

    def __init__(self, marks: FieldMarks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = marks
        self._loaded: ImapSettings | None = None
        self._smtp: SmtpSettings | None = None
        self._build_fields()
        self._layout()

    def _build_fields(self) -> None:
        self.host = QLineEdit()
        self.host.setPlaceholderText("imap.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(PORTS["tls"])
        self.port.setMaximumWidth(120)
        self.security = QComboBox()
        for code, label in (
            ("tls", self.tr("TLS (usually port 993)")),
            ("starttls", self.tr("STARTTLS (usually port 143)")),
            ("none", self.tr("None: plain text (local servers only)")),
        ):
            self.security.addItem(label, code)
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reuse_smtp = QCheckBox(self.tr("Use the SMTP account's password (same login)"))
        self.folder = QLineEdit("INBOX")
        self.suggest = QPushButton(self.tr("Use the server found for the SMTP account"))
        self.suggest.clicked.connect(self.fill_suggestion)
        self.check_minutes = QSpinBox()
        self.check_minutes.setRange(1, 24 * 60)
        self.check_minutes.setSuffix(self.tr(" min"))
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.1, 100.0)
        self.percent.setDecimals(1)
        self.percent.setSuffix(" %")
        self.min_sent = QSpinBox()
        self.min_sent.setRange(1, 1_000_000)
        self.last_check = QLabel()
        self.last_check.setObjectName("lastMailboxCheck")
        self.last_check.setWordWrap(True)

    def _layout(self) -> None:
        m = self.marks
        account = QGroupBox(self.tr("Mailbox (IMAP)"))
        f1 = QFormLayout(account)
        f1.addRow("", self.suggest)
        f1.addRow(self.tr("IMAP server"), m.wrap("imap_host", self.host))
        f1.addRow(self.tr("Port"), m.wrap("imap_port", self.port))
        f1.addRow(self.tr("Security"), m.wrap("imap_security", self.security))
        f1.addRow(self.tr("User name"), m.wrap("imap_user", self.user))
        f1.addRow(self.tr("Password"), m.wrap("imap_password", self.password))
        f1.addRow("", self.reuse_smtp)
        f1.addRow(self.tr("Folder"), m.wrap("imap_folder", self.folder))
        loop = QGroupBox(self.tr("Checking and the bounce-rate guard"))
        f2 = QFormLayout(loop)
        f2.addRow(self.tr("Check every"), m.wrap("check_minutes", self.check_minutes))
        f2.addRow(self.tr("Pause a campaign at"), m.wrap("bounce_rate_percent", self.percent))
        f2.addRow(
            self.tr("…of hard bounces, once sent"),
            m.wrap("bounce_rate_min_sent", self.min_sent),
        )
        note = QLabel(
            self.tr(
                "Bounces, unsubscribe replies and spam complaints that reach this mailbox "
                "put the address on the suppression list. Messages read are flagged, "
                "never deleted."
            )
        )
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(account)
        lay.addWidget(loop)
        lay.addWidget(self.last_check)
        lay.addStretch(1)

    def fill(
        self,
        imap: ImapSettings | None,
        mailbox: MailboxSettings,
        smtp: SmtpSettings | None,
        has_password: bool,
        last: dict[str, Any] | None = None,
        zone: str = "UTC",
    ) -> None:
        self._loaded, self._smtp = imap, smtp
        self.suggest.setEnabled(smtp is not None)
        self.set_has_password(has_password)
        self.check_minutes.setValue(mailbox.check_minutes)
        self.percent.setValue(mailbox.bounce_rate_percent)
        self.min_sent.setValue(mailbox.bounce_rate_min_sent)
        self.last_check.setText(self._last_text(last, zone))
        if imap is None:
            return
        self.host.setText(imap.host)
        self.port.setValue(imap.port)
        self.security.setCurrentIndex(max(0, self.security.findData(imap.security)))
        self.user.setText(imap.user)
        self.folder.setText(imap.folder)
        self.reuse_smtp.setChecked(imap.reuse_smtp)

    def set_has_password(self, has: bool) -> None:
        self.password.setPlaceholderText(self.tr("saved; leave empty to keep it") if has else "")

    def _last_text(self, last: dict[str, Any] | None, zone: str) -> str:
        if not last or last.get("checked_at") is None:
            return self.tr("The mailbox has not been checked yet.")
        when = last["checked_at"]
        when_text = full_time(when if isinstance(when, datetime) else None, zone)
        if last.get("error"):
            return (
                self.tr("Last check %1 failed: %2")
                .replace("%1", when_text)
                .replace("%2", messages.text(last["error"]))
            )
        r = last.get("result") or {}
        return (
            self.tr("Last check %1: %2 bounces, %3 unsubscribes, %4 complaints")
            .replace("%1", when_text)
            .replace("%2", str(r.get("bounces", 0)))
            .replace("%3", str(r.get("unsubscribes", 0)))
            .replace("%4", str(r.get("complaints", 0)))
        )

    def fill_suggestion(self) -> None:
        """The IMAP server most providers pair with the SMTP one."""
        if self._smtp is None:
            return
        g = guess_imap(self._smtp)
        self.host.setText(g.host)
        self.security.setCurrentIndex(max(0, self.security.findData(g.security)))
        self.port.setValue(g.port)
        self.user.setText(g.user)
        self.reuse_smtp.setChecked(g.reuse_smtp)

    def collect(self) -> tuple[ImapSettings | None, MailboxSettings]:
        """The settings as entered (raises SettingsError naming an ``imap_`` field)."""
        mailbox = MailboxSettings(
            check_minutes=self.check_minutes.value(),
            bounce_rate_percent=round(self.percent.value(), 1),
            bounce_rate_min_sent=self.min_sent.value(),
        )
        mailbox.validate()
        host, user = self.host.text().strip(), self.user.text().strip()
        if not host and not user and self._loaded is None:
            return None, mailbox
        base = ImapSettings(
            host=host,
            port=self.port.value(),
            security=str(self.security.currentData()),
            user=user,
            folder=self.folder.text().strip(),
            reuse_smtp=self.reuse_smtp.isChecked(),
        )
        if self._loaded is not None:
            base = replace(
                base,
                timeout=self._loaded.timeout,
                ca_file=self._loaded.ca_file,
                ca_pem=self._loaded.ca_pem,
            )
        try:
            base.validate()
        except SettingsError as exc:
            raise SettingsError("imap_" + exc.field, exc.message) from None
        return base, mailbox
