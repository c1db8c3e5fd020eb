"""The snapshot's ETA (issue 11): every rate rule in force, over its calendar
period and its rolling window, the pacing gap and the calendar. Real SQLite;
times from the walk's model (one message a second at most, a rolling window
starting at its first send), worked out by hand in each test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mailer_gui.core.sending import snapshot
from mailer_gui.core.store.models import SlotReservation

from .conftest import configure, make_campaign
from .zones import laptop_zone_fixture  # noqa: F401

T0 = datetime(2026, 11, 25, 7, 0, 10, tzinfo=UTC)  # a Wednesday, 10:00:10 in Moscow
S = timedelta(seconds=1)


@pytest.fixture(params=["America/Los_Angeles", "Asia/Kolkata", "UTC"], autouse=True)
def _laptop(request, laptop_zone):
    laptop_zone(request.param)


def _eta(ctx, clock, cid):
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now())
    (e,) = [e for e in snap.entries if e.campaign_id == cid and e.position is not None]
    return e.eta


def test_per_minute_rule(ctx, smtp_server, clock):
    configure(ctx, smtp_server, per_minute=10, hourly=1000)
    clock.set(T0)
    cid = make_campaign(ctx, 30)
    # 10 from 07:00:10; the rolling minute frees at 07:01:10 (the clock minute
    # at 07:01:00 is not enough); 10 more; again at 07:02:10; the last at 07:02:19.
    assert _eta(ctx, clock, cid) == T0 + 2 * 60 * S + 10 * S


def test_daily_rule_over_the_local_day_and_the_rolling_day(ctx, smtp_server, clock):
    configure(ctx, smtp_server, daily=5)
    clock.set(T0)
    cid = make_campaign(ctx, 12)
    # 5 today; Moscow's day ends at 21:00 UTC, but the rolling 24 h hold until
    # 07:00:10 tomorrow: 5 then, and the last 2 the day after.
    assert _eta(ctx, clock, cid) == T0 + timedelta(days=2) + 2 * S


def test_a_full_rolling_day_in_the_ledger(ctx, smtp_server, clock):
    configure(ctx, smtp_server, daily=5)
    with ctx.db.write() as s:
        for i in range(5):  # yesterday (Moscow), 23 h ago: only the rolling day is full
            s.add(SlotReservation(at=T0 - timedelta(hours=23) + i * S))
    clock.set(T0)
    cid = make_campaign(ctx, 3)
    assert _eta(ctx, clock, cid) == T0 + timedelta(hours=1) + 3 * S


def test_pacing_gap(ctx, smtp_server, clock):
    configure(ctx, smtp_server, pacing="min_gap", min_gap=60.0)
    clock.set(T0)
    cid = make_campaign(ctx, 10)
    assert _eta(ctx, clock, cid) == T0 + 9 * 60 * S + S


def test_spread_pacing_waits_for_the_last_slot(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=100, pacing="spread")
    with ctx.db.write() as s:
        s.add(SlotReservation(at=T0 - 6 * S))
    clock.set(T0)
    cid = make_campaign(ctx, 2)
    # The next may go 36 s after the last slot (T0 + 30 s), the other 36 s later.
    assert _eta(ctx, clock, cid) == T0 + 30 * S + 36 * S + S


def test_pacing_and_the_calendar(ctx, smtp_server, clock):
    # One window, 10:00-10:02 Moscow, every day; a message every 50 s: three
    # fit (10:00:10, 10:01:00, 10:01:50), the fourth goes at 10:00 tomorrow.
    configure(
        ctx,
        smtp_server,
        pacing="min_gap",
        min_gap=50.0,
        start="10:00",
        end="10:02",
    )
    clock.set(T0)
    cid = make_campaign(ctx, 4)
    assert _eta(ctx, clock, cid) == datetime(2026, 11, 26, 7, 0, 1, tzinfo=UTC)
