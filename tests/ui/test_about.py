"""About: version, folders with "Open folder", and diagnostics with no password."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

import mailer_gui
from mailer_gui import logsetup
from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SERVICE
from mailer_gui.core.context import AppContext, default_log_dir
from mailer_gui.ui.window.about import AboutDialog, diagnostics_text

PASSWORD = "Pa55-w0rd-ZZtop"
ENV_PASSWORD = "Env-Pa55-QQ"


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def catcher():
    """Catch file:// URLs instead of starting a file manager."""
    c = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", c, "handle")
    yield c
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def logged(ctx: AppContext):
    path = logsetup.setup_logging(default_log_dir(ctx.data_dir))
    yield path
    root = logging.getLogger()
    if logsetup._handler is not None:  # noqa: SLF001
        root.removeHandler(logsetup._handler)  # noqa: SLF001
        logsetup._handler.close()  # noqa: SLF001
        logsetup._handler = None  # noqa: SLF001


def _configure_with_password(ctx: AppContext, memory_keyring) -> None:
    smtp = settings.SmtpSettings(
        host="smtp.example.com",
        port=587,
        security="starttls",
        from_addr="news@example.com",
        user="bob",
    )
    with ctx.db.write() as s:
        settings.save_smtp(s, smtp)
    ctx.secrets.set_password(smtp.keyring_account, PASSWORD)
    assert memory_keyring.store[(SERVICE, smtp.keyring_account)] == PASSWORD


def test_shows_version_and_folders(qtbot, ctx: AppContext, logged: Path, catcher) -> None:
    d = AboutDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    assert mailer_gui.__version__ in d.version_label.text()
    assert d.folders["data"] == ctx.data_dir
    assert d.folders["log"] == logged.parent
    assert d.folders["config"].name == "mailer-gui"
    for key in ("data", "config", "log"):
        label = d.findChild(type(d.version_label), f"{key}Path")
        assert label is not None and label.text() == str(d.folders[key])


def test_open_folder_opens_the_folder_url(
    qtbot, ctx: AppContext, logged: Path, catcher, tmp_path: Path, monkeypatch
) -> None:
    d = AboutDialog(ctx)
    qtbot.addWidget(d)
    d.folders["config"] = tmp_path / "cfg"  # not the real user config folder
    d.open_buttons["data"].click()
    d.open_buttons["log"].click()
    d.open_buttons["config"].click()
    assert [u.toLocalFile() for u in catcher.urls] == [
        str(ctx.data_dir),
        str(logged.parent),
        str(tmp_path / "cfg"),
    ]
    assert (tmp_path / "cfg").is_dir()


def test_diagnostics_never_contain_the_password(
    qtbot, ctx: AppContext, logged: Path, memory_keyring, monkeypatch
) -> None:
    monkeypatch.setenv("MAILER_GUI_SMTP_PASSWORD", ENV_PASSWORD)
    _configure_with_password(ctx, memory_keyring)
    log = logging.getLogger("mailer_gui.test")
    log.info("connected to smtp.example.com")
    # Worst cases: code that logs the password itself, in several shapes.
    log.warning("login bob password=%s", PASSWORD)
    log.warning("retrying with %s", PASSWORD)
    log.warning("env says %s", ENV_PASSWORD)
    d = AboutDialog(ctx)
    qtbot.addWidget(d)
    d.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text == diagnostics_text(ctx)
    assert PASSWORD not in text and ENV_PASSWORD not in text
    assert "connected to smtp.example.com" in text  # the log lines are there
    assert "smtp.example.com" in text and "'user': 'bob'" in text  # the settings too
    assert "Keychain available: yes" in text
    assert "MAILER_GUI_SMTP_PASSWORD set: yes" in text
    assert f"Qt {__import__('PySide6').QtCore.qVersion()}" in text
    assert "SQLAlchemy" in text and "Python" in text and str(ctx.data_dir) in text
    assert "Copied" in d.copied_label.text()


def test_diagnostics_keep_only_the_last_50_log_lines(ctx: AppContext, logged: Path) -> None:
    for i in range(80):
        logging.getLogger("mailer_gui.test").info("line number %03d", i)
    text = diagnostics_text(ctx)
    assert "line number 079" in text and "line number 030" in text
    assert "line number 029" not in text


@pytest.mark.backends
def test_about_and_diagnostics_name_the_database(qtbot, ctx):
    """Which database the window is on: the SQLite file, or PostgreSQL's
    user@host:port/db in team mode (never a password)."""
    dialog = AboutDialog(ctx)
    qtbot.addWidget(dialog)
    shown = dialog.database_label.text()
    assert ctx.db.where in shown
    assert shown.startswith("PostgreSQL " if ctx.db.is_postgresql else "SQLite file ")
    assert f"Database: {ctx.db.backend} {ctx.db.where}" in diagnostics_text(ctx)
