"""Quitting (issue 9, item 10): closing the window and Quit (Ctrl+Q) ask the
same question while something sends or waits, say that nothing is sent while
Mailer is closed, and the notification history survives a restart."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import select

from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import open_context
from mailer_gui.core.store.models import Notification
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.window.main_window import MainWindow

from ..conftest import configure, make_campaign
from .gui_helpers import (  # noqa: F401 (fixtures)
    FakeTray,
    gui_settings_dir_fixture,
    live_ctx_fixture,
    recipient_counts,
)

NOTHING_SENT = "Mailer sends only while it is open: nothing is sent while it is closed."


def _window(qtbot: Any, ctx: Any, **kwargs: Any) -> MainWindow:
    w = MainWindow(ctx, **kwargs)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.shown, timeout=5000):
        w.show()
    qtbot.waitUntil(lambda: w.last_snapshot is not None, timeout=5000)
    return w


def _close(qtbot: Any, w: MainWindow) -> None:
    try:
        w.quit_app()
        qtbot.waitUntil(lambda: w._closed, timeout=15_000)
    finally:
        assert w.worker.stop_and_wait(15_000)


def _answer(button: str, seen: list[str], tries: int = 250) -> None:
    """Answer the close question once it is up (``cancel`` or ``quit``); its text
    goes to ``seen``. Gives up after ``tries`` x 20 ms if no question comes."""
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append(box.text())
        if button == "cancel":
            box.button(QMessageBox.StandardButton.Cancel).click()
        else:
            quit_button = box.findChild(QPushButton, "QuitButton")
            assert quit_button is not None
            quit_button.click()
    elif tries:
        QTimer.singleShot(20, lambda: _answer(button, seen, tries - 1))


def _waiting_window(qtbot: Any, ctx: Any, smtp_server: Any) -> tuple[MainWindow, int]:
    """One message sent, then the hourly limit holds the other two: work waits."""
    configure(ctx, smtp_server, hourly=1)
    cid = make_campaign(ctx, 3)
    w = _window(qtbot, ctx, notifier=Notifier(use_system_tray=False))
    qtbot.waitUntil(lambda: recipient_counts(ctx, cid).get("sent") == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: getattr(w.campaign_entry(cid), "reason_code", None) == "hourly_limit", timeout=5000
    )
    assert w.has_work()
    return w, cid


def _still_running(w: MainWindow) -> bool:
    return w.isVisible() and w.worker.isRunning() and not w._stopping and not w._closed


def test_closing_and_quit_ask_the_same_question_and_cancel_keeps_sending(
    qtbot, live_ctx, smtp_server
):
    w, _cid = _waiting_window(qtbot, live_ctx, smtp_server)
    try:
        by_close: list[str] = []
        QTimer.singleShot(0, lambda: _answer("cancel", by_close))
        w.close()
        assert len(by_close) == 1 and _still_running(w)

        by_quit: list[str] = []
        QTimer.singleShot(0, lambda: _answer("cancel", by_quit))
        w.actions.quit.trigger()  # Ctrl+Q, File > Quit, the tray's Quit
        qtbot.wait(100)
        assert by_quit == by_close and _still_running(w)
        assert NOTHING_SENT in by_close[0]
        assert "Campaigns waiting to be sent: 1." in by_close[0]
        assert "continues when you open Mailer again" in by_close[0]
    finally:
        _close(qtbot, w)


def test_quit_after_the_question_stops_and_leaves_nothing_sending(qtbot, live_ctx, smtp_server):
    w, cid = _waiting_window(qtbot, live_ctx, smtp_server)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer("quit", seen))
    w.actions.quit.trigger()
    qtbot.waitUntil(lambda: w._closed, timeout=15_000)
    assert len(seen) == 1 and not w.isVisible()
    assert w.worker.stop_and_wait(15_000)
    assert recipient_counts(live_ctx, cid) == {"sent": 1, "pending": 2}


def test_quit_with_nothing_to_send_asks_nothing(qtbot, live_ctx):
    w = _window(qtbot, live_ctx, notifier=Notifier(use_system_tray=False))
    seen: list[str] = []
    _answer("cancel", seen, tries=25)
    w.actions.quit.trigger()
    qtbot.waitUntil(lambda: w._closed, timeout=15_000)
    qtbot.wait(600)  # the answerer gave up: no question was asked
    assert seen == [] and not w.isVisible()
    assert w.worker.stop_and_wait(15_000)


def _items(w: MainWindow) -> list[tuple[str, bool]]:
    """(text, bold) of each listed notification, newest first."""
    lw = w.notifier.list_widget
    return [(lw.item(i).text(), QFont(lw.item(i).font()).bold()) for i in range(lw.count())]


def test_notification_history_and_read_state_survive_a_restart(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server, hourly=1)
    make_campaign(live_ctx, 2, name="First")
    w = _window(qtbot, live_ctx, notifier=Notifier(tray=FakeTray()))
    qtbot.waitUntil(lambda: w.notifier.count() >= 1, timeout=10_000)
    before = _items(w)
    assert any("“First” waits: Hourly limit reached" in t for t, _b in before), before
    assert all(bold for _t, bold in before)  # new: unread
    lw = w.notifier.list_widget
    lw.itemClicked.emit(lw.item(0))  # the operator reads the newest
    read_text = lw.item(0).text()
    assert dict(_items(w))[read_text] is False
    _close(qtbot, w)
    live_ctx.close()

    again = open_context(live_ctx.data_dir, secrets=SecretStore(use_env=False))
    try:
        tray = FakeTray()
        w2 = _window(qtbot, again, notifier=Notifier(tray=tray))
        try:
            after = dict(_items(w2))
            assert [t for t, _b in _items(w2)][-len(before) :] == [t for t, _b in before]
            assert after[read_text] is False  # read before the restart stays read
            assert all(after[t] for t, _b in before if t != read_text)
            assert tray.messages == []  # history is listed, not popped up again
            w2.notifier.mark_all_read()
            assert not any(bold for _t, bold in _items(w2))
        finally:
            _close(qtbot, w2)
        with again.db.read() as s:
            assert s.scalars(select(Notification.read)).all() == [True] * len(after)
    finally:
        again.close()


def test_quit_from_the_tray_asks_too_and_then_stops(qtbot, live_ctx, smtp_server, monkeypatch):
    configure(live_ctx, smtp_server, hourly=1)
    cid = make_campaign(live_ctx, 3)
    w = _window(qtbot, live_ctx, notifier=Notifier(tray=FakeTray()))
    qtbot.waitUntil(
        lambda: getattr(w.campaign_entry(cid), "reason_code", None) == "hourly_limit",
        timeout=10_000,
    )
    monkeypatch.setattr(w, "ask_close_choice", lambda: "tray")
    w.close()
    assert w.isHidden() and w.worker.isRunning()
    monkeypatch.undo()
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer("quit", seen))
    w.actions.quit.trigger()  # the tray menu's Quit, the window hidden
    qtbot.waitUntil(lambda: w._closed, timeout=15_000)
    assert len(seen) == 1 and "In the tray, Mailer stays open" in seen[0]
    assert w.worker.stop_and_wait(15_000)
    assert recipient_counts(live_ctx, cid) == {"sent": 1, "pending": 2}
