"""The main window with its real worker thread, real SQLite and a real SMTP server."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from PySide6.QtGui import QKeySequence

from mailer_gui.core.sending import queue
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.window.main_window import MainWindow
from mailer_gui.ui.window.single_instance import SingleInstance

from ..conftest import configure, make_campaign
from .gui_helpers import (  # noqa: F401 (fixtures)
    FakeTray,
    gui_settings_dir_fixture,
    live_ctx_fixture,
    recipient_counts,
)


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


def test_budget_in_the_status_bar_moves_by_one_after_a_send(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server)
    cid = make_campaign(live_ctx, 1, enqueue=False)
    w = _window(qtbot, live_ctx)
    try:
        assert w.budget_label.text() == "This hour 0/100 · Month 0/15,000"
        with live_ctx.db.write() as s:
            queue.enqueue(s, cid, live_ctx.clock.now())
        live_ctx.emit("queue")
        qtbot.waitUntil(lambda: w.budget_label.text().startswith("This hour 1/100"), timeout=5000)
        assert w.budget_label.text() == "This hour 1/100 · Month 1/15,000"
        assert len(smtp_server.received) == 1
        qtbot.waitUntil(
            lambda: w.campaign_list.model.index(0, 1).data() == "Completed", timeout=5000
        )
    finally:
        _close(qtbot, w)


def test_closing_while_sending_stops_after_the_current_message(
    qtbot, live_ctx, smtp_server, monkeypatch
):
    configure(live_ctx, smtp_server)
    smtp_server.delay = 0.3
    cid = make_campaign(live_ctx, 30)
    w = _window(qtbot, live_ctx)
    asked: list[bool] = []
    monkeypatch.setattr(w, "ask_close_choice", lambda: asked.append(True) or "stop")
    qtbot.waitUntil(lambda: len(smtp_server.received) >= 2, timeout=10_000)
    qtbot.waitUntil(w.has_work, timeout=5000)
    w.close()
    qtbot.waitUntil(lambda: w._closed, timeout=15_000)
    assert asked == [True] and not w.isVisible() and not w.worker.isRunning()
    counts = recipient_counts(live_ctx, cid)
    assert counts.get("sending", 0) == 0 and counts.get("uncertain", 0) == 0
    assert counts["sent"] == len(smtp_server.received) < 30


def test_keep_sending_in_the_tray_hides_the_window_and_goes_on(
    qtbot, live_ctx, smtp_server, monkeypatch
):
    configure(live_ctx, smtp_server)
    smtp_server.delay = 0.05
    cid = make_campaign(live_ctx, 10)
    w = _window(qtbot, live_ctx, notifier=Notifier(tray=FakeTray()))
    monkeypatch.setattr(w, "ask_close_choice", lambda: "tray")
    qtbot.waitUntil(w.has_work, timeout=5000)
    w.close()
    assert w.isHidden() and w.worker.isRunning()
    qtbot.waitUntil(lambda: recipient_counts(live_ctx, cid) == {"sent": 10}, timeout=15_000)
    qtbot.waitUntil(lambda: bool(w.notifier.tray.messages), timeout=5000)
    texts = [m for _t, m in w.notifier.tray.messages]
    assert texts == ["“Promo” finished: Completed — 10 sent, 0 failed, 0 uncertain"]
    _close(qtbot, w)


def test_first_run_welcome_page_opens_the_sample_campaign(qtbot, live_ctx):
    w = _window(qtbot, live_ctx)
    try:
        assert w.stack.currentWidget() is w.welcome
        w.welcome.sample_button.click()
        assert w.campaign_list.model.rowCount() == 1
        cid = w.campaign_list.current_id()
        assert cid is not None
        if w.editor is not None:
            assert w.stack.currentWidget() is w.editor_page and w.editor.campaign_id == cid
        assert w.queue_panel.model.rowCount() == 0  # the sample is not queued by itself
    finally:
        _close(qtbot, w)


def test_shortcuts_and_pause_resume_from_the_window(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server, hourly=1)
    make_campaign(live_ctx, 1, name="First")
    cid = make_campaign(live_ctx, 3, name="Second")
    w = _window(qtbot, live_ctx)
    try:
        a = w.actions
        keys = {
            act.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
            for act in (
                a.new,
                a.save,
                a.send_test,
                a.enqueue,
                a.pause_resume,
                a.settings,
                a.export,
                a.quit,
            )
        }
        assert keys == {
            "Ctrl+N",
            "Ctrl+S",
            "Ctrl+T",
            "Ctrl+E",
            "Ctrl+P",
            "Ctrl+,",
            "Ctrl+Shift+E",
            "Ctrl+Q",
        }
        w.campaign_list.select(cid)
        qtbot.waitUntil(lambda: w.campaign_entry(cid) is not None, timeout=5000)
        with qtbot.waitSignal(w.worker.snapshotReady, timeout=5000):
            a.pause_resume.trigger()
        qtbot.waitUntil(lambda: w.campaign_entry(cid).status == "paused", timeout=5000)
        a.pause_resume.trigger()
        qtbot.waitUntil(lambda: w.campaign_entry(cid).status != "paused", timeout=5000)
    finally:
        _close(qtbot, w)


def test_dock_layout_is_remembered(qtbot, live_ctx):
    w = _window(qtbot, live_ctx)
    w.notes_dock.hide()
    _close(qtbot, w)
    w2 = _window(qtbot, live_ctx)
    try:
        assert w2.notes_dock.isHidden() and not w2.queue_dock.isHidden()
    finally:
        _close(qtbot, w2)


def test_second_start_brings_the_first_forward(qtbot, tmp_path):
    first = SingleInstance(tmp_path / "d")
    assert first.acquire()
    try:
        second = SingleInstance(tmp_path / "d")
        with qtbot.waitSignal(first.activated, timeout=3000):
            assert second.forward()
        assert not second.acquire()  # the lock file holds too
    finally:
        first.release()


def test_smoke_option_opens_the_window_and_exits_zero(tmp_path):
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "mailer_gui", "--data-dir", str(tmp_path / "data"), "--smoke"],
        env=env,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "data" / "mailer.db").exists()
