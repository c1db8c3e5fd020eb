"""Settings dialog: validation at the field, Test connection against a real
server with AUTH, and the no-keychain path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QDate, QSettings

from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SERVICE
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import QueueEntry
from mailer_gui.ui.dialogs.settings import LANGUAGE_KEY, SettingsDialog

from ..smtp_server import TestSmtpServer


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def auth_server() -> Iterator[TestSmtpServer]:
    server = TestSmtpServer(user="u", password="p").start()
    yield server
    server.stop()


def _dialog(qtbot, ctx, qsettings) -> SettingsDialog:
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    return dlg


def _fill_account(dlg: SettingsDialog, port: int, password: str = "p") -> None:
    page = dlg.smtp_page
    page.security.setCurrentIndex(page.security.findData("none"))
    page.host.setText("127.0.0.1")
    page.port.setValue(port)
    page.user.setText("u")
    page.password.setText(password)
    page.from_addr.setText("news@example.com")
    page.from_name.setText("Example News")


def _saved(ctx) -> settings.AppSettings:
    with ctx.db.read() as s:
        return settings.load(s)


def test_invalid_values_are_marked_and_nothing_is_saved(qtbot, ctx, qsettings):
    dlg = _dialog(qtbot, ctx, qsettings)
    _fill_account(dlg, 2525)
    dlg.smtp_page.from_addr.setText("not an address")
    dlg.limits_page.hourly.setValue(0)
    dlg.limits_page.set_windows(2, "09:00-08:61")  # Wednesday: not a time
    assert dlg.save() is False
    assert dlg.marks.is_marked("from_addr")
    assert "sender address" in dlg.marks.message("from_addr")
    assert dlg.marks.is_marked("hourly")
    assert "per hour" in dlg.marks.message("hourly")
    assert "#c62828" in dlg.smtp_page.from_addr.styleSheet()
    assert not dlg.marks.is_marked("host")
    stored = _saved(ctx)
    assert stored.smtp is None and stored.limits == settings.LimitSettings()
    assert ctx.secrets.get_password("u@127.0.0.1:2525") is None  # nothing stored either

    dlg.smtp_page.from_addr.setText("news@example.com")
    dlg.limits_page.hourly.setValue(50)
    assert dlg.save() is False  # Wednesday's window is still not a time
    assert dlg.marks.marked() == ["windows"]
    assert dlg.marks.message("windows").startswith("Wed: “09:00-08:61” is not a list")
    for day in range(6):
        dlg.limits_page.set_windows(day, "09:00–24:00")
    assert dlg.save() is True
    assert dlg.marks.marked() == []
    stored = _saved(ctx)
    assert stored.smtp is not None and stored.smtp.from_addr == "news@example.com"
    assert stored.limits.hourly == 50 and stored.limits.end == "24:00"
    assert "sat" in stored.limits.days
    assert stored.limits.windows == ()  # one window on some days: the one-window form


def test_the_calendar_editor_checks_each_cell_and_saves_windows_days_off_holidays(
    qtbot, ctx, qsettings
):
    dlg = _dialog(qtbot, ctx, qsettings)
    page = dlg.limits_page
    assert [page.windows_text(d) for d in range(7)] == ["09:00–18:00"] * 5 + ["", ""]
    page.set_windows(0, "09:00–13:00, 14:00-18:00")
    page.set_windows(5, "22:00–02:00")
    page.set_windows(6, "10:00-10:00")  # same start and end
    assert page.windows_table.item(6, 0).toolTip().startswith("Sun: “10:00-10:00” is not")
    assert page.windows_table.item(6, 0).background().color().name() == "#fde0e0"
    assert page.windows_table.item(0, 0).toolTip() == ""
    assert dlg.save() is False and dlg.marks.marked() == ["windows"]
    assert _saved(ctx).limits == settings.LimitSettings()  # nothing saved
    page.set_windows(6, "")
    page.day_off_date.setDate(QDate(2027, 1, 11))
    page.add_day_off.click()
    page.day_off_date.setDate(QDate(2027, 1, 9))
    page.add_day_off.click()
    page.add_day_off.click()  # twice: kept once
    page.holiday_country.setCurrentIndex(page.holiday_country.findData("DE"))
    page.holiday_subdiv.setCurrentIndex(page.holiday_subdiv.findData("BY"))
    assert dlg.save() is True
    lim = _saved(ctx).limits
    assert lim.windows == ("09:00-13:00,14:00-18:00",) + ("09:00-18:00",) * 4 + ("22:00-02:00", "")
    assert (lim.days_off, lim.holidays) == (("2027-01-09", "2027-01-11"), "DE-BY")
    again = _dialog(qtbot, ctx, qsettings)
    assert again.limits_page.windows_text(0) == "09:00–13:00, 14:00–18:00"
    assert again.limits_page.days_off() == ("2027-01-09", "2027-01-11")
    assert again.limits_page.holiday_subdiv.currentData() == "BY"
    # every weekday empty: no sending time, said at the table
    for day in range(7):
        again.limits_page.set_windows(day, "")
    assert again.save() is False
    assert "no sending time" in again.marks.message("windows")


def test_save_stores_password_in_keychain_and_releases_operator_holds(
    qtbot, ctx, qsettings, memory_keyring
):
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c = campaigns.create(s, "Promo", "Hi", "<p>Hi</p>", None, now)
        campaigns.add_recipients(s, c.id, [(2, "a@example.org", {})])
        entry = queue.enqueue(s, c.id, now)
        queue.defer(s, entry, "smtp_auth_failed", None, now)
        entry_id = entry.id
    events: list[str] = []
    ctx.listeners.append(events.append)
    dlg = _dialog(qtbot, ctx, qsettings)
    _fill_account(dlg, 2525, password="s3cret")
    dlg.limits_page.quota_used_spin.setValue(4210)
    dlg.language.setCurrentIndex(dlg.language.findData("ru"))
    assert dlg.save() is True
    assert memory_keyring.store[(SERVICE, "u@127.0.0.1:2525")] == "s3cret"
    assert dlg.smtp_page.password.text() == ""  # not kept in the widget
    with ctx.db.read() as s:
        assert s.get(QueueEntry, entry_id).status == "queued"
        assert "s3cret" not in repr(settings.load(s))
    assert _saved(ctx).quota.used == 4210
    assert events == ["settings"]
    assert qsettings.value(LANGUAGE_KEY) == "ru"
    # reopening shows the saved values, the password as "saved"
    again = _dialog(qtbot, ctx, qsettings)
    assert again.smtp_page.host.text() == "127.0.0.1"
    assert again.smtp_page.password.text() == ""
    assert "saved" in again.smtp_page.password.placeholderText()
    assert again.language.currentData() == "ru"


def test_test_connection_succeeds_against_server_with_auth(qtbot, ctx, qsettings, auth_server):
    dlg = _dialog(qtbot, ctx, qsettings)
    _fill_account(dlg, auth_server.port)
    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert "Connected and logged in" in dlg.test_result.text()
    assert auth_server.received == []  # it sent nothing
    assert _saved(ctx).smtp is None  # testing does not save


def test_test_connection_shows_the_refusal_for_a_wrong_password(qtbot, ctx, qsettings, auth_server):
    dlg = _dialog(qtbot, ctx, qsettings)
    _fill_account(dlg, auth_server.port, password="wrong")
    dlg.test_connection()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    text = dlg.test_result.text()
    assert "refused" in text and "535" in text
    assert "wrong" not in text


def test_no_keychain_says_so_and_keeps_the_password_for_the_session(
    qtbot, ctx, qsettings, auth_server
):
    keyring.set_keyring(fail.Keyring())
    assert not ctx.secrets.keychain_available()
    dlg = _dialog(qtbot, ctx, qsettings)
    dlg.show()
    assert dlg.keychain_note.isVisible()
    assert "No keychain" in dlg.keychain_note.text()
    _fill_account(dlg, auth_server.port)
    assert dlg.save() is True
    account = f"u@127.0.0.1:{auth_server.port}"
    assert ctx.secrets.get_password(account) == "p"  # held in memory for this session
    assert "p" not in [str(v) for v in _saved(ctx).smtp.__dict__.values()]
    # the app still works: a new dialog tests the connection with the session password
    again = _dialog(qtbot, ctx, qsettings)
    assert again.smtp_page.password.text() == ""
    again.test_connection()
    qtbot.waitUntil(lambda: again.test_button.isEnabled(), timeout=10_000)
    assert "Connected and logged in" in again.test_result.text()


def test_per_minute_and_daily_fields_save_and_replan(qtbot, ctx, qsettings, tmp_path):
    """The per-minute and per-day limits are filled, saved and re-plan the
    queue: an entry waiting on ``minute_limit`` is freed when the rule is off."""
    from mailer_gui.core.sending.engine import Engine

    from ..conftest import configure, make_campaign
    from ..smtp_server import TestSmtpServer

    server = TestSmtpServer().start()
    try:
        configure(ctx, server, per_minute=1, daily=300)
        cid = make_campaign(ctx, 2)
        eng = Engine(ctx)
        eng.acquire()
        eng.run_until_idle()
        eng.release()
        with ctx.db.read() as s:
            assert queue.campaign_entry(s, cid).reason_code == "minute_limit"
        dlg = _dialog(qtbot, ctx, qsettings)
        page = dlg.limits_page
        assert (page.per_minute.value(), page.daily.value()) == (1, 300)
        assert page.per_minute.specialValueText() == "no limit"
        dlg.show()
        Path("/tmp/shots").mkdir(exist_ok=True)
        dlg.tabs.setCurrentWidget(page)
        dlg.grab().save("/tmp/shots/settings-limits-en.png")
        page.per_minute.setValue(0)
        page.daily.setValue(500)
        _fill_account(dlg, server.port)
        assert dlg.save() is True, dlg.marks.marked()
        stored = _saved(ctx)
        assert (stored.limits.per_minute, stored.limits.daily) == (0, 500)
        with ctx.db.read() as s:
            e = queue.campaign_entry(s, cid)
            assert (e.status, e.reason_code) == ("queued", None)
    finally:
        server.stop()
