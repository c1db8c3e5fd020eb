"""Campaign editor: round trip, unsaved-change prompt, live preview, preflight
before enqueue, and a test send through the real engine to a real server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Attachment, Campaign, QueueEntry
from mailer_gui.ui.editor.editor import CampaignEditor
from mailer_gui.ui.queue.reasons import countdown_text

from ..conftest import configure, make_campaign


@pytest.fixture
def editor(qtbot, ctx) -> CampaignEditor:
    ed = CampaignEditor(ctx)
    qtbot.addWidget(ed)
    return ed


def _run_engine(ctx) -> None:
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.run_until_idle()
    finally:
        eng.release()


def _snapshot(ctx) -> snapshot.Snapshot:
    with ctx.db.read() as s:
        return snapshot.build(s, ctx.clock.now())


def test_round_trip_create_edit_save_reopen(qtbot, ctx, editor, tmp_path):
    assert editor.campaign_id is None and not editor.is_dirty()
    editor.name.setText("November news")
    editor.subject.setText("Hello {{ first_name }}")
    editor.html.setPlainText("<p>Dear {{ first_name }}</p>")
    editor.text.setPlainText("Dear {{ first_name }}")
    (tmp_path / "price list.pdf").write_bytes(b"%PDF-1.4 test")
    assert editor.attachments.add_file(tmp_path / "price list.pdf")
    assert editor.is_dirty()
    with qtbot.waitSignal(editor.saved, timeout=2000) as got:
        assert editor.save()
    cid = got.args[0]
    assert editor.campaign_id == cid and not editor.is_dirty()

    again = CampaignEditor(ctx)
    qtbot.addWidget(again)
    again.load(cid)
    assert again.name.text() == "November news"
    assert again.subject.text() == "Hello {{ first_name }}"
    assert again.html.toPlainText() == "<p>Dear {{ first_name }}</p>"
    assert again.text.toPlainText() == "Dear {{ first_name }}"
    assert [(a.filename, a.mime_type, a.size) for a in again.attachments.items] == [
        ("price list.pdf", "application/pdf", 13)
    ]
    assert not again.is_dirty()

    again.subject.setText("Changed")
    again.attachments.list.setCurrentRow(0)
    again.attachments.remove_selected()
    assert again.is_dirty() and again.save()
    with ctx.db.read() as s:
        assert s.get(Campaign, cid).subject == "Changed"
        assert s.scalars(select(Attachment)).all() == []


def test_save_without_a_name_is_marked_and_writes_nothing(ctx, editor):
    editor.subject.setText("Hi")
    assert editor.save() is False
    assert editor.marks.is_marked("name")
    assert "name" in editor.marks.message("name")
    with ctx.db.read() as s:
        assert s.scalars(select(Campaign)).all() == []


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_unsaved_change_prompt(ctx, editor, monkeypatch, answer):
    cid = make_campaign(ctx, 2, enqueue=False)
    editor.load(cid)
    assert editor.maybe_save() is True  # nothing changed: no question
    editor.subject.setText("Edited subject")
    asked: list[str] = []
    buttons = {
        "cancel": QMessageBox.StandardButton.Cancel,
        "discard": QMessageBox.StandardButton.Discard,
        "save": QMessageBox.StandardButton.Save,
    }

    def question(parent, title, text, *args):
        asked.append(text)
        return buttons[answer]

    monkeypatch.setattr(QMessageBox, "question", question)
    proceed = editor.maybe_save()
    assert len(asked) == 1 and "Promo" in asked[0]
    with ctx.db.read() as s:
        stored = s.get(Campaign, cid).subject
    if answer == "cancel":
        assert proceed is False and editor.is_dirty()
        assert stored == "Hello {{ first_name }}"
    elif answer == "discard":
        assert proceed is True and not editor.is_dirty()
        assert editor.subject.text() == stored == "Hello {{ first_name }}"
    else:
        assert proceed is True and not editor.is_dirty()
        assert stored == "Edited subject"


def test_preview_renders_the_chosen_recipient_and_reports_errors(qtbot, ctx, editor):
    cid = make_campaign(ctx, 3, enqueue=False)
    editor.load(cid)
    assert "Name0" in editor.preview.browser.toPlainText()
    assert editor.preview.subject.text() == "Hello Name0"
    editor.preview.row_spin.setValue(3)
    qtbot.waitUntil(lambda: "Name2" in editor.preview.browser.toPlainText(), timeout=2000)
    editor.html.setPlainText("<p>{{ first_name }} at {{ company }}</p>")
    qtbot.waitUntil(lambda: editor.preview.error is not None, timeout=2000)
    assert not editor.preview.problem.isHidden()
    assert "company" in editor.preview.problem.text()
    assert {"first_name", "email", "unsubscribe_url"} <= set(editor.picker.fields)
    editor.html.setPlainText("<p>Hi </p>")
    cursor = editor.html.textCursor()
    cursor.setPosition(len("<p>Hi "))
    editor.html.setTextCursor(cursor)
    editor.picker.insert("first_name", editor.html)
    assert editor.html.toPlainText() == "<p>Hi {{ first_name }}</p>"


def test_enqueue_is_refused_while_preflight_finds_problems(qtbot, ctx, editor):
    cid = make_campaign(ctx, 3, enqueue=False)
    editor.load(cid)
    editor.html.setPlainText("<p>{{ first_name }} {{ company }}</p>")
    with qtbot.waitSignal(editor.preflightDone, timeout=10_000) as got:
        editor.enqueue()
    assert got.args[0] == 3
    rows = editor.recipients.preflight_rows()
    assert [r[0] for r in rows] == [2, 3, 4]  # file row numbers
    assert all("company" in r[3] for r in rows)
    assert editor.tabs.currentWidget() is editor.recipients
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid) is None

    editor.html.setPlainText("<p>{{ first_name }}</p>")
    editor.enqueue_bar.start_check.setChecked(True)
    editor.enqueue_bar.start_edit.setDateTime(editor.enqueue_bar.start_edit.dateTime().addDays(1))
    with qtbot.waitSignal(editor.enqueued, timeout=10_000):
        editor.enqueue()
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        assert (entry.status, entry.reason_code) == ("deferred", "scheduled")
        assert entry.start_at == editor.start_at()
        assert entry.start_at > ctx.clock.now() + timedelta(hours=12)


def test_send_test_goes_through_the_engine_and_shows_the_server_reply(
    qtbot, ctx, editor, smtp_server
):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 3, enqueue=False)
    editor.load(cid)
    events: list[str] = []
    ctx.listeners.append(events.append)
    editor.test_panel.address.setText("me@example.com")
    editor.preview.row_spin.setValue(2)
    with qtbot.waitSignal(editor.testSendQueued, timeout=2000) as got:
        entry_id = editor.send_test()
    assert got.args[0] == entry_id and events == ["queue"]
    assert smtp_server.received == []  # the editor itself sent nothing
    editor.on_snapshot(_snapshot(ctx))
    assert "queued" in editor.test_panel.status.text()

    _run_engine(ctx)
    (msg,) = smtp_server.received
    assert msg.rcpt_tos == ["me@example.com"]
    assert msg.message["Subject"] == "Hello Name1"  # rendered with the chosen row
    editor.on_snapshot(_snapshot(ctx))
    assert editor.test_panel.status.text() == "Sent: 250 2.0.0 OK queued"
    with ctx.db.read() as s:
        assert s.get(Campaign, cid).test_address == "me@example.com"
        assert s.get(QueueEntry, entry_id).kind == "test"
    reopened = CampaignEditor(ctx)
    qtbot.addWidget(reopened)
    reopened.load(cid)
    assert reopened.test_panel.address.text() == "me@example.com"


def test_send_test_that_waits_shows_the_reason_and_a_ticking_countdown(
    qtbot, ctx, editor, smtp_server, clock
):
    configure(ctx, smtp_server, hourly=1)
    cid = make_campaign(ctx, 2, enqueue=False)
    editor.load(cid)
    editor.test_panel.address.setText("me@example.com")
    editor.send_test()
    _run_engine(ctx)
    editor.on_snapshot(_snapshot(ctx))
    assert editor.test_panel.status.text().startswith("Sent:")
    entry_id = editor.send_test()
    _run_engine(ctx)  # the hour's only slot is used: the test waits
    snap = _snapshot(ctx)
    (entry,) = [e for e in snap.entries if e.entry_id == entry_id]
    assert entry.reason_code == "hourly_limit" and entry.next_run_at is not None
    editor.on_snapshot(snap)
    left = (entry.next_run_at - clock.now()).total_seconds()
    first = editor.test_panel.status.text()
    assert first.startswith("Waiting: Hourly limit reached")
    assert first.endswith(countdown_text(left))
    clock.advance(10)
    qtbot.waitUntil(lambda: editor.test_panel.status.text() != first, timeout=3000)
    assert editor.test_panel.status.text().endswith(countdown_text(left - 10))
    assert len(smtp_server.received) == 1


def test_recipient_counts_follow_the_snapshot_while_sending(qtbot, ctx, editor, smtp_server):
    configure(ctx, smtp_server, hourly=2)
    cid = make_campaign(ctx, 3)
    editor.load(cid)
    assert editor.recipients.counts["pending"] == 3
    _run_engine(ctx)  # two sent, then the hourly limit
    editor.on_snapshot(_snapshot(ctx))
    assert editor.recipients.counts["sent"] == 2 and editor.recipients.counts["pending"] == 1
    assert "2 sent" in editor.recipients.counts_label.text()


def test_import_from_the_recipients_tab_saves_first_then_refreshes(qtbot, ctx, editor, tmp_path):
    editor.name.setText("Fresh list")
    editor.html.setPlainText("<p>Hi {{ first_name }}</p>")
    path = tmp_path / "list.csv"
    path.write_bytes(
        "\ufeffEmail,First name\na@example.org,Ann\nb@example.org,Bob\n".encode("utf-8")
    )
    wizard = editor.open_import_wizard()
    assert editor.campaign_id is not None and not editor.is_dirty()  # saved before importing
    wizard.set_path(path)
    with qtbot.waitSignal(wizard.imported, timeout=10_000):
        wizard.start_import()
    assert editor.recipients.counts["pending"] == 2
    assert editor.recipients.model.rowCount() == 2
    assert "first_name" in editor.picker.fields
    assert editor.preview.row_spin.maximum() == 2
    qtbot.waitUntil(lambda: "Ann" in editor.preview.browser.toPlainText(), timeout=2000)
    wizard.close()


def test_sender_comes_from_the_settings_and_follows_changes(qtbot, ctx, editor, smtp_server):
    assert "Not set up" in editor.sender.text()
    requested: list[bool] = []
    editor.settingsRequested.connect(lambda: requested.append(True))
    editor.sender.linkActivated.emit("settings")
    assert requested == [True]
    configure(ctx, smtp_server)
    ctx.emit("settings")
    qtbot.waitUntil(lambda: "news@example.com" in editor.sender.text(), timeout=2000)
    assert "Example News" in editor.sender.text()


def _half_sent(ctx, smtp_server) -> int:
    """Issue 9 item 4: 35 recipients, 4 per hour: four sent, the rest waiting."""
    configure(ctx, smtp_server, hourly=4)
    cid = make_campaign(ctx, 35)
    _run_engine(ctx)
    assert len(smtp_server.received) == 4
    return cid


def test_content_is_read_only_while_sending_with_pause_to_edit(qtbot, ctx, smtp_server, editor):
    cid = _half_sent(ctx, smtp_server)
    editor.load(cid)
    assert editor.subject.isReadOnly() and editor.html.isReadOnly() and editor.text.isReadOnly()
    assert not editor.attachments.add_button.isEnabled()
    assert not editor.picker.button.isEnabled()
    assert not editor.lock_banner.isHidden()
    assert (
        "Pause to edit" in editor.lock_banner.text() and "4 recipient" in editor.lock_banner.text()
    )
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.grab().save("/tmp/shots/editor-locked-en.png")
    with ctx.db.write() as s:
        queue.pause(s, cid, ctx.clock.now())
    editor.on_snapshot(_snapshot(ctx))  # the worker's snapshot after the pause
    assert not editor.subject.isReadOnly() and editor.lock_banner.isHidden()
    assert editor.attachments.add_button.isEnabled()


@pytest.mark.parametrize("answer", ["save", "cancel"])
def test_edit_after_pause_asks_and_names_who_received(qtbot, ctx, smtp_server, editor, answer):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    cid = _half_sent(ctx, smtp_server)
    with ctx.db.write() as s:
        queue.pause(s, cid, ctx.clock.now())
    editor.load(cid)
    editor.subject.setText("New subject")
    seen: list[str] = []

    def reply() -> None:
        box = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox)
                and w.objectName() == "confirmSentEdit"
                and w.isVisible()
            ),
            None,
        )
        if box is None:
            QTimer.singleShot(20, reply)
            return
        seen.append(box.text())
        box.grab().save(f"/tmp/shots/editor-confirm-{answer}-en.png")
        box.button(
            QMessageBox.StandardButton.Save
            if answer == "save"
            else QMessageBox.StandardButton.Cancel
        ).click()

    QTimer.singleShot(0, reply)
    assert editor.save() is (answer == "save")
    assert seen and "4 recipient(s) already received the earlier version" in seen[0]
    with ctx.db.read() as s:
        c = s.get(Campaign, cid)
        assert (c.subject, c.content_version) == (
            ("New subject", 2) if answer == "save" else ("Hello {{ first_name }}", 1)
        )


def test_enqueue_right_after_a_check_starts_even_before_the_pool_thread_is_done(
    qtbot, ctx, editor, monkeypatch
):
    """The check's result reaches the editor before the pool thread marks its
    task finished; "Put in queue" clicked in between must run, not be ignored
    as if the check still ran (seen as a 10 s timeout of the test above under
    load). Here the pool thread marks it finished only after the second click."""
    import threading

    from mailer_gui.ui import background_task

    clicked = threading.Event()

    class LateEvent(threading.Event):
        def set(self) -> None:
            clicked.wait(30)
            super().set()

    original = background_task.BackgroundTask.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self.finished_event = LateEvent()

    monkeypatch.setattr(background_task.BackgroundTask, "__init__", init)
    cid = make_campaign(ctx, 3, enqueue=False)
    editor.load(cid)
    editor.html.setPlainText("<p>{{ first_name }} {{ company }}</p>")
    with qtbot.waitSignal(editor.preflightDone, timeout=10_000) as got:
        editor.enqueue()
    assert got.args[0] == 3
    editor.html.setPlainText("<p>{{ first_name }}</p>")
    try:
        with qtbot.waitSignal(editor.enqueued, timeout=10_000):
            editor.enqueue()
            clicked.set()
    finally:
        clicked.set()
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid) is not None


def _warnings(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text, *a, **k: shown.append((title, text))
    )
    return shown


def _stored(ctx, cid) -> list[tuple[str, int]]:
    with ctx.db.read() as s:
        return [
            (a.filename, len(a.content))
            for a in s.scalars(
                select(Attachment).where(Attachment.campaign_id == cid).order_by(Attachment.id)
            )
        ]


def test_editor_attachments_obey_the_core_cap_and_name_checks(
    qtbot, ctx, editor, tmp_path, monkeypatch
):
    """The editor attaches through ``core.content.attachments``: the cap counts
    what is stored when it saves (here 9 MB attached meanwhile from the
    terminal), and a file name with a control character is refused."""
    from mailer_gui.core.content import attachments
    from mailer_gui.core.content.compose import MAX_ATTACHMENTS_BYTES

    shown = _warnings(monkeypatch)
    cid = make_campaign(ctx, 2, enqueue=False)
    editor.load(cid)
    big = tmp_path / "catalogue.pdf"
    big.write_bytes(b"\0" * (MAX_ATTACHMENTS_BYTES + 1))
    assert not editor.attachments.add_file(big)  # over the cap alone
    assert shown[-1][0] == "Attachment too large" and "10.0 MB" in shown[-1][1]
    odd = tmp_path / "price\x07list.pdf"
    odd.write_bytes(b"%PDF")
    assert not editor.attachments.add_file(odd)
    assert "control character; rename the file" in shown[-1][1]
    assert editor.attachments.items == []

    nine = tmp_path / "nine.bin"
    nine.write_bytes(b"\1" * (9 * 1024 * 1024))
    with ctx.db.write() as s:  # as `campaign attach` does while the editor is open
        attachments.attach_file(s, cid, nine, now=ctx.clock.now())
    two = tmp_path / "two.bin"
    two.write_bytes(b"\2" * (2 * 1024 * 1024))
    assert editor.attachments.add_file(two)  # the editor still shows none stored
    shown.clear()
    assert not editor.save()
    assert shown == [
        (
            "Attachment too large",
            "Attachments may total at most 10.0 MB; with this file they would be "
            "11.0 MB. Link to large files instead.",
        )
    ]
    assert _stored(ctx, cid) == [("nine.bin", 9 * 1024 * 1024)]  # nothing more written
    assert editor.is_dirty()
