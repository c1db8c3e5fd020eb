"""Help > About: the version, the app's folders, and diagnostics for support.

"Copy diagnostics" puts versions, paths, the settings (there is no password
among them), whether a keychain exists and the last 50 log lines on the
clipboard. As a last guard, every password the app can reach (the stored
one, the session one and ``MAILER_GUI_SMTP_PASSWORD``) is masked in the text
before it leaves the dialog.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import mailer_gui
from mailer_gui import logsetup
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.secrets import ENV_PASSWORD
from mailer_gui.core.context import AppContext, default_data_dir, default_log_dir
from mailer_gui.ui.icons import ICON_NAME, app_icon, icon_dirs  # noqa: F401 (re-exported)

APP_NAME = "Mailer"
LOG_LINES = 50


def app_version() -> str:
    try:
        return metadata.version("mailer-gui")
    except metadata.PackageNotFoundError:  # a bundle without dist-info
        return mailer_gui.__version__


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("mailer-gui", appauthor=False))


def log_dir(ctx: AppContext) -> Path:
    """The folder the log file is in (the one set up in this process, if any)."""
    current = logsetup.current_log_file()
    if current is not None:
        return current.parent
    same_as_default = ctx.data_dir.resolve() == default_data_dir().resolve()
    return default_log_dir(None if same_as_default else ctx.data_dir)


def _version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _known_passwords(ctx: AppContext, account: str | None) -> list[str]:
    found = [os.environ.get(ENV_PASSWORD, "")]
    if account:
        try:
            found.append(ctx.secrets.get_password(account) or "")
        except Exception:  # a broken keychain must not stop the diagnostics
            pass
    return [p for p in found if p]


def diagnostics_text(ctx: AppContext) -> str:
    """Plain text for a support request; never contains a password."""
    with ctx.db.read() as s:
        st = settings_mod.load(s)
    smtp = asdict(st.smtp) if st.smtp else None
    import keyring
    import PySide6

    from mailer_gui.core.store.db import sqlalchemy_version

    lines = [
        f"{APP_NAME} {app_version()}",
        f"Python {sys.version.split()[0]} ({platform.python_implementation()}), "
        f"frozen: {bool(getattr(sys, 'frozen', False))}",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}, SQLAlchemy {sqlalchemy_version()}",
        f"aiosmtpd {_version_of('aiosmtpd')}, keyring {_version_of('keyring')}, "
        f"platformdirs {_version_of('platformdirs')}",
        f"OS: {platform.platform()}",
        f"Qt platform: {QGuiApplication.platformName()}",
        "",
        f"Data folder: {ctx.data_dir}",
        f"Database: {ctx.db.backend} {ctx.db.where}",
        f"Config folder: {config_dir()}",
        f"Log folder: {log_dir(ctx)}",
        "",
        f"Keychain available: {'yes' if ctx.secrets.keychain_available() else 'no'}"
        + (
            f" ({type(keyring.get_keyring()).__name__})" if ctx.secrets.keychain_available() else ""
        ),
        f"{ENV_PASSWORD} set: {'yes' if os.environ.get(ENV_PASSWORD) else 'no'}",
        f"SMTP settings: {smtp if smtp else 'not configured'}",
        f"Limits: {asdict(st.limits)}",
        f"Provider quota sync: {st.quota.used if st.quota else 'never'}"
        + (f" at {st.quota.synced_at.isoformat()}" if st.quota else ""),
        "",
        f"Last {LOG_LINES} log lines:",
    ]
    log_file = logsetup.current_log_file() or log_dir(ctx) / logsetup.LOG_FILENAME
    lines += logsetup.tail(log_file, LOG_LINES) or ["(no log yet)"]
    text = logsetup.redact("\n".join(lines))
    account = st.smtp.keyring_account if st.smtp else None
    for secret in _known_passwords(ctx, account):
        text = text.replace(secret, logsetup.MASK)
    return text + "\n"


class AboutDialog(QDialog):
    """Version, folders with "Open folder", and "Copy diagnostics"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("AboutDialog")
        self.setWindowTitle(self.tr("About Mailer"))
        self.folders = {"data": ctx.data_dir, "config": config_dir(), "log": log_dir(ctx)}
        self.open_buttons: dict[str, QPushButton] = {}
        self.opened: list[Path] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_folders())
        layout.addWidget(self._build_buttons())
        self.setMinimumWidth(560)

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(64, 64))
        row.addWidget(icon)
        text = QLabel(self)
        text.setObjectName("aboutText")
        text.setWordWrap(True)
        text.setText(
            f"<h2>{APP_NAME}</h2>"
            + self.tr(
                "<p>Version {version}</p><p>Email campaigns from your laptop, "
                "through your own SMTP account, within your provider's limits.</p>"
            ).replace("{version}", app_version())
        )
        self.version_label = text
        row.addWidget(text, 1)
        return row

    def _build_folders(self) -> QGridLayout:
        grid = QGridLayout()
        titles = {
            "data": self.tr("Data folder"),
            "config": self.tr("Settings folder"),
            "log": self.tr("Log folder"),
        }
        for row, (key, path) in enumerate(self.folders.items()):
            grid.addWidget(QLabel(f"<b>{titles[key]}</b>", self), row, 0)
            path_label = QLabel(str(path), self)
            path_label.setObjectName(f"{key}Path")
            path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(path_label, row, 1)
            button = QPushButton(self.tr("Open folder"), self)
            button.setObjectName(f"open_{key}")
            button.clicked.connect(lambda _checked=False, k=key: self.open_folder(k))
            self.open_buttons[key] = button
            grid.addWidget(button, row, 2)
        row = len(self.folders)
        title = self.tr("Database")
        grid.addWidget(QLabel(f"<b>{title}</b>", self), row, 0)
        db = self.ctx.db
        where = (
            self.tr("PostgreSQL {where} (team mode)")
            if db.is_postgresql
            else self.tr("SQLite file {where}")
        ).replace("{where}", db.where)
        self.database_label = QLabel(where, self)
        self.database_label.setObjectName("databaseWhere")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.database_label, row, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        return grid

    def _build_buttons(self) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 8, 0, 0)
        self.copy_button = QPushButton(self.tr("Copy diagnostics"), box)
        self.copy_button.setToolTip(
            self.tr(
                "Versions, folders, settings (never the password) and the last log lines, "
                "for a support request"
            )
        )
        self.copy_button.clicked.connect(self.copy_diagnostics)
        row.addWidget(self.copy_button)
        self.copied_label = QLabel(box)
        row.addWidget(self.copied_label, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, box)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        return box

    def open_folder(self, key: str) -> bool:
        path = self.folders[key]
        path.mkdir(parents=True, exist_ok=True)
        self.opened.append(path)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def copy_diagnostics(self) -> str:
        text = diagnostics_text(self.ctx)
        QGuiApplication.clipboard().setText(text)
        self.copied_label.setText(self.tr("Copied to the clipboard."))
        return text
