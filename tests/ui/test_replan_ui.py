"""Issue 9 in the window: saving Settings releases a limit hold at once (item 3),
Resume releases any hold and says when it still waits (14a), the resolve
dialog lists uncertain recipients and decides one row at a time (14b, 10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from sqlalchemy import select

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.store.models import Notification, Recipient
from mailer_gui.ui.dialogs.settings import SettingsDialog
from mailer_gui.ui.i18n_build import compile_translations
from mailer_gui.ui.queue.notifications import Notifier, notification_text
from mailer_gui.ui.queue.panel import QueuePanel
from mailer_gui.ui.queue.resolve_dialog import (
    COL_AT,
    COL_ATTEMPTS,
    COL_EMAIL,
    COL_REPLY,
    ResolveDialog,
)
from mailer_gui.ui.worker import EngineWorker, notification_dict

from ..conftest import configure, drain, make_campaign
from .gui_helpers import (  # noqa: F401 (fixtures)
    FakeTray,
    gui_settings_dir_fixture,
    live_ctx_fixture,
)


@pytest.fixture
def russian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    (qm,) = [
        p for p in compile_translations(tmp_path_factory.mktemp("qm")) if p.stem.endswith("_ru")
    ]
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    try:
        yield
    finally:
        QCoreApplication.removeTranslator(tr)


def _entry(ctx: Any, cid: int) -> tuple[str, str | None]:
    with ctx.db.read() as s:
        e = queue.campaign_entry(s, cid)
        return e.status, e.reason_code


def _panel(qtbot: Any, ctx: Any) -> QueuePanel:
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)

    def refresh(_event: str = "") -> None:
        with ctx.db.read() as s:
            panel.on_snapshot(snapshot.build(s, ctx.clock.now()))

    refresh()
    ctx.listeners.append(refresh)
    return panel


# ------------------------------------------------------------ item 3


def test_saving_the_settings_dialog_releases_a_limit_hold_at_once(
    qtbot, live_ctx, smtp_server, tmp_path
):
    configure(live_ctx, smtp_server, hourly=5)
    cid = make_campaign(live_ctx, 8)
    w = EngineWorker(live_ctx)
    notes: list[dict[str, Any]] = []
    w.notificationsReady.connect(notes.extend)
    w.start()
    try:
        qtbot.waitUntil(
            lambda: _entry(live_ctx, cid) == ("deferred", "hourly_limit"), timeout=10_000
        )
        assert len(smtp_server.received) == 5
        dlg = SettingsDialog(
            live_ctx, qsettings=QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
        )
        qtbot.addWidget(dlg)
        dlg.limits_page.hourly.setValue(12)
        assert dlg.save()
        # The save re-planned in its own transaction: nothing waits any more.
        assert _entry(live_ctx, cid)[1] is None
        # ...and woke the engine: far sooner than its 30 s re-check (or the 55 min wait).
        qtbot.waitUntil(lambda: len(smtp_server.received) == 8, timeout=15_000)
        qtbot.waitUntil(lambda: _entry(live_ctx, cid)[0] == "completed", timeout=10_000)
    finally:
        assert w.stop_and_wait(10_000)
    assert [n["reason_code"] for n in notes if n["kind"] == "deferred"] == ["hourly_limit"]


# ------------------------------------------------------------ item 14(a)


def test_resume_in_the_panel_releases_a_provider_limit_hold(qtbot, ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = ["451 4.7.1 sending rate exceeded", None]
    cid = make_campaign(ctx, 2)
    drain(ctx)
    assert _entry(ctx, cid) == ("deferred", "provider_limit")
    panel = _panel(qtbot, ctx)
    panel.select_campaign(cid)
    assert panel.act_resume.isEnabled()
    panel.act_resume.trigger()
    assert _entry(ctx, cid) == ("queued", None)
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "ResumeStillWaits" and w.isVisible()
    ]
    drain(ctx)
    assert len(smtp_server.received) == 2


def test_resume_in_the_panel_says_when_the_limit_still_holds(qtbot, ctx, smtp_server):
    configure(ctx, smtp_server, hourly=1)
    cid = make_campaign(ctx, 2, name="November")
    drain(ctx)
    panel = _panel(qtbot, ctx)
    panel.select_campaign(cid)
    assert panel.act_resume.isEnabled()
    panel.act_resume.trigger()
    assert _entry(ctx, cid) == ("deferred", "hourly_limit")
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "ResumeStillWaits" and w.isVisible()
    ]
    assert len(boxes) == 1
    assert boxes[0].text() == "“November” still waits: Hourly limit reached."
    assert "Settings" in boxes[0].informativeText()
    boxes[0].close()


# ------------------------------------------------------------ items 14(b) and 10


def _uncertain(ctx: Any, server: Any, n: int = 3) -> int:
    configure(ctx, server, timezone="Asia/Kolkata")
    for i in range(n):
        server.rules[f"data:r{i}@example.org"] = ["store-then-drop", None]
    cid = make_campaign(ctx, n + 1)
    drain(ctx)
    return cid


def _statuses(ctx: Any, cid: int) -> dict[str, str]:
    with ctx.db.read() as s:
        return dict(
            s.execute(
                select(Recipient.email, Recipient.status).where(Recipient.campaign_id == cid)
            ).all()
        )


def test_the_resolve_dialog_lists_each_and_resolves_one_row(qtbot, ctx, smtp_server):
    cid = _uncertain(ctx, smtp_server)
    dlg = ResolveDialog(ctx, cid, "Promo")
    qtbot.addWidget(dlg)
    assert dlg.addresses() == ["r0@example.org", "r1@example.org", "r2@example.org"]
    t = dlg.table
    assert [t.item(r, COL_EMAIL).text() for r in range(t.rowCount())] == dlg.addresses()
    # Handed over at 07:00 UTC: 12:30 in the settings' zone (Kolkata), named
    # unless the laptop is in that zone too.
    at = t.item(0, COL_AT).text()
    assert at.startswith("25.11.2026 12:30:00")
    local = datetime(2026, 11, 25, 7, 0, tzinfo=UTC).astimezone().utcoffset()
    assert at.endswith("(Asia/Kolkata)") == (local.total_seconds() != 5.5 * 3600)
    assert t.item(0, COL_ATTEMPTS).text() == "1"
    assert t.item(0, COL_REPLY).text()  # what the app knows of the server's last words
    dlg.set_decision(1, "mark_sent")
    assert dlg.apply()
    assert _statuses(ctx, cid) == {
        "r0@example.org": "uncertain",
        "r1@example.org": "sent",
        "r2@example.org": "uncertain",
        "r3@example.org": "sent",
    }
    again = ResolveDialog(ctx, cid, "Promo")
    qtbot.addWidget(again)
    assert again.addresses() == ["r0@example.org", "r2@example.org"]
    again.set_decision(0, "requeue")
    again.set_decision(1, "mark_sent")
    assert again.apply()
    drain(ctx)
    got = [r.rcpt_tos[0] for r in smtp_server.received]
    assert got.count("r0@example.org") == 2 and got.count("r1@example.org") == 1
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "completed"


def test_the_panel_opens_the_resolve_dialog(qtbot, ctx, smtp_server):
    cid = _uncertain(ctx, smtp_server, n=2)
    panel = _panel(qtbot, ctx)
    panel.select_campaign(cid)
    assert panel.act_resolve.isEnabled()
    seen: list[list[str]] = []

    def answer() -> None:
        dlg = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ResolveDialog) and w.isVisible()
        )
        seen.append(dlg.addresses())
        seen.append([" ".join(lbl.text() for lbl in dlg.findChildren(QLabel))])
        dlg.set_all("mark_sent")
        dlg.apply_button.click()

    QTimer.singleShot(100, answer)
    assert panel.resolve_selected()
    assert seen[0] == ["r0@example.org", "r1@example.org"]
    assert "2 recipient(s) of “Promo” are uncertain" in seen[1][0]
    assert "duplicate" in seen[1][0]  # the risk of each choice is said
    assert set(_statuses(ctx, cid).values()) == {"sent"}


def test_nothing_chosen_writes_nothing(qtbot, ctx, smtp_server):
    cid = _uncertain(ctx, smtp_server, n=1)
    dlg = ResolveDialog(ctx, cid, "Promo")
    qtbot.addWidget(dlg)
    QTimer.singleShot(
        100,
        lambda: next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ).accept(),
    )
    assert not dlg.apply()
    assert _statuses(ctx, cid)["r0@example.org"] == "uncertain"


def _crash_notice(ctx: Any, n: int) -> dict[str, Any]:
    from mailer_gui.core.sending.engine import Engine

    cid = make_campaign(ctx, n)
    with ctx.db.write() as s:
        for r in s.scalars(select(Recipient).where(Recipient.campaign_id == cid)):
            r.status, r.engine_id = "sending", "other-host:1:dead"
    eng = Engine(ctx)
    eng.acquire()
    eng.release()
    with ctx.db.read() as s:
        note = s.scalars(select(Notification).where(Notification.kind == "uncertain")).one()
        return notification_dict(s, note, "UTC")


def test_the_crash_notice_names_the_recipients(qtbot, ctx):
    d = _crash_notice(ctx, 7)
    text = notification_text(d)
    assert text.startswith("7 recipient(s) of “Promo” are uncertain")
    assert text.endswith(
        "r0@example.org, r1@example.org, r2@example.org, r3@example.org, r4@example.org and 2 more"
    )
    tray = FakeTray()
    notifier = Notifier(tray=tray)
    notifier.on_notifications([d])
    assert tray.messages and "r4@example.org and 2 more" in tray.messages[0][1]


def test_the_crash_notice_and_the_dialog_in_russian(qtbot, ctx, russian):
    d = _crash_notice(ctx, 6)
    text = notification_text(d)
    assert text.startswith("Получателей рассылки «Promo» с неясным результатом: 6.")
    assert text.endswith("r4@example.org и ещё 1")
    dlg = ResolveDialog(ctx, 1, "Promo")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Получатели с неясным результатом"
    assert dlg.table.horizontalHeaderItem(COL_EMAIL).text() == "Адрес"
    assert dlg.combos[0].itemText(1) == "Считать отправленным"
