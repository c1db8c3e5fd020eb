"""The SMTP account page of the settings dialog (the limits page is ``settings_pages.py``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from mailer_gui.core.config import presets
from mailer_gui.core.config.autoconfig import Discovery
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.config.trust import describe as describe_ca
from mailer_gui.core.config.trust import read_ca_file
from mailer_gui.core.errors import SettingsError
from mailer_gui.ui import messages
from mailer_gui.ui.editor.field_validation import FieldMarks

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class SmtpPage(QWidget):
    """Host, port, security, login and sender; ``collect()`` returns SmtpSettings.

    A provider preset fills host, port, security and the sign-in method here
    and, through ``preset_chosen``, the limits on the limits page; every field
    stays editable afterwards."""

    preset_chosen = Signal(object)  # the core's presets.Preset

    signinChanged = Signal(str)
    accountChanged = Signal()  # the address that signs in may have changed

    def __init__(self, marks: FieldMarks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = marks
        self._timeout = 30.0
        self._build_preset()
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.port.setMaximumWidth(120)
        self.security = QComboBox()
        for code, label in (
            ("starttls", self.tr("STARTTLS (usually port 587)")),
            ("tls", self.tr("TLS (usually port 465)")),
            ("none", self.tr("None: plain text (local servers only)")),
        ):
            self.security.addItem(label, code)
        self.security.currentIndexChanged.connect(self._on_security_changed)
        self._security_code = "starttls"
        self._ca_file = ""
        self._ca_pem = ""
        self._build_account_fields()
        self._build_ca_fields()
        self._layout()

    def _build_preset(self) -> None:
        self.preset = QComboBox()
        self.preset.addItem(self.tr("Choose your provider to fill the fields…"), "")
        for p in presets.load():
            self.preset.addItem(p.name, p.id)
        self.preset.activated.connect(self._on_preset)
        self.preset_info = QLabel()
        self.preset_info.setObjectName("presetInfo")
        self.preset_info.setWordWrap(True)
        self.preset_info.setOpenExternalLinks(True)
        self.preset_info.setStyleSheet("color: #666;")
        self.preset_info.hide()

    def _on_preset(self) -> None:
        pid = str(self.preset.currentData() or "")
        if pid:
            self.apply_preset(presets.get(pid))

    def apply_preset(self, p: presets.Preset) -> None:
        """Fill the server fields from ``p`` and tell the dialog (the limits)."""
        self.security.setCurrentIndex(max(0, self.security.findData(p.security)))
        self.port.setValue(p.port)
        self.host.setText(p.host)
        self.signin.setCurrentIndex(max(0, self.signin.findData(p.signin)))
        self.preset.setCurrentIndex(max(0, self.preset.findData(p.id)))
        self.preset_info.setText(
            self.tr(
                "Filled from the {name} preset; the limits as documented at "
                '<a href="{url}">{site}</a> (written down {checked}). Check them for your plan.'
            ).format(
                name=_html(p.name),
                url=_html(p.source),
                site=_html(urlsplit(p.source).netloc),
                checked=p.checked,
            )
        )
        self.preset_info.show()
        self.preset_chosen.emit(p)

    def _build_account_fields(self) -> None:
        self._signin_panel: QWidget | None = None
        self.signin = QComboBox()
        for code, label in (
            ("password", self.tr("Password")),
            ("microsoft", self.tr("Microsoft (Outlook.com, Microsoft 365)")),
            ("google", self.tr("Google (Gmail, Google Workspace)")),
        ):
            self.signin.addItem(label, code)
        self.signin.currentIndexChanged.connect(self._on_signin_changed)
        self.user = QLineEdit()
        self.user.editingFinished.connect(self.accountChanged)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_addr = QLineEdit()
        self.from_addr.setPlaceholderText("news@example.com")
        self.from_addr.editingFinished.connect(self.accountChanged)
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
        self.ca_choose.setToolTip(
            self.tr("Trust your company's own CA (or the server's certificate): a PEM file")
        )
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
            self,
            self.tr("Choose the CA file"),
            "",
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
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
            lines.append(
                self.tr("Trusted: {subject}<br>SHA-256: <tt>{fingerprint}</tt>").format(
                    subject=_html(cert.subject or self.tr("(no subject)")), fingerprint=fp
                )
            )
        lines.append(self.tr("The server's name is still checked against its certificate."))
        self.ca_info.setText("<br>".join(lines))
        self.ca_info.show()

    def ca_fingerprints(self) -> list[str]:
        return [c.sha256 for c in describe_ca(self._ca_pem)] if self._ca_pem else []

    def _layout(self) -> None:
        m = self.marks
        server = QGroupBox(self.tr("Account"))
        f1 = QFormLayout(server)
        f1.addRow(self.tr("Provider"), self.preset)
        f1.addRow(self.preset_info)
        f1.addRow(self.tr("SMTP server"), m.wrap("host", self.host))
        f1.addRow(self.tr("Port"), m.wrap("port", self.port))
        f1.addRow(self.tr("Security"), m.wrap("security", self.security))
        f1.addRow(self.tr("Sign in with"), m.wrap("signin", self.signin))
        f1.addRow(self.tr("User name"), m.wrap("user", self.user))
        self._password_field = m.wrap("password", self.password)
        f1.addRow(self.tr("Password"), self._password_field)
        self.account_form = f1
        f1.addRow(self.tr("CA file"), m.wrap("ca_file", self.ca_box))
        f1.addRow("", self.ca_info)
        sender = QGroupBox(self.tr("Sender"))
        f2 = QFormLayout(sender)
        f2.addRow(self.tr("From address"), m.wrap("from_addr", self.from_addr))
        self.sender_form = f2
        f2.addRow(self.tr("From name"), m.wrap("from_name", self.from_name))
        f2.addRow(self.tr("Reply-to"), m.wrap("reply_to", self.reply_to))
        f2.addRow(self.tr("Unsubscribe page"), m.wrap("unsubscribe_url", self.unsubscribe_url))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(server)
        lay.addWidget(sender)

    def add_signin_panel(self, panel: QWidget) -> None:
        """The sign-in state and buttons, under the password's row (shown instead)."""
        row = self.account_form.getWidgetPosition(self._password_field)[0] + 1
        self.account_form.insertRow(row, "", panel)
        self._signin_panel = panel
        self._on_signin_changed()

    def add_discover_panel(self, panel: QWidget) -> None:
        """ "Find settings", under the sender address."""
        self.sender_form.insertRow(1, "", panel)

    def _on_signin_changed(self) -> None:
        code = str(self.signin.currentData())
        self.account_form.setRowVisible(self._password_field, code == "password")
        if self._signin_panel is not None:
            self.account_form.setRowVisible(self._signin_panel, code != "password")
        self.user.setPlaceholderText(
            "" if code == "password" else self.tr("optional: the sender address signs in")
        )
        self.signinChanged.emit(code)

    def login(self) -> str:
        """The address that signs in with Microsoft or Google, as entered."""
        return self.user.text().strip() or self.from_addr.text().strip()

    def apply_discovery(self, found: Discovery | None) -> None:
        """Fill in the server, port, security, user name and sign-in found."""
        if found is None:
            return
        s = found.smtp
        self.host.setText(s.hostname)
        self.security.setCurrentIndex(max(0, self.security.findData(s.security)))
        self.port.setValue(s.port)
        self.user.setText(s.username)
        self.signin.setCurrentIndex(max(0, self.signin.findData(s.signin)))
        self.accountChanged.emit()

    def _on_security_changed(self) -> None:
        """Follow the usual port for the mode, unless the user chose another one."""
        new = str(self.security.currentData())
        if self.port.value() == DEFAULT_PORTS.get(self._security_code):
            self.port.setValue(DEFAULT_PORTS[new])
        self._security_code = new

    def set_has_password(self, has: bool) -> None:
        self.password.setPlaceholderText(self.tr("saved; leave empty to keep it") if has else "")

    def fill(self, smtp: SmtpSettings | None, has_password: bool) -> None:
        self.set_has_password(has_password)
        if smtp is None:
            return
        self._timeout = smtp.timeout
        self.security.setCurrentIndex(max(0, self.security.findData(smtp.security)))
        self.signin.setCurrentIndex(max(0, self.signin.findData(smtp.signin)))
        self.port.setValue(smtp.port)
        for name in ("host", "user", "from_addr", "from_name", "reply_to", "unsubscribe_url"):
            getattr(self, name).setText(getattr(smtp, name))
        self.set_ca(smtp.ca_file or None, smtp.ca_pem)

    def collect(self, loaded: SmtpSettings | None) -> SmtpSettings | None:
        """The settings as entered; None when the account is left blank (not set up)."""
        texts = {
            n: getattr(self, n).text().strip()
            for n in ("host", "user", "from_addr", "from_name", "reply_to", "unsubscribe_url")
        }
        if loaded is None and not (texts["host"] or texts["user"] or texts["from_addr"]):
            return None
        return SmtpSettings(
            port=self.port.value(),
            security=str(self.security.currentData()),
            timeout=self._timeout,
            ca_file=self._ca_file,
            ca_pem=self._ca_pem,
            signin=str(self.signin.currentData()),
            **texts,
        )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
