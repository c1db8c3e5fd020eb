"""The demo Outbox window lists caught messages and shows each as received."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mailer_gui.core.content import campaigns
from mailer_gui.core.context import open_context
from mailer_gui.core.sending.engine import Engine
from mailer_gui.demo import mode as demo
from mailer_gui.ui.window.outbox import COL_SUBJECT, COL_TO, OutboxWindow


@pytest.fixture
def session(tmp_path: Path) -> Iterator[demo.DemoSession]:
    d = demo.start_demo(tmp_path / "demo")
    yield d
    d.stop()


def _send_test(session: demo.DemoSession, to: str, row: int = 1) -> None:
    """A test send through the real engine to the demo server."""
    ctx = open_context(session.data_dir, allow_reserved_domains=True)
    try:
        with ctx.db.write() as s:
            campaigns.test_send(s, session.campaign_id, to, ctx.clock.now(), row=row)
        engine = Engine(ctx, label="test")
        engine.acquire()
        try:
            engine.run_until_idle()
        finally:
            engine.release()
    finally:
        ctx.close()


def test_empty_outbox_says_demo_and_how_to_fill_it(qtbot, session: demo.DemoSession) -> None:
    w = OutboxWindow(session)
    qtbot.addWidget(w)
    w.show()
    assert "Demo" in w.windowTitle()
    assert "Demo" in w.banner.text() and f"127.0.0.1:{session.port}" in w.banner.text()
    assert "Nothing was sent" in w.banner.text()
    assert w.model.rowCount() == 0
    assert "No messages yet" in w.count_label.text()


def test_lists_and_shows_a_caught_message(qtbot, session: demo.DemoSession) -> None:
    _send_test(session, "you@example.com")
    w = OutboxWindow(session)
    qtbot.addWidget(w)
    w.show()
    assert w.model.rowCount() == 1
    assert w.proxy.index(0, COL_TO).data() == "you@example.com"
    assert w.proxy.index(0, COL_SUBJECT).data() == "Alice, our spring collection is here"
    msg = w.current_message()
    assert msg is not None and msg.number == 1
    assert "Hello Alice" in w.html_view.toPlainText()
    assert w.html_view.toHtml().count("Green Leaf") >= 1
    assert "Hello Alice" in w.text_view.toPlainText()
    headers = w.headers_view.toPlainText()
    assert "Subject: Alice, our spring collection is here" in headers
    assert "X-Envelope-To: you@example.com" in headers and "Message-ID:" in headers
    assert "Content-Type: multipart/alternative" in w.source_view.toPlainText()


def test_new_messages_appear_while_open(qtbot, session: demo.DemoSession) -> None:
    w = OutboxWindow(session)
    qtbot.addWidget(w)
    w.show()
    _send_test(session, "first@example.com")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=5000)
    _send_test(session, "second@example.org", row=2)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=5000)
    # Newest first in the list.
    assert w.proxy.index(0, COL_TO).data() == "second@example.org"
    assert w.proxy.index(0, COL_SUBJECT).data().startswith("Boris,")
    w.select_row(0)
    assert "Hello Boris" in w.text_view.toPlainText()
    w.table.sortByColumn(COL_TO, Qt.SortOrder.AscendingOrder)
    assert w.proxy.index(0, COL_TO).data() == "first@example.com"


def test_reopened_window_shows_earlier_messages(qtbot, session: demo.DemoSession) -> None:
    _send_test(session, "you@example.com")
    first = OutboxWindow(session)
    qtbot.addWidget(first)
    first.close()
    again = OutboxWindow(session)
    qtbot.addWidget(again)
    assert again.model.rowCount() == 1
