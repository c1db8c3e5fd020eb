"""Settings: "Sign in with Microsoft/Google" (browser and code), the grant's
state, "Sign out", and "Find settings" from the address, against the token
endpoint and the XOAUTH2 SMTP server of the core tests."""

# ruff: noqa: F811 - the fixtures of test_oauth are imported by name

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from mailer_gui.core.codes import Reason
from mailer_gui.core.config import autoconfig, oauth
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.store.models import QueueEntry
from mailer_gui.ui.dialogs.settings import SettingsDialog
from mailer_gui.ui.i18n_build import compile_translations

from ..conftest import drain, make_campaign
from ..test_autoconfig import MICROSOFT_XML, AutoconfigServer
from ..test_oauth import (  # noqa: F401
    USER,
    browser,
    ca,
    configure_signin,
    endpoints,
    token_server,
    xoauth_smtp,
)

SHOTS = Path(os.environ.get("MAILER_SHOTS", "/tmp/shots"))


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


def _dialog(qtbot, ctx, qsettings) -> SettingsDialog:
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_sign_in_with_a_code_then_test_connection_and_sign_out(
    qtbot, ctx, qsettings, token_server, xoauth_smtp, memory_keyring
):
    configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
    dlg = _dialog(qtbot, ctx, qsettings)
    page, panel = dlg.smtp_page, dlg.signin_panel
    assert page.signin.currentData() == "microsoft"
    assert panel.isVisible() and not page.password.isVisible()
    assert panel.sign_in_button.text() == "Sign in with Microsoft"
    assert "not signed in" in panel.state_label.text()
    assert not panel.sign_out_button.isEnabled()

    panel.code_button.click()
    qtbot.waitUntil(lambda: "enter the code" in panel.state_label.text(), timeout=10_000)
    code = panel._pending_code
    assert code is not None and code.user_code in panel.state_label.text()
    assert code.url in panel.state_label.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dlg.grab().save(str(SHOTS / "settings-signin-code-en.png"))
    requests.get(code.url, params={"user_code": code.user_code}, timeout=5)  # the operator
    qtbot.waitUntil(lambda: "Signed in as" in panel.state_label.text(), timeout=15_000)
    assert USER in panel.state_label.text() and panel.sign_out_button.isEnabled()
    # 07:00 UTC on the simulated clock, shown in the settings' zone (Moscow).
    assert "(since 2026-11-25 10:00" in panel.state_label.text()
    assert ("mailer-gui", f"oauth:microsoft:{USER}") in memory_keyring.store
    dlg.grab().save(str(SHOTS / "settings-signin-en.png"))

    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert "Connected" in dlg.test_result.text(), dlg.test_result.text()
    assert xoauth_smtp.handler.logins == [USER]

    panel.sign_out_button.click()
    assert ("mailer-gui", f"oauth:microsoft:{USER}") not in memory_keyring.store
    assert "not signed in" in panel.state_label.text()


def test_sign_in_in_the_browser_releases_a_queue_held_for_sign_in(
    qtbot, ctx, clock, qsettings, token_server, xoauth_smtp, browser
):
    configure_signin(ctx, xoauth_smtp, "google", token_server)
    make_campaign(ctx, 1)
    drain(ctx)  # not signed in: held
    with ctx.db.read() as s:
        assert s.query(QueueEntry).one().reason_code == Reason.SMTP_AUTH_FAILED
    dlg = _dialog(qtbot, ctx, qsettings)
    panel = dlg.signin_panel
    panel.sign_in_button.click()
    qtbot.waitUntil(lambda: "Signed in as" in panel.state_label.text(), timeout=15_000)
    assert browser.opened and browser.opened[0].startswith(token_server.base)
    with ctx.db.read() as s:
        assert s.query(QueueEntry).one().reason_code is None  # released
    drain(ctx)
    assert len(xoauth_smtp.wait_for(1)) == 1


def test_revoked_grant_is_shown_as_sign_in_again(
    qtbot, ctx, clock, qsettings, token_server, xoauth_smtp
):
    configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
    client, code = ctx.oauth.start_device_sign_in("microsoft")
    token_server.approve(code.user_code)
    ctx.oauth.finish_device_sign_in("microsoft", USER, client, code)
    token_server.revoke_all()
    clock.advance(7200)
    with pytest.raises(oauth.GrantError):
        ctx.oauth.access_token("microsoft", USER)
    dlg = _dialog(qtbot, ctx, qsettings)
    text = dlg.signin_panel.state_label.text()
    assert "expired or was revoked" in text and "sign in again" in text


