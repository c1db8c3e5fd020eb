"""The mailbox in the window: the Settings page (saved, password in the
keychain, the server found for SMTP), the mailbox worker checking a real
Dovecot off the GUI thread, the status bar saying what it found."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.config.secrets import SERVICE
from mailer_gui.core.mailbox import check
from mailer_gui.ui.dialogs.settings import SettingsDialog
from mailer_gui.ui.mailbox_worker import MailboxWorker
from mailer_gui.ui.window.mailbox_status import MailboxLabel

from ..conftest import configure, drain, make_campaign
from ..test_mailbox import deliver, sent, setup_imap
from .test_translations import ru_qm, russian  # noqa: F401 - fixtures

SHOTS = Path("/tmp/shots")


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_settings_page_saves_the_mailbox(qtbot, ctx, smtp_server, qsettings, memory_keyring):
    configure(ctx, smtp_server)
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    page = dlg.mailbox_page
    page.fill_suggestion()  # SMTP 127.0.0.1 has no smtp. prefix: the host is kept
    assert page.host.text() == "127.0.0.1" and page.port.value() == 993
    page.security.setCurrentIndex(page.security.findData("none"))
    page.port.setValue(1143)
    page.user.setText("news@example.com")
    page.reuse_smtp.setChecked(False)
    page.folder.setText("Bounces")
    page.percent.setValue(3.5)
    assert not dlg.save()  # no password for the mailbox: marked
    assert dlg.marks.is_marked("imap_password")
    page.password.setText("imap-pw")
    assert dlg.save(), dlg.marks.marked()
    with ctx.db.read() as s:
        st = imap_settings.load_imap(s)
        ms = imap_settings.load_mailbox(s)
    assert st is not None and (st.host, st.port, st.folder) == ("127.0.0.1", 1143, "Bounces")
    assert ms.bounce_rate_percent == 3.5
    assert memory_keyring.store[(SERVICE, st.keyring_account)] == "imap-pw"
    dlg.tabs.setCurrentWidget(page)
    dlg.show()
    _shot(dlg, "settings-mailbox-en.png")


def test_settings_page_marks_a_bad_field(qtbot, ctx, qsettings):
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    page = dlg.mailbox_page
    page.host.setText("bad host")
    page.user.setText("u")
    page.password.setText("p")
    assert not dlg.save()
    assert dlg.marks.is_marked("imap_host")
    with ctx.db.read() as s:
        assert imap_settings.load_imap(s) is None


def test_settings_page_in_russian(qtbot, ctx, smtp_server, qsettings, russian):  # noqa: F811
    configure(ctx, smtp_server)
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    dlg.tabs.setCurrentWidget(dlg.mailbox_page)
    dlg.show()
    assert dlg.tabs.tabText(dlg.tabs.currentIndex()) == "Почтовый ящик"
    _shot(dlg, "settings-mailbox-ru.png")


def test_worker_checks_off_the_gui_thread(qtbot, ctx, smtp_server, imap_server):
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 3)
    drain(ctx)
    deliver(ctx, imap_server, "postfix_user_unknown", sent(ctx, cid)["r1@example.org"])
    threads: list[int] = []
    real = check.check_once

    def spy(c):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return real(c)

    label = MailboxLabel("UTC")
    qtbot.addWidget(label)
    worker = MailboxWorker(ctx)
    worker.checked.connect(label.on_checked)
    check.check_once = spy  # type: ignore[assignment]
    try:
        with qtbot.waitSignal(worker.checked, timeout=20_000) as got:
            worker.start()  # the first check runs at start
        assert got.args[0]["bounces"] == 1
        assert threads and threads[0] != threading.get_ident()
        with qtbot.waitSignal(worker.checked, timeout=20_000) as again:
            worker.check_now()
        assert again.args[0]["bounces"] == 0 and again.args[0]["messages"] == 0
    finally:
        check.check_once = real  # type: ignore[assignment]
        assert worker.stop_and_wait(20_000)
    assert "0 bounces" in label.text() and label.isVisibleTo(label.parentWidget() or label)
    label.show()
    _shot(label, "mailbox-label-en.png")


def test_worker_reports_a_failed_check(qtbot, ctx, imap_server):
    st = setup_imap(ctx, imap_server)
    ctx.secrets.set_password(st.keyring_account, "wrong-secret-77")
    worker = MailboxWorker(ctx)
    label = MailboxLabel("UTC")
    qtbot.addWidget(label)
    worker.failed.connect(label.on_failed)
    try:
        with qtbot.waitSignal(worker.failed, timeout=20_000) as got:
            worker.start()
    finally:
        assert worker.stop_and_wait(20_000)
    assert "refused the login" in got.args[0]
    assert "wrong-secret-77" not in got.args[0]
    assert label.toolTip() == got.args[0]


def test_bounce_rate_notification_says_why(qtbot, ctx, smtp_server, imap_server):
    from mailer_gui.ui.queue.notifications import notification_text
    from mailer_gui.ui.worker import notification_history

    from ..test_bounce_guard import send_52_and_bounce

    send_52_and_bounce(ctx, smtp_server, imap_server, 3)
    check.check_once(ctx)
    rows = [d for d in notification_history(ctx) if d.get("reason_code") == "bounce_rate"]
    assert len(rows) == 1
    text = notification_text(rows[0])
    assert "3 of 52" in text and "5.8 %" in text


def _suppression_dialog(qtbot, ctx):  # type: ignore[no-untyped-def]
    from mailer_gui.ui.dialogs.suppression import SuppressionDialog

    dlg = SuppressionDialog(ctx)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.model.rowCount() > 0, timeout=10_000)
    return dlg


def _suppress_some(ctx) -> None:  # type: ignore[no-untyped-def]
    from mailer_gui.core.audience import suppression

    with ctx.db.write() as s:
        now = ctx.clock.now()
        suppression.add(s, "gone@example.org", "bounce", now, "smtp; 550 5.1.1 User unknown")
        suppression.add(s, "bye@example.org", "unsubscribed", now, "unsubscribe reply")
        suppression.add(s, "angry@example.org", "complaint", now, "feedback report (abuse)")


def test_suppression_list_shows_reasons_and_dates(qtbot, ctx):
    _suppress_some(ctx)
    dlg = _suppression_dialog(qtbot, ctx)
    shown = {
        dlg.proxy.index(r, 0).data(): dlg.proxy.index(r, 1).data()
        for r in range(dlg.proxy.rowCount())
    }
    assert shown == {
        "gone@example.org": "bounced (mailbox)",
        "bye@example.org": "unsubscribed",
        "angry@example.org": "spam complaint",
    }
    assert "3 addresses" in dlg.summary.text()
    assert dlg.proxy.index(0, 2).data()  # the date
    dlg.filter.setText("550")
    assert dlg.proxy.rowCount() == 1
    dlg.filter.clear()
    dlg.show()
    _shot(dlg, "suppression-en.png")


def test_suppression_list_in_russian(qtbot, ctx, russian):  # noqa: F811
    _suppress_some(ctx)
    dlg = _suppression_dialog(qtbot, ctx)
    assert dlg.windowTitle() == "Список исключений"
    dlg.show()
    _shot(dlg, "suppression-ru.png")


def test_editor_counts_bounced_and_the_mailbox_feedback(qtbot, ctx, smtp_server, imap_server):
    from mailer_gui.ui.editor.editor import CampaignEditor

    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 4)
    drain(ctx)
    r = sent(ctx, cid)
    deliver(ctx, imap_server, "postfix_user_unknown", r["r0@example.org"])
    deliver(ctx, imap_server, "unsubscribe_gmail", r["r1@example.org"])
    check.check_once(ctx)
    editor = CampaignEditor(ctx)
    qtbot.addWidget(editor)
    editor.load(cid)
    text = editor.recipients.counts_label.text()
    assert "3 sent" in text and "1 bounced" in text
    assert "from the mailbox: 1 unsubscribed, 0 complaints" in text
