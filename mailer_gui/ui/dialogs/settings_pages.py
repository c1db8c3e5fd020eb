"""The two form pages of the settings dialog: SMTP account, limits and hours."""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config.settings import DAY_NAMES, LimitSettings, QuotaSync, SmtpSettings
from mailer_gui.core.config.trust import describe as describe_ca
from mailer_gui.core.config.trust import read_ca_file
from mailer_gui.core.errors import SettingsError
from mailer_gui.ui import messages
from mailer_gui.ui.editor.field_validation import FieldMarks
from mailer_gui.ui.timefmt import full_time

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class SmtpPage(QWidget):
    """Host, port, security, login and sender; ``collect()`` returns SmtpSettings."""

    def __init__(self, marks: FieldMarks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = marks
        self._timeout = 30.0
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.port.setMaximumWidth(120)
        self.security = QComboBox()
        for code, label in (("starttls", self.tr("STARTTLS (usually port 587)")),
                            ("tls", self.tr("TLS (usually port 465)")),
                            ("none", self.tr("None: plain text (local servers only)"))):
            self.security.addItem(label, code)
        self.security.currentIndexChanged.connect(self._on_security_changed)
        self._security_code = "starttls"
        self._ca_file = ""
        self._ca_pem = ""
        self._build_account_fields()
        self._build_ca_fields()
        self._layout()

    def _build_account_fields(self) -> None:
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_addr = QLineEdit()
        self.from_addr.setPlaceholderText("news@example.com")
        self.from_name = QLineEdit()
        self.reply_to = QLineEdit()
        self.reply_to.setPlaceholderText(self.tr("optional"))
        self.unsubscribe_url = QLineEdit()
        self.unsubscribe_url.setPlaceholderText(self.tr("optional, https://…"))

    def _build_ca_fields(self) -> None:
        self.ca_path = QLineEdit()
        self.ca_path.setReadOnly(True)
        self.ca_path.setPlaceholderText(self.tr("none: only the system's CAs are trusted"))
        self.ca_choose = QPushButton(self.tr("Choose…"))
        self.ca_choose.setToolTip(self.tr(
            "Trust your company's own CA (or the server's certificate): a PEM file"))
        self.ca_choose.clicked.connect(self._on_choose_ca)
        self.ca_remove = QPushButton(self.tr("Remove"))
        self.ca_remove.clicked.connect(lambda: self.set_ca(None))
        self.ca_box = QWidget()
        row = QHBoxLayout(self.ca_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ca_path, 1)
        row.addWidget(self.ca_choose)
        row.addWidget(self.ca_remove)
        self.ca_info = QLabel()
        self.ca_info.setObjectName("caInfo")
        self.ca_info.setWordWrap(True)
        self.ca_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._show_ca()

    def _on_choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the CA file"), "",
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.load_ca_file(path)

    def load_ca_file(self, path: str) -> bool:
        """Read and show the CA file at ``path``; a bad file is marked, nothing changes."""
        self.marks.clear("ca_file")
        try:
            pem, _ = read_ca_file(path)
        except SettingsError as exc:
            self.marks.mark("ca_file", messages.text(exc.message))
            return False
        self.set_ca(path, pem)
        return True

    def set_ca(self, path: str | None, pem: str = "") -> None:
        self._ca_file, self._ca_pem = (path or "", pem) if path else ("", "")
        self.marks.clear("ca_file")
        self._show_ca()

    def _show_ca(self) -> None:
        self.ca_path.setText(self._ca_file)
        self.ca_path.setToolTip(self._ca_file)
        self.ca_remove.setEnabled(bool(self._ca_pem))
        if not self._ca_pem:
            self.ca_info.clear()
            self.ca_info.hide()
            return
        try:
            certs = describe_ca(self._ca_pem)
        except ValueError:
            certs = []
        lines = []
        for cert in certs:
            half = len(cert.sha256) // 2 + 1
            fp = f"{cert.sha256[:half]}<br>{cert.sha256[half:]}"
            lines.append(self.tr("Trusted: {subject}<br>SHA-256: <tt>{fingerprint}</tt>").format(
                subject=_html(cert.subject or self.tr("(no subject)")), fingerprint=fp))
        lines.append(self.tr("The server's name is still checked against its certificate."))
        self.ca_info.setText("<br>".join(lines))
        self.ca_info.show()

    def ca_fingerprints(self) -> list[str]:
        return [c.sha256 for c in describe_ca(self._ca_pem)] if self._ca_pem else []

    def _layout(self) -> None:
        m = self.marks
        server = QGroupBox(self.tr("Account"))
        f1 = QFormLayout(server)
        f1.addRow(self.tr("SMTP server"), m.wrap("host", self.host))
        f1.addRow(self.tr("Port"), m.wrap("port", self.port))
        f1.addRow(self.tr("Security"), m.wrap("security", self.security))
        f1.addRow(self.tr("User name"), m.wrap("user", self.user))
        f1.addRow(self.tr("Password"), m.wrap("password", self.password))
        f1.addRow(self.tr("CA file"), m.wrap("ca_file", self.ca_box))
        f1.addRow("", self.ca_info)
        sender = QGroupBox(self.tr("Sender"))
        f2 = QFormLayout(sender)
        f2.addRow(self.tr("From address"), m.wrap("from_addr", self.from_addr))
        f2.addRow(self.tr("From name"), m.wrap("from_name", self.from_name))
        f2.addRow(self.tr("Reply-to"), m.wrap("reply_to", self.reply_to))
        f2.addRow(self.tr("Unsubscribe page"), m.wrap("unsubscribe_url", self.unsubscribe_url))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(server)
        lay.addWidget(sender)

    def _on_security_changed(self) -> None:
        """Follow the usual port for the mode, unless the user chose another one."""
        new = str(self.security.currentData())
        if self.port.value() == DEFAULT_PORTS.get(self._security_code):
            self.port.setValue(DEFAULT_PORTS[new])
        self._security_code = new

    def set_has_password(self, has: bool) -> None:
        self.password.setPlaceholderText(
            self.tr("saved; leave empty to keep it") if has else "")

    def fill(self, smtp: SmtpSettings | None, has_password: bool) -> None:
        self.set_has_password(has_password)
        if smtp is None:
            return
        self._timeout = smtp.timeout
        self.security.setCurrentIndex(max(0, self.security.findData(smtp.security)))
        self.port.setValue(smtp.port)
        for name in ("host", "user", "from_addr", "from_name", "reply_to", "unsubscribe_url"):
            getattr(self, name).setText(getattr(smtp, name))
        self.set_ca(smtp.ca_file or None, smtp.ca_pem)

    def collect(self, loaded: SmtpSettings | None) -> SmtpSettings | None:
        """The settings as entered; None when the account is left blank (not set up)."""
        texts = {n: getattr(self, n).text().strip() for n in
                 ("host", "user", "from_addr", "from_name", "reply_to", "unsubscribe_url")}
        if loaded is None and not (texts["host"] or texts["user"] or texts["from_addr"]):
            return None
        return SmtpSettings(port=self.port.value(), security=str(self.security.currentData()),
                            timeout=self._timeout, ca_file=self._ca_file, ca_pem=self._ca_pem,
                            **texts)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LimitsPage(QWidget):
    """Hourly and monthly limits, the working-hours calendar and the quota sync."""

    def __init__(self, marks: FieldMarks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = marks
        self.hourly = QSpinBox()
        self.hourly.setRange(0, 1_000_000)
        self.monthly = QSpinBox()
        self.monthly.setRange(0, 100_000_000)
        self.monthly.setGroupSeparatorShown(True)
        self.start = QLineEdit()
        self.end = QLineEdit()
        for w in (self.start, self.end):
            w.setPlaceholderText("HH:MM")
            w.setMaximumWidth(90)
        self._build_days()
        self._build_timezone()
        self.quota_used_spin = QSpinBox()
        self.quota_used_spin.setRange(-1, 100_000_000)
        self.quota_used_spin.setSpecialValueText(self.tr("no change"))
        self.quota_used_spin.setGroupSeparatorShown(True)
        self.quota_info = QLabel()
        self.quota_info.setWordWrap(True)
        self._layout()

    def _build_days(self) -> None:
        labels = (self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"),
                  self.tr("Fri"), self.tr("Sat"), self.tr("Sun"))
        self.days_box = QWidget()
        row = QHBoxLayout(self.days_box)
        row.setContentsMargins(4, 2, 4, 2)
        self.day_checks: dict[str, QCheckBox] = {}
        for code, label in zip(DAY_NAMES, labels, strict=True):
            box = QCheckBox(label)
            self.day_checks[code] = box
            row.addWidget(box)
        row.addStretch(1)

    def _build_timezone(self) -> None:
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(sorted(available_timezones()))
        completer = QCompleter(self.timezone.model(), self.timezone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.timezone.setCompleter(completer)

    def _layout(self) -> None:
        m = self.marks
        limits = QGroupBox(self.tr("Provider limits"))
        f1 = QFormLayout(limits)
        f1.addRow(self.tr("Messages per hour"), m.wrap("hourly", self.hourly))
        f1.addRow(self.tr("Messages per month"), m.wrap("monthly", self.monthly))
        hours = QGroupBox(self.tr("Working hours"))
        f2 = QFormLayout(hours)
        f2.addRow(self.tr("Start"), m.wrap("start", self.start))
        f2.addRow(self.tr("End"), m.wrap("end", self.end))
        f2.addRow(self.tr("Days"), m.wrap("days", self.days_box))
        f2.addRow(self.tr("Time zone"), m.wrap("timezone", self.timezone))
        hint = QLabel(self.tr("00:00 to 24:00 means all day."))
        hint.setStyleSheet("color: #666;")
        f2.addRow(hint)
        quota = QGroupBox(self.tr("Provider quota sync"))
        f3 = QFormLayout(quota)
        f3.addRow(self.quota_info)
        f3.addRow(self.tr("Used this month, as the provider shows now"),
                  m.wrap("used", self.quota_used_spin))
        for w in (self.hourly, self.monthly, self.quota_used_spin):
            w.setMaximumWidth(180)
        lay = QVBoxLayout(self)
        for box in (limits, hours, quota):
            lay.addWidget(box)
        lay.addStretch(1)

    def fill(self, limits: LimitSettings, quota: QuotaSync | None) -> None:
        self.hourly.setValue(limits.hourly)
        self.monthly.setValue(limits.monthly)
        self.start.setText(limits.start)
        self.end.setText(limits.end)
        for code, box in self.day_checks.items():
            box.setChecked(code in limits.days)
        self.timezone.setCurrentText(limits.timezone)
        self.quota_used_spin.setValue(-1)
        if quota is None:
            self.quota_info.setText(self.tr(
                "Not synced yet: the month's usage counts only messages sent by this app."))
        else:
            when = full_time(quota.synced_at, limits.timezone)
            self.quota_info.setText(self.tr(
                "Last sync: {used} used as of {when}; messages sent since are added.")
                .format(used=f"{quota.used:,}", when=when))

    def collect(self) -> LimitSettings:
        days = tuple(code for code, box in self.day_checks.items() if box.isChecked())
        return LimitSettings(hourly=self.hourly.value(), monthly=self.monthly.value(),
                             timezone=self.timezone.currentText().strip(),
                             start=self.start.text().strip(), end=self.end.text().strip(),
                             days=days)

    def quota_used(self) -> int | None:
        value = self.quota_used_spin.value()
        return None if value < 0 else value
