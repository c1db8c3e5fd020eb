"""The edge cases of docs/spec.md at the queue level, with the real engine and server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.errors import LeaseHeldError, StateError
from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Notification, PauseEvent, QueueEntry, Recipient

from .conftest import configure, make_campaign
from .conftest import drain as run

pytestmark = pytest.mark.backends


def entry_of(ctx, cid):
    with ctx.db.read() as s:
        return queue.campaign_entry(s, cid)


def notifications(ctx):
    with ctx.db.read() as s:
        return [
            (n.kind, n.reason_code, n.next_run_at)
            for n in s.scalars(select(Notification).order_by(Notification.id))
        ]


def test_monthly_quota_defers_to_first_moment_of_next_month(ctx, smtp_server, clock):
    configure(ctx, smtp_server, monthly=10, timezone="Europe/Moscow")
    with ctx.db.write() as s:
        settings.save_quota(s, 9, clock.now())  # the provider says 9 used already
    cid = make_campaign(ctx, 3)
    run(ctx)
    assert len(smtp_server.received) == 1
    e = entry_of(ctx, cid)
    assert e.reason_code == "monthly_quota"
    # 1 December 00:00 in Moscow is 30 November 21:00 UTC
    assert e.next_run_at == datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    clock.set(e.next_run_at)
    run(ctx)
    assert len(smtp_server.received) == 3


def test_quota_sync_counts_only_local_sends_after_it(ctx, smtp_server, clock):
    configure(ctx, smtp_server, monthly=100)
    make_campaign(ctx, 4)
    run(ctx)
    clock.advance(60)
    with ctx.db.write() as s:
        settings.save_quota(s, 50, clock.now())  # includes the 4 sent before
    clock.advance(60)
    make_campaign(ctx, 2, name="Second", domain="example.net")
    run(ctx)
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now())
    assert snap.budget.monthly_used == 52


def test_outside_hours_defers_every_campaign_to_the_next_window(ctx, smtp_server, clock):
    # 10:00 Moscow on a Wednesday; working hours 12:00-18:00 Mon-Fri.
    configure(
        ctx,
        smtp_server,
        timezone="Europe/Moscow",
        start="12:00",
        end="18:00",
        days=("mon", "tue", "wed", "thu", "fri"),
    )
    a = make_campaign(ctx, 2, name="A")
    b = make_campaign(ctx, 2, name="B", domain="example.net")
    run(ctx)
    opens = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for cid in (a, b):
        e = entry_of(ctx, cid)
        assert (e.status, e.reason_code, e.next_run_at) == ("deferred", "outside_hours", opens)
    # Friday 18:00 Moscow: closed until Monday 12:00 Moscow (09:00 UTC)
    clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    c = make_campaign(ctx, 1, name="C", domain="example.com")
    run(ctx)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert {entry_of(ctx, x).next_run_at for x in (a, b, c)} == {monday}
    assert smtp_server.received == []
    clock.set(monday)
    run(ctx)
    assert len(smtp_server.received) == 5


def test_test_send_skips_working_hours_but_counts_against_the_limit(ctx, smtp_server):
    configure(ctx, smtp_server, hourly=1, start="20:00", end="21:00")
    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        campaigns.test_send(s, cid, "me@example.com", ctx.clock.now())
    run(ctx)
    assert [r.rcpt_tos[0] for r in smtp_server.received] == ["me@example.com"]
    with ctx.db.write() as s:
        t2 = campaigns.test_send(s, cid, "me@example.com", ctx.clock.now()).id
    run(ctx)
    with ctx.db.read() as s:
        t = s.get(QueueEntry, t2)
        assert (t.status, t.reason_code) == ("deferred", "hourly_limit")
    assert entry_of(ctx, cid).reason_code in ("outside_hours", "hourly_limit")


def test_deferred_campaign_does_not_block_the_next_and_order_is_stable(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["rcpt:r0@a.example"] = ["451 4.3.0 busy", None]
    a = make_campaign(ctx, 1, name="A", domain="a.example")
    b = make_campaign(ctx, 2, name="B", domain="b.example")
    c = make_campaign(ctx, 1, name="C", domain="c.example")
    run(ctx)
    assert entry_of(ctx, a).reason_code == "transient_error"
    assert entry_of(ctx, b).status == entry_of(ctx, c).status == "completed"
    assert [r.rcpt_tos[0] for r in smtp_server.received] == [
        "r0@b.example",
        "r1@b.example",
        "r0@c.example",
    ]
    clock.advance(300)
    run(ctx)
    assert entry_of(ctx, a).status == "completed"


def test_priority_and_move_change_the_order(ctx, smtp_server):
    configure(ctx, smtp_server)
    a = make_campaign(ctx, 1, name="A", domain="a.example")
    b = make_campaign(ctx, 1, name="B", domain="b.example")
    c = make_campaign(ctx, 1, name="C", domain="c.example")
    with ctx.db.write() as s:
        queue.move(s, c, -1)  # C before B
        queue.move(s, c, -1)  # C before A
        queue.move(s, c, -1)  # already first: no change
        queue.set_priority(s, b, 5)
    with ctx.db.read() as s:
        order = [e.campaign_id for e in queue.live_entries(s)]
    assert order == [b, c, a]
    run(ctx)
    assert [r.rcpt_tos[0].split("@")[1] for r in smtp_server.received] == [
        "b.example",
        "c.example",
        "a.example",
    ]


def test_pause_and_resume_and_cancel_rules(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 3)
    with ctx.db.write() as s:
        queue.pause(s, cid, ctx.clock.now())
    run(ctx)
    assert smtp_server.received == []
    with ctx.db.write() as s:
        queue.resume(s, cid, ctx.clock.now())
    with ctx.db.write() as s, pytest.raises(StateError):
        queue.enqueue(s, cid, ctx.clock.now())
    run(ctx)
    assert len(smtp_server.received) == 3
    with ctx.db.write() as s, pytest.raises(StateError, match="not in the queue"):
        queue.cancel(s, cid, ctx.clock.now())
    with ctx.db.read() as s:
        reasons = [p.reason_code for p in s.scalars(select(PauseEvent))]
        ended = [p.ended_at is not None for p in s.scalars(select(PauseEvent))]
    assert reasons == ["paused"] and ended == [True]


def test_notifications_once_per_change_of_reason_or_time(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=2)
    cid = make_campaign(ctx, 7)
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    eng.run_until_idle()  # nothing changed: no second notification
    first = notifications(ctx)
    assert first == [("deferred", "hourly_limit", entry_of(ctx, cid).next_run_at)]
    clock.set(entry_of(ctx, cid).next_run_at)
    eng.run_until_idle()  # sends 2, then the same reason again: not repeated
    assert notifications(ctx) == first
    smtp_server.rules["rcpt"] = "451 4.3.0 busy"
    clock.set(entry_of(ctx, cid).next_run_at)
    eng.run_until_idle()  # a new reason: one notification
    assert [n[1] for n in notifications(ctx)] == ["hourly_limit", "transient_error"]
    clock.set(entry_of(ctx, cid).next_run_at)
    eng.run_until_idle()  # same pause, a new time (back-off): one more
    assert [n[1] for n in notifications(ctx)] == [
        "hourly_limit",
        "transient_error",
        "transient_error",
    ]
    del smtp_server.rules["rcpt"]
    for _ in range(5):
        clock.set(entry_of(ctx, cid).next_run_at or clock.now())
        eng.run_until_idle()
    eng.release()
    kinds = [n[0] for n in notifications(ctx)]
    assert kinds.count("finished") == 1
    with ctx.db.read() as s:
        text = s.scalars(select(Notification.text).where(Notification.kind == "finished")).one()
    assert "completed" in text and "7 sent" in text


def test_stale_entries_are_finished_honestly(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        rs = s.scalars(select(Recipient).where(Recipient.campaign_id == cid)).all()
        rs[0].status, rs[1].status = "sent", "uncertain"
    eng = Engine(ctx)
    result = eng.acquire()  # reconcile: nothing left to send
    eng.release()
    assert result["finished"] == 1
    assert entry_of(ctx, cid).status == "completed_with_errors"


def test_sending_left_by_a_dead_engine_becomes_uncertain(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        r = s.scalars(select(Recipient).where(Recipient.campaign_id == cid)).first()
        r.status, r.engine_id = "sending", "other-host:1:dead"
        queue.campaign_entry(s, cid).status = "processing"
    run(ctx)
    with ctx.db.read() as s:
        states = sorted(s.scalars(select(Recipient.status)))
    assert states == ["sent", "uncertain"]
    assert len(smtp_server.received) == 1
    assert entry_of(ctx, cid).status == "completed_with_errors"


def test_a_live_lease_refuses_a_second_engine_in_process(ctx):
    first = Engine(ctx, label="window")
    first.acquire()
    second = Engine(ctx, label="cli run")
    with pytest.raises(LeaseHeldError, match=r"another Mailer \(window, pid"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


def test_operator_reasons_carry_no_time_and_timed_ones_need_one(ctx):
    cid = make_campaign(ctx, 1)
    with ctx.db.write() as s:
        e = queue.campaign_entry(s, cid)
        with pytest.raises(ValueError):
            queue.defer(s, e, "smtp_auth_failed", ctx.clock.now(), ctx.clock.now())
        with pytest.raises(ValueError):
            queue.defer(s, e, "hourly_limit", None, ctx.clock.now())
        with pytest.raises(ValueError):
            queue.defer(s, e, "no_such_reason", None, ctx.clock.now())


def test_snapshot_counts_and_waiting_reason(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.set_slow(0, 0)
    a = make_campaign(ctx, 2, name="A", domain="a.example")
    b = make_campaign(ctx, 1, name="B", domain="b.example")
    with ctx.db.write() as s:
        queue.start_processing(s, queue.campaign_entry(s, a), clock.now())
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now())
    assert snap.active_campaign == (a, "A") and snap.queued_count == 1
    by_id = {e.campaign_id: e for e in snap.entries}
    assert by_id[b].reason_code == "waiting" and by_id[b].position == 2
    assert by_id[a].position == 1 and by_id[a].counts["pending"] == 2
    assert by_id[b].eta >= by_id[a].eta
    assert snap.next_campaign_at == clock.now()
    with ctx.db.write() as s:
        queue.pause(s, b, clock.now())
    run(ctx)
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now() + timedelta(seconds=1))
    by_id = {e.campaign_id: e for e in snap.entries}
    assert by_id[b].status == "paused" and by_id[b].eta is None
    assert by_id[a].status == "completed" and by_id[a].position is None
