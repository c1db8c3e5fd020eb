"""What a snapshot costs the GUI thread: only changed rows are re-read, the
newest of several queued snapshots is the one applied, and the engine starts
once the window is up (real snapshots of a real SQLite queue)."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt

from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import snapshot
from mailer_gui.core.sending.snapshot import Snapshot
from mailer_gui.ui.models.updates import MAX_RUNS, row_runs
from mailer_gui.ui.queue.campaign_list import COL_STATUS, CampaignList
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.queue.panel import QueuePanel
from mailer_gui.ui.window.main_window import MainWindow

from ..conftest import make_campaign
from .gui_helpers import gui_settings_dir_fixture, live_ctx_fixture  # noqa: F401 (fixtures)


def _snap(ctx: AppContext) -> Snapshot:
    with ctx.db.read() as s:
        return snapshot.build(s, ctx.clock.now())


def _with_counts(snap: Snapshot, row: int, sent: int) -> Snapshot:
    entries = list(snap.entries)
    e = entries[row]
    entries[row] = dataclasses.replace(e, counts={**e.counts, "sent": sent})
    return dataclasses.replace(snap, entries=entries)


class Recorder:
    """The model signals a view acts on."""

    def __init__(self, model: Any) -> None:
        self.changed: list[tuple[int, int, int, int]] = []
        self.resets = 0
        model.dataChanged.connect(
            lambda a, b, *_r: self.changed.append((a.row(), b.row(), a.column(), b.column()))
        )
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1


def test_row_runs_group_consecutive_rows() -> None:
    assert row_runs([]) == []
    assert row_runs([5, 1, 2, 3, 9, 2]) == [(1, 3), (5, 5), (9, 9)]
    assert MAX_RUNS >= 2


def test_queue_model_tells_only_the_changed_row(qtbot: Any, ctx: AppContext) -> None:
    for i in range(5):
        make_campaign(ctx, 3, name=f"C{i}")
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    first = _snap(ctx)
    panel.on_snapshot(first)
    rec = Recorder(panel.model)
    panel.on_snapshot(first)  # nothing changed: nothing to re-read
    assert rec.changed == [] and rec.resets == 0
    panel.on_snapshot(_with_counts(first, 2, sent=1))
    assert rec.changed == [(2, 2, 0, 6)] and rec.resets == 0
    assert panel.model.index(2, 3).data().startswith("1 of ")
    # Rows that come or go are a reset.
    make_campaign(ctx, 1, name="New")
    panel.on_snapshot(_snap(ctx))
    assert rec.resets == 1 and panel.model.rowCount() == 6


def test_campaign_list_re_reads_only_rows_whose_status_changed(qtbot: Any, ctx: AppContext) -> None:
    ids = [make_campaign(ctx, 1, name=f"C{i}", enqueue=False) for i in range(6)]
    lst = CampaignList(ctx)
    qtbot.addWidget(lst)
    lst.reload()
    rec = Recorder(lst.model)
    with ctx.db.write() as s:
        from mailer_gui.core.sending import queue

        queue.enqueue(s, ids[3], ctx.clock.now())
    lst.on_snapshot(_snap(ctx))
    row = lst.model.row_of(ids[3])
    assert rec.changed == [(row, row, COL_STATUS, COL_STATUS)]
    lst.on_snapshot(_snap(ctx))  # same statuses: silent
    assert len(rec.changed) == 1 and rec.resets == 0


def test_campaign_list_sorted_by_status_is_re_sorted(qtbot: Any, ctx: AppContext) -> None:
    ids = [make_campaign(ctx, 1, name=f"C{i}", enqueue=False) for i in range(3)]
    lst = CampaignList(ctx)
    qtbot.addWidget(lst)
    lst.reload()
    lst.view.sortByColumn(COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert [lst.proxy.index(r, 0).data() for r in range(3)] == ["C0", "C1", "C2"]
    with ctx.db.write() as s:
        from mailer_gui.core.sending import queue

        queue.enqueue(s, ids[1], ctx.clock.now())
    lst.on_snapshot(_snap(ctx))
    # Drafts first, then the queued one: it moved from the middle to the end.
    assert [lst.proxy.index(r, COL_STATUS).data() for r in range(3)] == ["Draft", "Draft", "Queued"]
    assert lst.proxy.index(2, 0).data() == "C1"


def test_window_applies_only_the_newest_of_queued_snapshots(
    qtbot: Any, live_ctx: AppContext
) -> None:
    make_campaign(live_ctx, 2, name="One")
    w = MainWindow(live_ctx, notifier=Notifier(use_system_tray=False), start_worker=False)
    qtbot.addWidget(w)
    applied: list[Snapshot] = []
    real = w.on_snapshot
    w.on_snapshot = lambda snap: (applied.append(snap), real(snap))  # type: ignore[method-assign]
    snaps = [_snap(live_ctx) for _ in range(3)]
    for snap in snaps:  # as if three arrived while the GUI thread was busy
        w.worker.snapshotReady.emit(snap)
    qtbot.waitUntil(lambda: w.last_snapshot is not None, timeout=2000)
    qtbot.wait(20)
    assert applied == [snaps[-1]] and w.last_snapshot is snaps[-1]


def test_engine_starts_after_the_window_is_shown(qtbot: Any, live_ctx: AppContext) -> None:
    w = MainWindow(live_ctx, notifier=Notifier(use_system_tray=False))
    qtbot.addWidget(w)
    try:
        qtbot.wait(50)
        assert not w.worker.isRunning()  # built, not shown: the engine waits
        with qtbot.waitSignal(w.shown, timeout=5000):
            w.show()
        qtbot.waitUntil(w.worker.isRunning, timeout=3000)
        qtbot.waitUntil(lambda: w.last_snapshot is not None, timeout=5000)
    finally:
        w.quit_app()
        qtbot.waitUntil(lambda: w._closed, timeout=15_000)  # noqa: SLF001
        assert w.worker.stop_and_wait(15_000)


def test_quit_before_the_engine_started_closes_the_window(qtbot: Any, live_ctx: AppContext) -> None:
    w = MainWindow(live_ctx, notifier=Notifier(use_system_tray=False))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.shown, timeout=5000):
        w.show()
    w.quit_app()  # at once, as --smoke does
    qtbot.waitUntil(lambda: w._closed and not w.isVisible(), timeout=5000)  # noqa: SLF001
    qtbot.wait(300)
    assert not w.worker.isRunning()


START_PROBE = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mailer_gui.core.context import open_context
from mailer_gui.ui.window.main_window import MainWindow
from mailer_gui.ui.queue.notifications import Notifier
ctx = open_context(Path(sys.argv[1]))
w = MainWindow(ctx, notifier=Notifier(use_system_tray=False), start_worker=False)
print(json.dumps(sorted(sys.modules)))
"""


def test_building_the_window_leaves_heavy_parts_for_later(tmp_path: Any) -> None:
    """Dialogs, reports, address validation and the engine load when used.
    (Jinja2 is not in the list: the editor renders its first preview at once.)"""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", START_PROBE, str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "mailer_gui.ui.window.main_window" in loaded
    for heavy in (
        "mailer_gui.ui.dialogs.export",
        "mailer_gui.ui.dialogs.import_wizard",
        "mailer_gui.ui.dialogs.settings",
        "mailer_gui.ui.window.about",
        "mailer_gui.core.reports.data",
        "mailer_gui.core.audience.contacts",
        "mailer_gui.core.sending.engine",
        "openpyxl",
        "email_validator",
    ):
        assert heavy not in loaded, heavy
