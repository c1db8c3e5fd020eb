"""Settings that re-plan (issue 9, item 3), resume that releases any hold
(14a), per-recipient decisions on uncertain recipients (14b) and the
notification naming them after a crash (10), with the real engine, a real
SQLite file and a real SMTP server."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mailer_gui.core.config import settings
from mailer_gui.core.errors import StateError
from mailer_gui.core.sending import queue, replan
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Notification, PauseEvent, Recipient

from .conftest import configure, make_campaign
from .conftest import drain as run

pytestmark = pytest.mark.backends


def entry_of(ctx, cid):
    with ctx.db.read() as s:
        e = queue.campaign_entry(s, cid)
        return (e.status, e.reason_code, e.next_run_at)


def deferred_notices(ctx):
    with ctx.db.read() as s:
        return [
            (n.reason_code, n.next_run_at)
            for n in s.scalars(
                select(Notification)
                .where(Notification.kind == "deferred")
                .order_by(Notification.id)
            )
        ]


def save_limits(ctx, clock, **changes):
    with ctx.db.write() as s:
        cur = settings.load(s).limits
        return replan.save_and_replan(s, clock.now(), limits=dataclasses.replace(cur, **changes))


def rcpts(server):
    return [r.rcpt_tos[0] for r in server.received]


# ------------------------------------------------------------ item 3: re-plan


def test_raising_the_hourly_limit_releases_the_hold_in_the_save(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=5)
    cid = make_campaign(ctx, 10)
    run(ctx)
    assert len(smtp_server.received) == 5
    assert entry_of(ctx, cid) == (
        "deferred",
        "hourly_limit",
        datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
    )
    clock.advance(249)  # "Hourly limit reached, 55:51"
    assert save_limits(ctx, clock, hourly=12) == {"released": 1, "held": 0}
    # The save itself re-planned: the queue table says it may send now (D).
    assert entry_of(ctx, cid) == ("queued", None, None)
    with ctx.db.read() as s:
        assert s.scalars(select(PauseEvent).where(PauseEvent.ended_at.is_(None))).all() == []
    run(ctx)
    assert len(smtp_server.received) == 10


def test_a_raised_limit_wakes_a_sleeping_engine_which_sends_at_once(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=5)
    make_campaign(ctx, 8)
    eng = Engine(ctx)
    eng.acquire()
    thread = threading.Thread(target=eng.run_forever, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while len(smtp_server.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # now asleep until the next slot (55 min) or the 30 s re-check
        assert len(smtp_server.received) == 5
        t0 = time.monotonic()
        save_limits(ctx, clock, hourly=12)
        eng.wake()  # what the window's worker does on ctx.emit("settings")
        while len(smtp_server.received) < 8 and time.monotonic() - t0 < 10:
            time.sleep(0.02)
        assert len(smtp_server.received) == 8
        assert time.monotonic() - t0 < 10  # far under the engine's 30 s re-check
    finally:
        eng.stop()
        thread.join(30)
        eng.release()


def test_widening_the_working_hours_sends_at_once(ctx, smtp_server, clock):
    # 10:00 Moscow on a Wednesday; working hours 12:00-18:00.
    configure(
        ctx,
        smtp_server,
        timezone="Europe/Moscow",
        start="12:00",
        end="18:00",
        days=("mon", "tue", "wed", "thu", "fri"),
    )
    cid = make_campaign(ctx, 3)
    run(ctx)
    assert entry_of(ctx, cid) == (
        "deferred",
        "outside_hours",
        datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    )
    assert save_limits(ctx, clock, start="00:00", end="24:00") == {"released": 1, "held": 0}
    assert entry_of(ctx, cid)[:2] == ("queued", None)
    run(ctx)
    assert len(smtp_server.received) == 3


def test_narrowed_hours_and_a_raised_limit_still_hold_for_the_hours(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=2)
    cid = make_campaign(ctx, 4)
    run(ctx)
    assert entry_of(ctx, cid)[1] == "hourly_limit"
    # Raise the limit but close the day: the hours decide, as in the engine.
    save_limits(ctx, clock, hourly=100, timezone="Europe/Moscow", start="12:00", end="18:00")
    assert entry_of(ctx, cid) == (
        "deferred",
        "outside_hours",
        datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    )
    run(ctx)
    assert len(smtp_server.received) == 2


def test_a_lowered_limit_holds_from_the_next_message(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=12)
    cid = make_campaign(ctx, 6)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.step()  # r0 claimed and handed over
        eng.step()  # r0 recorded, r1 claimed and handed over
        assert save_limits(ctx, clock, hourly=2) == {"released": 0, "held": 0}
        eng.step()  # r1 recorded; the next one waits
        assert entry_of(ctx, cid)[:2] == ("deferred", "hourly_limit")
    finally:
        eng.release()
    assert rcpts(smtp_server) == ["r0@example.org", "r1@example.org"]
    assert entry_of(ctx, cid) == (
        "deferred",
        "hourly_limit",
        datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
    )


def test_a_lowered_limit_moves_a_waiting_entry_later_with_one_notice(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=5)
    cid = make_campaign(ctx, 10)
    run(ctx, max_steps=2)  # 2 sent at 07:00
    clock.set(datetime(2026, 11, 25, 7, 30, tzinfo=UTC))
    run(ctx)  # 3 more at 07:30: 5/5 in this clock hour, free at 08:00
    eight = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert entry_of(ctx, cid) == ("deferred", "hourly_limit", eight)
    assert deferred_notices(ctx) == [("hourly_limit", eight)]
    clock.advance(60)
    # At 08:00 the three sent at 07:30 are still in the rolling hour: with a
    # limit of 3 the next slot is 08:30, and the countdown says so now.
    assert save_limits(ctx, clock, hourly=3) == {"released": 0, "held": 1}
    half_past = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert entry_of(ctx, cid) == ("deferred", "hourly_limit", half_past)
    assert deferred_notices(ctx) == [("hourly_limit", eight), ("hourly_limit", half_past)]
    save_limits(ctx, clock, hourly=3)  # saved again, nothing new: nobody is told again
    save_limits(ctx, clock, monthly=20_000)
    assert deferred_notices(ctx) == [("hourly_limit", eight), ("hourly_limit", half_past)]
    clock.set(eight)
    run(ctx)
    assert len(smtp_server.received) == 5
    clock.set(half_past)
    run(ctx)
    assert len(smtp_server.received) == 8  # the 07:30 three left the rolling hour


def test_a_time_zone_change_re_plans_the_wait(ctx, smtp_server, clock):
    configure(
        ctx,
        smtp_server,
        timezone="Europe/Moscow",
        start="12:00",
        end="18:00",
        days=("mon", "tue", "wed", "thu", "fri"),
    )
    cid = make_campaign(ctx, 2)
    run(ctx)
    moscow_noon = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert entry_of(ctx, cid) == ("deferred", "outside_hours", moscow_noon)
    # 07:00 in London: the window opens at 12:00 London, 12:00 UTC.
    assert save_limits(ctx, clock, timezone="Europe/London") == {"released": 0, "held": 1}
    london_noon = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert entry_of(ctx, cid) == ("deferred", "outside_hours", london_noon)
    assert deferred_notices(ctx) == [("outside_hours", moscow_noon), ("outside_hours", london_noon)]
    # 12:30 in Kolkata: open now.
    assert save_limits(ctx, clock, timezone="Asia/Kolkata") == {"released": 1, "held": 0}
    run(ctx)
    assert len(smtp_server.received) == 2
    assert len(deferred_notices(ctx)) == 2


def test_a_time_zone_change_moves_the_monthly_reset(ctx, smtp_server, clock):
    configure(ctx, smtp_server, monthly=2, timezone="Europe/Moscow")
    cid = make_campaign(ctx, 3)
    run(ctx)
    assert entry_of(ctx, cid) == (
        "deferred",
        "monthly_quota",
        datetime(2026, 11, 30, 21, 0, tzinfo=UTC),
    )
    save_limits(ctx, clock, timezone="America/New_York")
    assert entry_of(ctx, cid) == (
        "deferred",
        "monthly_quota",
        datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
    )
    assert save_limits(ctx, clock, monthly=3) == {"released": 1, "held": 0}
    run(ctx)
    assert len(smtp_server.received) == 3


def test_an_unchanged_save_notifies_nobody_and_keeps_the_pause(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=5)
    cid = make_campaign(ctx, 8)
    run(ctx)
    before = entry_of(ctx, cid)
    notes = deferred_notices(ctx)
    assert len(notes) == 1
    with ctx.db.write() as s:
        st = settings.load(s)
        # The SMTP account saved again (as the Settings window does) plus the limits.
        assert replan.save_and_replan(s, clock.now(), smtp=st.smtp, limits=st.limits) == {
            "released": 0,
            "held": 1,
        }
    assert entry_of(ctx, cid) == before
    assert deferred_notices(ctx) == notes
    with ctx.db.read() as s:
        assert len(s.scalars(select(PauseEvent)).all()) == 1  # the same pause goes on


def test_new_smtp_settings_release_a_transient_error_hold(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = ["421 4.3.2 try later", None]
    cid = make_campaign(ctx, 2)
    run(ctx)
    assert entry_of(ctx, cid)[1] == "transient_error"
    with ctx.db.write() as s:
        st = settings.load(s)
        new = dataclasses.replace(st.smtp, from_name="Example Newsroom")
        assert replan.save_and_replan(s, clock.now(), smtp=new) == {"released": 1, "held": 0}
    run(ctx)
    assert len(smtp_server.received) == 2


def test_a_provider_limit_stays_unless_the_account_changes(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = ["451 4.7.1 sending rate exceeded", None]
    cid = make_campaign(ctx, 2)
    run(ctx)
    assert entry_of(ctx, cid)[1] == "provider_limit"
    with ctx.db.write() as s:
        st = settings.load(s)
        same_account = dataclasses.replace(st.smtp, from_name="Other name")
        replan.save_and_replan(s, clock.now(), smtp=same_account)
    assert entry_of(ctx, cid)[1] == "provider_limit"  # the server said so; not ours to undo
    with ctx.db.write() as s:  # another login: another account, its own limits
        st = settings.load(s)
        replan.save_and_replan(s, clock.now(), smtp=dataclasses.replace(st.smtp, user="u2"))
    assert entry_of(ctx, cid)[:2] == ("queued", None)


# ------------------------------------------------------------ item 14(a): resume


def test_resume_releases_a_provider_limit_hold(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = ["451 4.7.1 sending rate exceeded", None]
    cid = make_campaign(ctx, 2)
    run(ctx)
    assert entry_of(ctx, cid)[1] == "provider_limit"
    with ctx.db.write() as s:
        queue.resume(s, cid, clock.now())
    assert entry_of(ctx, cid) == ("queued", None, None)
    run(ctx)
    assert len(smtp_server.received) == 2


def test_resume_of_a_limit_hold_says_it_still_waits(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=2)
    cid = make_campaign(ctx, 4)
    run(ctx)
    before = entry_of(ctx, cid)
    notes = deferred_notices(ctx)
    with ctx.db.write() as s:
        e = queue.resume(s, cid, clock.now())
        assert (e.status, e.reason_code) == ("deferred", "hourly_limit")
    assert entry_of(ctx, cid) == before
    assert deferred_notices(ctx) == notes
    with ctx.db.read() as s:
        assert len(s.scalars(select(PauseEvent)).all()) == 1


# ------------------------------------------------------------ item 10: crash notice


def _left_sending(ctx, cid, n):
    with ctx.db.write() as s:
        rows = s.scalars(
            select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.id).limit(n)
        ).all()
        for i, r in enumerate(rows):
            r.status, r.engine_id = "sending", "other-host:1:dead"
            r.claimed_at = datetime(2026, 11, 25, 6, 0, i, tzinfo=UTC)
            r.attempts = 1
        queue.campaign_entry(s, cid).status = "processing"


def test_a_crash_notice_names_the_uncertain_recipients(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 9)
    _left_sending(ctx, cid, 7)
    eng = Engine(ctx)
    assert eng.acquire()["uncertain"] == 7
    eng.release()
    with ctx.db.read() as s:
        notes = s.scalars(select(Notification).where(Notification.kind == "uncertain")).all()
        assert len(notes) == 1
        n = notes[0]
        assert (n.campaign_id, n.entry_id) == (cid, queue.campaign_entry(s, cid).id)
    assert "7 recipient(s) of “Promo” are uncertain" in n.text
    assert n.text.endswith(
        "r0@example.org, r1@example.org, r2@example.org, r3@example.org, r4@example.org and 2 more"
    )
    assert queue.uncertain_notice_parts(n.text) == (7, [f"r{i}@example.org" for i in range(5)], 2)
    # A second take-over finds nothing new: no second notice.
    eng = Engine(ctx)
    eng.acquire()
    eng.release()
    with ctx.db.read() as s:
        assert (
            len(s.scalars(select(Notification).where(Notification.kind == "uncertain")).all()) == 1
        )


# ------------------------------------------------------------ item 14(b): one by one


def _five_uncertain(ctx, smtp_server):
    configure(ctx, smtp_server)
    for i in range(5):
        smtp_server.rules[f"data:r{i}@example.org"] = ["store-then-drop", None]
    cid = make_campaign(ctx, 6)
    run(ctx)
    with ctx.db.read() as s:
        assert [u.email for u in queue.uncertain_recipients(s, cid)] == [
            f"r{i}@example.org" for i in range(5)
        ]
    return cid


def test_resolve_one_recipient_at_a_time(ctx, smtp_server, clock):
    cid = _five_uncertain(ctx, smtp_server)
    assert len(smtp_server.received) == 6
    with ctx.db.read() as s:
        u = queue.uncertain_recipients(s, cid)[0]
    assert u.attempts == 1 and u.claimed_at is not None and u.reply
    with ctx.db.write() as s:
        assert (
            queue.resolve_uncertain(
                s,
                cid,
                "mark_sent",
                clock.now(),
                emails=["R0@Example.org", "r1@example.org", "r2@example.org", "r3@example.org"],
            )
            == 4
        )
    with ctx.db.read() as s:
        assert [u.email for u in queue.uncertain_recipients(s, cid)] == ["r4@example.org"]
        assert queue.campaign_entry(s, cid).status == "completed_with_errors"
    with ctx.db.write() as s:
        assert (
            queue.resolve_uncertain(s, cid, "requeue", clock.now(), emails=["r4@example.org"]) == 1
        )
    run(ctx)
    assert rcpts(smtp_server).count("r4@example.org") == 2
    assert rcpts(smtp_server).count("r0@example.org") == 1  # no duplicate for the others
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "completed"


def test_resolve_an_address_that_is_not_uncertain_changes_nothing(ctx, smtp_server, clock):
    cid = _five_uncertain(ctx, smtp_server)
    with pytest.raises(
        StateError,
        match=r"r5@example.org.*the uncertain ones are "
        r"r0@example.org.*nothing was changed",
    ):
        with ctx.db.write() as s:
            queue.resolve_uncertain(
                s, cid, "mark_sent", clock.now(), emails=["r0@example.org", "r5@example.org"]
            )
    with ctx.db.read() as s:
        assert len(queue.uncertain_recipients(s, cid)) == 5


def test_resume_of_a_scheduled_start_keeps_it_and_its_pause(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 1, enqueue=False)
    start = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    with ctx.db.write() as s:
        queue.enqueue(s, cid, clock.now(), start_at=start)
    with ctx.db.write() as s:
        queue.resume(s, cid, clock.now())
    assert entry_of(ctx, cid) == ("deferred", "scheduled", start)
    with ctx.db.read() as s:
        assert len(s.scalars(select(PauseEvent)).all()) == 1
