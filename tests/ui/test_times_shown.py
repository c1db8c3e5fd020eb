"""Times in the window (issue 9, item 7): the settings' zone everywhere, with
its label when the laptop's zone differs. The laptop here is in Los Angeles
(``TZ`` + ``tzset``), the working hours in Moscow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QTime

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.ui.editor.editor import CampaignEditor
from mailer_gui.ui.queue.campaign_list import COL_UPDATED, CampaignList
from mailer_gui.ui.queue.notifications import Notifier, notification_text
from mailer_gui.ui.queue.panel import COL_ETA, QueuePanel
from mailer_gui.ui.worker import notification_history

from ..conftest import configure, drain, make_campaign
from ..zones import laptop_zone_fixture  # noqa: F401 (fixture)
from .gui_helpers import FakeTray

# Tuesday 2026-12-01 19:00 in Moscow: after the working hours (09:00-18:00).
TUESDAY_EVENING_MSK = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


def _snapshot(ctx: Any) -> snapshot.Snapshot:
    with ctx.db.read() as s:
        return snapshot.build(s, ctx.clock.now())


def _outside_hours_notification(ctx: Any, clock: Any, smtp_server: Any) -> list[dict[str, Any]]:
    configure(ctx, smtp_server, start="09:00", end="18:00")
    clock.set(TUESDAY_EVENING_MSK)
    make_campaign(ctx, 2, name="Winter")
    drain(ctx)
    rows = notification_history(ctx)
    assert [(d["kind"], d["reason_code"]) for d in rows] == [("deferred", "outside_hours")]
    assert rows[0]["next_run_at"] == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    return rows


def test_a_notification_shows_the_moscow_time_with_its_label(
    qtbot, ctx, clock, smtp_server, laptop_zone
):
    laptop_zone("America/Los_Angeles")
    rows = _outside_hours_notification(ctx, clock, smtp_server)
    text = notification_text(rows[0])
    assert text == "“Winter” waits: Outside working hours; next try 02.12 09:00 MSK"
    tray = FakeTray()
    notifier = Notifier(tray=tray)
    notifier.on_notifications(rows)
    assert tray.messages == [("Mailer", text)]
    item = notifier.list_widget.item(0).text()
    assert item == f"01.12 19:00 MSK  {text}"


def test_no_label_when_the_laptop_is_in_moscow_too(qtbot, ctx, clock, smtp_server, laptop_zone):
    laptop_zone("Europe/Moscow")
    rows = _outside_hours_notification(ctx, clock, smtp_server)
    assert notification_text(rows[0]).endswith("; next try 02.12 09:00")
    ed = CampaignEditor(ctx)
    qtbot.addWidget(ed)
    ed.load(make_campaign(ctx, 1, enqueue=False))
    assert ed.enqueue_bar.tz_label.text() == ""


def test_campaign_list_changed_and_queue_done_by_in_moscow_time(
    qtbot, ctx, smtp_server, laptop_zone
):
    laptop_zone("America/Los_Angeles")
    configure(ctx, smtp_server)
    make_campaign(ctx, 3)  # changed at 10:00 Moscow (07:00 UTC; 23:00 the day before in LA)
    cl = CampaignList(ctx)
    qtbot.addWidget(cl)
    cl.reload()
    snap = _snapshot(ctx)
    cl.on_snapshot(snap)
    assert cl.model.index(0, COL_UPDATED).data() == "10:00 MSK"
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    panel.on_snapshot(snap)
    done_by = panel.model.index(0, COL_ETA).data()
    assert done_by.startswith("10:") and done_by.endswith(" MSK"), done_by

    laptop_zone("Europe/Moscow")
    cl.reload()
    cl.on_snapshot(snap)
    assert cl.model.index(0, COL_UPDATED).data() == "10:00"


def _enqueue_at(qtbot: Any, ctx: Any, wall: tuple[int, int, int, int, int]) -> datetime:
    ed = CampaignEditor(ctx)
    qtbot.addWidget(ed)
    cid = make_campaign(ctx, 2, enqueue=False)
    ed.load(cid)
    bar = ed.enqueue_bar
    assert bar.tz_label.text() == "Europe/Moscow (MSK)" and not bar.tz_label.isHidden()
    bar.start_check.setChecked(True)
    y, mo, d, h, mi = wall
    bar.start_edit.setDate(QDate(y, mo, d))  # as the operator types it
    bar.start_edit.setTime(QTime(h, mi))
    with qtbot.waitSignal(ed.enqueued, timeout=10_000):
        ed.enqueue()
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        assert entry is not None and entry.reason_code == "scheduled"
        return entry.start_at


def test_start_at_is_entered_in_moscow_time(qtbot, ctx, laptop_zone):
    laptop_zone("America/Los_Angeles")
    assert _enqueue_at(qtbot, ctx, (2026, 12, 2, 10, 0)) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def test_start_at_in_the_laptops_dst_gap_is_still_the_moscow_time(qtbot, ctx, laptop_zone):
    # 02:30 on 14 March 2027 does not exist in Los Angeles (clocks jump 02:00 -> 03:00);
    # in Moscow it is an ordinary time.
    laptop_zone("America/Los_Angeles")
    assert _enqueue_at(qtbot, ctx, (2027, 3, 14, 2, 30)) == datetime(
        2027, 3, 13, 23, 30, tzinfo=UTC
    )