def test_password_mode_hides_the_sign_in_and_needs_no_password_when_signed_in(
    qtbot, ctx, qsettings, token_server, xoauth_smtp
):
    dlg = _dialog(qtbot, ctx, qsettings)
    page = dlg.smtp_page
    assert page.password.isVisible() and not dlg.signin_panel.isVisible()
    page.signin.setCurrentIndex(page.signin.findData("google"))
    assert not page.password.isVisible() and dlg.signin_panel.isVisible()
    assert dlg.signin_panel.sign_in_button.text() == "Sign in with Google"
    page.host.setText("127.0.0.1")
    page.port.setValue(xoauth_smtp.port)
    page.security.setCurrentIndex(page.security.findData("none"))
    page.user.setText(USER)
    page.from_addr.setText(USER)
    assert dlg.save()  # no password asked for
    with ctx.db.read() as s:
        saved = settings_mod.load(s).smtp
    assert saved is not None and saved.signin == "google"


def test_find_settings_then_use_them(qtbot, ctx, qsettings, monkeypatch):
    web = AutoconfigServer()
    try:
        web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 0.0)
        urls = web.urls()
        monkeypatch.setattr(autoconfig, "DOMAIN_URLS", urls["domain_urls"])
        monkeypatch.setattr(autoconfig, "ISPDB_URL", urls["ispdb_url"])
        dlg = _dialog(qtbot, ctx, qsettings)
        page, found = dlg.smtp_page, dlg.discover_panel
        page.from_addr.setText("owner@example.com")
        page.from_addr.editingFinished.emit()  # a new account: looked up at once
        qtbot.waitUntil(lambda: found.use_button.isVisible(), timeout=10_000)
        assert "smtp.office365.com:587" in found.result.text()
        dlg.grab().save(str(SHOTS / "settings-discover-en.png"))
        found.use_button.click()
        assert page.host.text() == "smtp.office365.com" and page.port.value() == 587
        assert page.security.currentData() == "starttls"
        assert page.signin.currentData() == "microsoft" and dlg.signin_panel.isVisible()
        page.from_addr.setText("nobody@example.net")
        found.find_button.click()
        qtbot.waitUntil(lambda: found.find_button.isEnabled(), timeout=10_000)
        assert "Nothing found" in found.result.text() and not found.use_button.isVisible()
    finally:
        web.httpd.shutdown()
        web.httpd.server_close()


def test_sign_in_rows_in_russian(
    qtbot, ctx, qsettings, token_server, xoauth_smtp, tmp_path_factory
):
    (qm,) = [
        p for p in compile_translations(tmp_path_factory.mktemp("qm")) if p.stem.endswith("_ru")
    ]
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    try:
        configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
        dlg = _dialog(qtbot, ctx, qsettings)
        panel = dlg.signin_panel
        assert panel.sign_in_button.text() == "Войти через Microsoft"
        assert panel.sign_out_button.text() == "Выйти"
        SHOTS.mkdir(parents=True, exist_ok=True)
        dlg.grab().save(str(SHOTS / "settings-signin-ru.png"))
    finally:
        QCoreApplication.removeTranslator(tr)


def test_first_run_address_is_looked_up_when_settings_open(qtbot, ctx, qsettings, monkeypatch):
    from mailer_gui.ui.window.welcome import WelcomePage

    welcome = WelcomePage()
    qtbot.addWidget(welcome)
    assert welcome.address.placeholderText().startswith("Your sender address")
    web = AutoconfigServer()
    try:
        web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 0.0)
        urls = web.urls()
        monkeypatch.setattr(autoconfig, "DOMAIN_URLS", urls["domain_urls"])
        monkeypatch.setattr(autoconfig, "ISPDB_URL", urls["ispdb_url"])
        dlg = SettingsDialog(ctx, qsettings=qsettings, address="owner@example.com")
        qtbot.addWidget(dlg)
        assert dlg.smtp_page.from_addr.text() == "owner@example.com"
        qtbot.waitUntil(lambda: dlg.discover_panel.use_button.isVisibleTo(dlg), timeout=10_000)
        assert "sign in with Microsoft" in dlg.discover_panel.result.text()
    finally:
        web.httpd.shutdown()
        web.httpd.server_close()


def test_sign_in_apps_dialog_stores_the_client_ids(qtbot, ctx):
    from mailer_gui.ui.dialogs.signin_panel import AppsDialog

    dlg = AppsDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.edits["microsoft_authority"].text() == "https://login.microsoftonline.com/common"
    dlg.edits["microsoft_client_id"].setText(" 11111111-2222-3333-4444-555555555555 ")
    dlg.edits["microsoft_authority"].setText("http://login.example.com/tenant")
    assert not dlg.save()
    assert "https://" in dlg.error.text()
    with ctx.db.read() as s:
        assert oauth.load_settings(s).microsoft_client_id == ""  # nothing saved
    dlg.edits["microsoft_authority"].setText("https://login.microsoftonline.com/contoso.com")
    assert dlg.save()
    with ctx.db.read() as s:
        saved = oauth.load_settings(s)
    assert saved.microsoft_client_id == "11111111-2222-3333-4444-555555555555"
    assert saved.microsoft_authority == "https://login.microsoftonline.com/contoso.com"
    dlg.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dlg.grab().save(str(SHOTS / "settings-signin-apps-en.png"))
