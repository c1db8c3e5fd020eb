"""Demo mode end to end, with the real window, worker and built-in server:
sample campaign, test send, enqueue, the caught messages in the outbox, and
the ``hourly_limit`` pause with its countdown in the queue panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.demo import mode as demo_mod
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.queue.panel import COL_NEXT_RUN, COL_REASON, EntryRole
from mailer_gui.ui.window.main_window import MainWindow
from mailer_gui.ui.window.outbox import COL_TO, OutboxWindow

from .gui_helpers import FakeTray, gui_settings_dir_fixture  # noqa: F401 (fixture)


@pytest.fixture
def demo(tmp_path: Path, gui_settings_dir: Path) -> Iterator[demo_mod.DemoSession]:
    d = demo_mod.start_demo(tmp_path / "demo")
    yield d
    d.stop()


@pytest.fixture
def window(
    qtbot: Any, demo: demo_mod.DemoSession, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, AppContext]]:
    ctx = open_context(
        demo.data_dir, secrets=SecretStore(use_env=False), allow_reserved_domains=True
    )  # as the app in demo mode
    win = MainWindow(ctx, demo=demo, notifier=Notifier(tray=FakeTray()))

    def shut_down(w: MainWindow) -> None:
        # Before pytest-qt closes and deletes the window: stop the worker the
        # way Quit does, and wait until the window really closed.
        w.quit_app()
        qtbot.waitUntil(lambda: w._closed, timeout=15_000)  # noqa: SLF001

    qtbot.addWidget(win, before_close_func=shut_down)
    # Closing with a paused campaign asks "keep sending in the tray?": answer "stop".
    monkeypatch.setattr(win, "ask_close_choice", lambda: "stop")
    with qtbot.waitSignal(win.shown, timeout=5000):
        win.show()
    yield win, ctx
    assert not win.worker.isRunning()
    ctx.close()


def _seconds(countdown: str) -> int:
    """``MM:SS`` or ``H:MM:SS`` to seconds."""
    total = 0
    for part in countdown.split(":"):
        total = total * 60 + int(part)
    return total


def _campaign_row(win: MainWindow, campaign_id: int) -> int | None:
    model = win.queue_panel.model
    for row in range(model.rowCount()):
        e = model.index(row, 0).data(EntryRole)
        if e is not None and e.campaign_id == campaign_id and e.kind == "campaign":
            return row
    return None


def test_demo_end_to_end(
    qtbot: Any, window: tuple[MainWindow, AppContext], demo: demo_mod.DemoSession
) -> None:
    win, ctx = window
    assert "demo" in win.windowTitle().lower()
    assert win.actions.outbox.isVisible()

    # The sample campaign is there, with its 25 recipients at reserved domains.
    win.open_campaign(demo.campaign_id)
    editor = win.editor
    assert editor.campaign_id == demo.campaign_id
    assert editor.test_panel.address.text() == "you@example.com"

    # Send test: through the queue and the worker, caught by the demo server.
    editor.test_panel.button.click()
    qtbot.waitUntil(lambda: demo.outbox.count() == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            "250" in editor.test_panel.status.text() or "Sent" in editor.test_panel.status.text()
        ),
        timeout=10_000,
    )
    (test_msg,) = demo.outbox.messages()
    assert test_msg.rcpt_tos == ("you@example.com",)
    assert test_msg.subject == "Alice, our spring collection is here"

    # The Outbox action opens the viewer on it.
    win.actions.outbox.trigger()
    outbox = win.findChild(OutboxWindow)
    assert outbox is not None and outbox.isVisible()
    assert outbox.model.rowCount() == 1
    assert "Hello Alice" in outbox.text_view.toPlainText()

    # Enqueue: the worker sends until the demo's hourly limit (20, the test counted).
    win.actions.enqueue.trigger()
    qtbot.waitUntil(lambda: demo.outbox.count() == 20, timeout=20_000)

    def paused_row() -> int | None:
        row = _campaign_row(win, demo.campaign_id)
        if row is None:
            return None
        e = win.queue_panel.model.index(row, 0).data(EntryRole)
        return row if e.reason_code == "hourly_limit" else None

    qtbot.waitUntil(lambda: paused_row() is not None, timeout=10_000)
    row = paused_row()
    assert row is not None
    model = win.queue_panel.model
    assert model.index(row, COL_REASON).data() == "Hourly limit reached"
    assert "hourly_limit" in model.index(row, COL_REASON).data(0x03)  # tooltip: the code
    countdown = model.index(row, COL_NEXT_RUN).data()
    # A slot frees an hour after the first send, a few seconds ago.
    assert 3000 <= _seconds(countdown) <= 3600, countdown
    assert "20/20" in win.budget_label.text()

    # Every campaign message is in the outbox, nobody beyond the sample list.
    qtbot.waitUntil(lambda: outbox.model.rowCount() == 20, timeout=5000)
    tos = {outbox.model.index(r, COL_TO).data() for r in range(outbox.model.rowCount())}
    assert all(t.rsplit("@", 1)[1] in ("example.com", "example.org") for t in tos)
    assert demo.outbox.count() == 20  # the pause holds: nothing more is sent
