"""Settings → CA file: a company's own CA, chosen in the dialog, shown by its
fingerprint, stored with the settings and used by Test connection."""

from __future__ import annotations

import hashlib
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from mailer_gui.core.config import settings
from mailer_gui.ui.dialogs.settings import SettingsDialog
from mailer_gui.ui.i18n_build import compile_translations

from ..smtp_server import TestSmtpServer

SHOTS = Path(os.environ.get("MAILER_SHOTS", "/tmp/shots"))


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="Example Corp")


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "corp-root.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[TestSmtpServer]:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    server = TestSmtpServer(tls_context=ctx, implicit_tls=True).start()
    yield server
    server.stop()


def _fingerprint(ca: trustme.CA) -> str:
    der = ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _dialog(qtbot, ctx, qsettings, port: int) -> SettingsDialog:
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    page = dlg.smtp_page
    page.security.setCurrentIndex(page.security.findData("tls"))
    page.host.setText("127.0.0.1")
    page.port.setValue(port)
    page.from_addr.setText("news@example.com")
    return dlg


def _saved(ctx) -> settings.SmtpSettings | None:
    with ctx.db.read() as s:
        return settings.load(s).smtp


def _shown_fingerprint(dlg: SettingsDialog) -> str:
    return dlg.smtp_page.ca_info.text().replace("<br>", "")


def test_ca_file_shows_its_fingerprint_is_saved_and_lets_test_connection_verify(
    qtbot, ctx, qsettings, ca, ca_file, tls_server
):
    dlg = _dialog(qtbot, ctx, qsettings, tls_server.port)
    dlg.show()
    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert "isn't signed by a trusted CA" in dlg.test_result.text()
    assert "Settings → CA file" in dlg.test_result.text()

    assert dlg.smtp_page.load_ca_file(str(ca_file))
    assert dlg.smtp_page.ca_info.isVisible()
    assert _fingerprint(ca) in _shown_fingerprint(dlg)
    assert "Example Corp" in dlg.smtp_page.ca_info.text()
    assert dlg.smtp_page.ca_path.text() == str(ca_file)
    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert "Connected" in dlg.test_result.text(), dlg.test_result.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dlg.grab().save(str(SHOTS / "settings-ca-en.png"))

    assert dlg.save()
    smtp = _saved(ctx)
    assert smtp is not None and smtp.ca_file == str(ca_file) and smtp.ca_pem
    again = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(again)
    assert _fingerprint(ca) in _shown_fingerprint(again)
    again.smtp_page.ca_remove.click()
    assert again.save()
    smtp = _saved(ctx)
    assert smtp is not None and (smtp.ca_file, smtp.ca_pem) == ("", "")


def test_a_bad_ca_file_is_marked_naming_it_and_changes_nothing(
    qtbot, ctx, qsettings, ca, ca_file, tmp_path
):
    dlg = _dialog(qtbot, ctx, qsettings, 465)
    assert dlg.smtp_page.load_ca_file(str(ca_file))
    bad = tmp_path / "notes.pem"
    bad.write_text("this is not a certificate\n", encoding="utf-8")
    assert not dlg.smtp_page.load_ca_file(str(bad))
    assert dlg.marks.is_marked("ca_file")
    assert str(bad) in dlg.marks.message("ca_file")
    assert dlg.smtp_page.ca_path.text() == str(ca_file)  # the good one stays
    assert _fingerprint(ca) in _shown_fingerprint(dlg)


def test_ca_file_row_in_russian(qtbot, ctx, qsettings, ca_file, tmp_path_factory):
    (qm,) = [
        p for p in compile_translations(tmp_path_factory.mktemp("qm")) if p.stem.endswith("_ru")
    ]
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    try:
        dlg = _dialog(qtbot, ctx, qsettings, 465)
        dlg.show()
        assert dlg.smtp_page.load_ca_file(str(ca_file))
        assert dlg.smtp_page.ca_choose.text() == "Выбрать…"
        assert "Доверенный" in dlg.smtp_page.ca_info.text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        dlg.grab().save(str(SHOTS / "settings-ca-ru.png"))
    finally:
        QCoreApplication.removeTranslator(tr)
