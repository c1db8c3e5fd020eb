"""The queue panel over real snapshots of a real SQLite queue (simulated clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import event, select

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.store.models import QueueEntry, Recipient
from mailer_gui.ui.i18n_build import compile_translations
from mailer_gui.ui.queue import actions as queue_actions
from mailer_gui.ui.queue.panel import COL_NEXT_RUN, COL_REASON, QueuePanel
from mailer_gui.ui.queue.reasons import countdown_text, reason_text

from ..conftest import make_campaign

TIMED = (
    "outside_hours",
    "hourly_limit",
    "monthly_quota",
    "transient_error",
    "provider_limit",
    "scheduled",
)
HELD = ("smtp_not_configured", "smtp_auth_failed", "smtp_rejected")


def _panel(qtbot: Any, ctx: Any) -> QueuePanel:
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    refresh(panel, ctx)
    # What the worker does on a queue change: a new snapshot for the panel.
    ctx.listeners.append(lambda _e: refresh(panel, ctx))
    return panel


def refresh(panel: QueuePanel, ctx: Any) -> None:
    with ctx.db.read() as s:
        panel.on_snapshot(snapshot.build(s, ctx.clock.now()))


def _row(panel: QueuePanel, campaign_id: int) -> int:
    return next(
        r for r in range(panel.model.rowCount()) if panel.model.entry(r).campaign_id == campaign_id
    )


def _cell(panel: QueuePanel, campaign_id: int, col: int, role: int = Qt.DisplayRole) -> Any:
    return panel.model.index(_row(panel, campaign_id), col).data(role)


def _every_reason(ctx: Any) -> dict[str, int]:
    """One campaign per reason code, deferred through the one ``defer()``."""
    now = ctx.clock.now()
    ids = {code: make_campaign(ctx, 2, name=code) for code in (*TIMED, *HELD, "paused")}
    ids["waiting"] = make_campaign(ctx, 2, name="waiting")
    active = make_campaign(ctx, 2, name="active")
    with ctx.db.write() as s:
        for i, code in enumerate(TIMED):
            queue.defer(
                s,
                queue.campaign_entry(s, ids[code]),
                code,
                now + timedelta(minutes=5 * (i + 1)),
                now,
            )
        for code in HELD:
            queue.defer(s, queue.campaign_entry(s, ids[code]), code, None, now)
        queue.pause(s, ids["paused"], now)
        queue.start_processing(s, queue.campaign_entry(s, active), now)
    return ids


def test_each_reason_code_is_shown_in_words_with_the_code_in_the_tooltip(qtbot, ctx):
    ids = _every_reason(ctx)
    panel = _panel(qtbot, ctx)
    for code, cid in ids.items():
        words = _cell(panel, cid, COL_REASON)
        assert words == reason_text(code) and words and words != code
        assert _cell(panel, cid, COL_REASON, Qt.ToolTipRole).startswith(code)


def test_reasons_are_translated_to_russian(qtbot, ctx, tmp_path):
    ids = _every_reason(ctx)
    (qm,) = [p for p in compile_translations(tmp_path / "qm") if p.stem.endswith("_ru")]
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    try:
        panel = _panel(qtbot, ctx)
        for cid in ids.values():
            words = _cell(panel, cid, COL_REASON)
            assert any("а" <= ch <= "я" for ch in words.lower()), words
        assert panel.model.headerData(COL_REASON, Qt.Horizontal) == "Почему ждёт"
    finally:
        QCoreApplication.removeTranslator(tr)


def test_countdown_ticks_each_second_from_next_run_at_without_queries(qtbot, ctx):
    cid = make_campaign(ctx, 3)
    now = ctx.clock.now()
    with ctx.db.write() as s:
        queue.defer(
            s, queue.campaign_entry(s, cid), "hourly_limit", now + timedelta(seconds=125), now
        )
    panel = _panel(qtbot, ctx)
    next_run = panel.model.entry(_row(panel, cid)).next_run_at
    queries: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    seen = [_cell(panel, cid, COL_NEXT_RUN)]
    for _ in range(2):
        with qtbot.waitSignal(panel.model.dataChanged, timeout=2500):
            pass
        seen.append(_cell(panel, cid, COL_NEXT_RUN))
        expected = countdown_text((next_run - panel.model.now()).total_seconds())
        assert seen[-1] == expected
    secs = [int(t.split(":")[0]) * 60 + int(t.split(":")[1]) for t in seen]
    assert secs[0] <= 125 and secs[0] - secs[-1] >= 1
    assert all(b <= a for a, b in zip(secs, secs[1:], strict=False))
    assert queries == []


def _live(ctx: Any) -> list[tuple[int, str]]:
    with ctx.db.read() as s:
        return [(e.campaign_id, e.status) for e in queue.live_entries(s)]


def test_pause_resume_cancel_and_move_change_the_queue_table(qtbot, ctx, monkeypatch):
    a = make_campaign(ctx, 2, name="A")
    b = make_campaign(ctx, 2, name="B")
    panel = _panel(qtbot, ctx)
    panel.select_campaign(b)
    panel.act_up.trigger()
    assert [cid for cid, _ in _live(ctx)] == [b, a]
    panel.select_campaign(b)
    panel.act_down.trigger()
    assert [cid for cid, _ in _live(ctx)] == [a, b]
    panel.select_campaign(a)
    panel.act_pause.trigger()
    assert dict(_live(ctx))[a] == "paused"
    assert _cell(panel, a, COL_REASON) == reason_text("paused")  # the new snapshot arrived
    assert panel.act_resume.isEnabled() and not panel.act_pause.isEnabled()
    panel.act_resume.trigger()
    assert dict(_live(ctx))[a] == "queued"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    panel.select_campaign(a)
    panel.act_cancel.trigger()
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, a).status == "cancelled"
    assert [cid for cid, _ in _live(ctx)] == [b]


@pytest.mark.parametrize(("decision", "expected"), [("mark_sent", "sent"), ("requeue", "pending")])
def test_resolve_uncertain_asks_and_explains_the_duplicate_risk(qtbot, ctx, decision, expected):
    from PySide6.QtWidgets import QLabel

    from mailer_gui.ui.queue.resolve_dialog import ResolveDialog

    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        r = s.scalars(select(Recipient).where(Recipient.campaign_id == cid)).first()
        r.status = "uncertain"
    panel = _panel(qtbot, ctx)
    panel.select_campaign(cid)
    assert panel.act_resolve.isEnabled()
    texts: list[str] = []

    def answer() -> None:
        dlg = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ResolveDialog) and w.isVisible()
        )
        texts.append(" ".join(lbl.text() for lbl in dlg.findChildren(QLabel)))
        dlg.set_all(decision)
        dlg.apply_button.click()

    QTimer.singleShot(100, answer)
    assert panel.resolve_selected()
    assert "duplicate" in texts[0]
    with ctx.db.read() as s:
        statuses = set(s.scalars(select(Recipient.status).where(Recipient.campaign_id == cid)))
        assert expected in statuses and "uncertain" not in statuses
        assert s.scalars(select(QueueEntry.status)).all() == ["queued"]


def test_errors_from_the_core_are_shown_not_raised(qtbot, ctx, monkeypatch):
    cid = make_campaign(ctx, 1, enqueue=False)
    panel = _panel(qtbot, ctx)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    e = snapshot.EntryStatus(0, cid, "x", "campaign", "queued", 1, None, None, None, {}, None)
    assert not queue_actions.pause(ctx, panel, e)
    assert "not in the queue" in shown[0]
