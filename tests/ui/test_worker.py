"""The worker thread against a real SMTP server and a real SQLite file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.sending.snapshot import Snapshot
from mailer_gui.ui import worker as worker_mod
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.worker import EngineWorker

from ..conftest import configure, make_campaign
from .gui_helpers import (  # noqa: F401 (fixtures)
    FakeTray,
    gui_settings_dir_fixture,
    live_ctx_fixture,
    recipient_counts,
)


class Collector:
    def __init__(self, w: EngineWorker) -> None:
        self.snaps: list[Snapshot] = []
        self.notes: list[dict[str, Any]] = []
        self.lease: list[str] = []
        w.snapshotReady.connect(self.snaps.append)
        w.notificationsReady.connect(self.notes.extend)
        w.leaseHeld.connect(self.lease.append)

    def entry_status(self, campaign_id: int) -> str | None:
        if not self.snaps:
            return None
        return next(
            (
                e.status
                for e in self.snaps[-1].entries
                if e.campaign_id == campaign_id and e.kind == "campaign"
            ),
            None,
        )


def _delivered(w: EngineWorker) -> None:
    """Deliver what the finished thread emitted: its signals were queued to
    this thread and the test waited on the first (the snapshot), not the
    notifications that follow it in the same publish."""
    assert not w.isRunning()
    QCoreApplication.processEvents()


def _start(qtbot: Any, ctx: Any) -> tuple[EngineWorker, Collector]:
    w = EngineWorker(ctx)
    got = Collector(w)
    with qtbot.waitSignal(w.snapshotReady, timeout=5000):
        w.start()
    return w, got


def test_worker_sends_a_campaign_end_to_end(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server)
    cid = make_campaign(live_ctx, 5)
    w, got = _start(qtbot, live_ctx)
    try:
        qtbot.waitUntil(lambda: got.entry_status(cid) == "completed", timeout=10_000)
    finally:
        assert w.stop_and_wait(10_000)
    _delivered(w)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        f"r{i}@example.org" for i in range(5)
    ]
    assert recipient_counts(live_ctx, cid) == {"sent": 5}
    assert got.lease[0] == ""
    finished = [n for n in got.notes if n["kind"] == "finished"]
    assert len(finished) == 1
    assert finished[0]["final_status"] == "completed"
    assert finished[0]["counts"]["sent"] == 5 and finished[0]["campaign_name"] == "Promo"
    assert not w.isRunning()


def test_a_queue_change_wakes_the_idle_worker(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server)
    w, got = _start(qtbot, live_ctx)
    try:
        cid = make_campaign(live_ctx, 2)
        live_ctx.emit("queue")  # what the panel and the editor do after a write
        # Far sooner than the engine's 30-second periodic re-check.
        # 15 s: generous for a loaded machine, still half the 30 s re-check, so only
        # the wake-up can make it pass.
        qtbot.waitUntil(lambda: got.entry_status(cid) == "completed", timeout=15_000)
    finally:
        w.stop_and_wait(10_000)
    assert len(smtp_server.received) == 2


def test_stop_finishes_the_current_message_and_leaves_none_sending(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server)
    smtp_server.delay = 0.3
    cid = make_campaign(live_ctx, 20)
    w, _got = _start(qtbot, live_ctx)
    qtbot.waitUntil(lambda: len(smtp_server.received) >= 2, timeout=10_000)
    assert w.stop_and_wait(10_000)
    counts = recipient_counts(live_ctx, cid)
    assert counts.get("sending", 0) == 0 and counts.get("uncertain", 0) == 0
    assert counts["sent"] == len(smtp_server.received) < 20
    assert counts["sent"] + counts["pending"] == 20


def test_lease_held_elsewhere_shows_read_only_then_takes_over(
    qtbot, live_ctx, smtp_server, monkeypatch
):
    monkeypatch.setattr(worker_mod, "LEASE_RETRY_SECONDS", 0.3)
    configure(live_ctx, smtp_server)
    other = Engine(live_ctx, label="cli")
    other.acquire()
    cid = make_campaign(live_ctx, 1)
    w, got = _start(qtbot, live_ctx)
    try:
        qtbot.waitUntil(lambda: bool(got.lease) and "cli" in got.lease[0], timeout=5000)
        assert got.snaps[-1].entries and smtp_server.received == []  # read-only, still shown
        other.release()
        qtbot.waitUntil(lambda: got.entry_status(cid) == "completed", timeout=10_000)
        assert got.lease[-1] == ""
    finally:
        w.stop_and_wait(10_000)


def test_one_notification_per_change_not_per_wake(qtbot, live_ctx, smtp_server):
    configure(live_ctx, smtp_server, hourly=2)
    cid = make_campaign(live_ctx, 4)
    tray = FakeTray()
    notifier = Notifier(tray=tray)
    w, got = _start(qtbot, live_ctx)
    w.notificationsReady.connect(notifier.on_notifications)
    try:
        qtbot.waitUntil(lambda: got.entry_status(cid) == "deferred", timeout=10_000)
        qtbot.waitUntil(lambda: notifier.count() == 1, timeout=5000)
        for _ in range(3):  # each wake re-checks and re-defers with the same reason and time
            with qtbot.waitSignal(w.snapshotReady, timeout=5000):
                live_ctx.emit("queue")
    finally:
        w.stop_and_wait(10_000)
    _delivered(w)
    deferred = [n for n in got.notes if n["kind"] == "deferred"]
    assert [n["reason_code"] for n in deferred] == ["hourly_limit"]
    assert notifier.count() == 1 and len(tray.messages) == 1
    assert "Hourly limit reached" in tray.messages[0][1] and "Promo" in tray.messages[0][1]
    assert recipient_counts(live_ctx, cid) == {"sent": 2, "pending": 2}
