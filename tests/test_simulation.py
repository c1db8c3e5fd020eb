"""Weeks of simulated sending, driven by hypothesis, against a real SMTP server.

Random campaigns, limits, calendars (one window, or several windows a day,
windows crossing midnight and days off), provider syncs and clock jumps
(forward and back). Afterwards the ledger must show: no clock hour and no rolling 60
minutes over the hourly limit, no month over the quota, no send outside
working hours; every pause has its reason and (when due) its time; and
sending resumes at the very moment a paused entry's time comes.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from mailer_gui.core.clock import SimClock
from mailer_gui.core.config import settings as cfg
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import open_context
from mailer_gui.core.sending import limits, queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import QueueEntry, Recipient, SlotReservation

from .conftest import make_campaign

ZONES = ["UTC", "Europe/Moscow", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
HOUR = timedelta(hours=1)


@st.composite
def _window(draw) -> str:
    """Half-hour grid; an end at or before the start crosses midnight."""
    a = draw(st.integers(0, 47))
    b = draw(st.integers(0, 48).filter(lambda b: b != a and (a, b) != (0, 0)))
    return f"{a // 2:02d}:{a % 2 * 30:02d}-{b // 2:02d}:{b % 2 * 30:02d}"


@st.composite
def scenarios(draw):
    start = datetime(
        2026,
        draw(st.integers(1, 12)),
        draw(st.integers(1, 28)),
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        tzinfo=UTC,
    )
    start_h = draw(st.integers(0, 20))
    end_h = draw(st.integers(start_h + 1, min(24, start_h + 10)))
    days = draw(st.sets(st.sampled_from(cfg.DAY_NAMES), min_size=1))
    lim = cfg.LimitSettings(
        hourly=draw(st.integers(1, 8)),
        monthly=draw(st.integers(5, 120)),
        timezone=draw(st.sampled_from(ZONES)),
        start=f"{start_h:02d}:{draw(st.sampled_from([0, 30])) if end_h > start_h + 1 else 0:02d}",
        end=f"{end_h:02d}:00",
        days=tuple(d for d in cfg.DAY_NAMES if d in days),
    )
    if draw(st.booleans()):
        # The full calendar: several windows a day, windows crossing midnight,
        # days off within the weeks simulated.
        week = [",".join(draw(st.lists(_window(), max_size=3))) for _ in range(7)]
        if not any(week):
            week[draw(st.integers(0, 6))] = draw(_window())
        off = draw(st.lists(st.integers(-1, 20), max_size=4))
        lim = lim.with_calendar(
            windows=tuple(week),
            days_off=tuple((start.date() + timedelta(days=d)).isoformat() for d in off),
        )
    return {
        "limits": lim,
        "campaigns": draw(st.lists(st.integers(1, 30), min_size=1, max_size=3)),
        "synced": draw(st.one_of(st.none(), st.integers(0, lim.monthly))),
        "start": start,
        "jumps": draw(st.lists(st.integers(-7200, 3 * 86400), max_size=6)),
    }


def _check_ledger(
    stamps: list[datetime], lim: cfg.LimitSettings, sync: tuple[int, datetime] | None
) -> None:
    stamps = sorted(stamps)
    for a in stamps:
        in_window = sum(1 for b in stamps if a <= b < a + HOUR)
        assert in_window <= lim.hourly, f"rolling hour from {a}: {in_window}"
        assert limits.is_open(lim, a), f"sent outside working hours at {a}"
    per_hour = Counter(limits.clock_hour_start(a) for a in stamps)
    assert max(per_hour.values(), default=0) <= lim.hourly
    per_month = Counter(limits.month_start(lim, a) for a in stamps)
    for month, n in per_month.items():
        used = n
        if sync is not None and limits.month_start(lim, sync[1]) == month:
            used = sync[0] + sum(
                1 for a in stamps if limits.month_start(lim, a) == month and a >= sync[1]
            )
        assert used <= lim.monthly, f"month {month}: {used}"


def _check_pauses(session) -> None:
    for e in session.scalars(select(QueueEntry)):
        if e.status == "deferred":
            assert e.reason_code in queue.REASONS
            if e.reason_code in queue.TIMED_REASONS:
                assert e.next_run_at is not None


def _assert_not_later_than_needed(ctx, reason: str, when: datetime) -> None:
    """Recompute, from the ledger alone, that the time given is the first moment
    the reason stops holding: one second earlier it still held."""
    with ctx.db.read() as s:
        lim = cfg.load(s).limits
        stamps = list(s.scalars(select(SlotReservation.at)))
    before = when - timedelta(seconds=1)
    if reason == "hourly_limit":
        rolling = sum(1 for a in stamps if before - HOUR < a <= before)
        clock_hour = sum(
            1 for a in stamps if limits.clock_hour_start(a) == limits.clock_hour_start(before)
        )
        assert max(rolling, clock_hour) >= lim.hourly, f"hourly_limit until {when} is late"
    elif reason == "outside_hours":
        # Closed a second before, open at that second (windows, days off, clock changes).
        assert not limits.is_open(lim, before) and limits.is_open(lim, when)
        assert limits.next_open(lim, before) == when
    elif reason == "monthly_quota":
        assert when == limits.month_start(lim, when) > limits.month_start(lim, before)


def _assert_resumes_on_time(ctx, eng, clock, server) -> None:
    """At the moment a paused entry's time comes, something happens at once."""
    with ctx.db.read() as s:
        nxt = s.scalars(
            select(QueueEntry)
            .where(QueueEntry.status == "deferred", QueueEntry.next_run_at.is_not(None))
            .order_by(QueueEntry.next_run_at)
        ).first()
        if nxt is None:
            return
        when, reason = nxt.next_run_at, nxt.reason_code
        before_pending = s.query(Recipient).filter(Recipient.status == "pending").count()
    if when <= clock.now():
        return
    _assert_not_later_than_needed(ctx, reason, when)
    clock.set(when - timedelta(seconds=1))
    sent_before = len(server.received)
    eng.run_until_idle(max_steps=500)
    assert len(server.received) == sent_before, f"sent before {reason} time {when}"
    clock.set(when)
    results = eng.run_until_idle(max_steps=500)
    with ctx.db.read() as s:
        still = s.get(QueueEntry, nxt.id)
    progressed = (
        len(server.received) > sent_before
        or (still.reason_code, still.next_run_at) != (reason, when)
        or before_pending == 0
    )
    assert progressed, f"nothing happened at {when} ({reason}): {[r.kind for r in results]}"


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sc=scenarios())
def test_weeks_of_sending_keep_every_limit(smtp_server, sc):
    clock = SimClock(sc["start"])
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(
            Path(tmp), clock=clock, secrets=SecretStore(use_env=False), allow_reserved_domains=True
        )  # test harness: local server
        lim = sc["limits"]
        sync = None
        with ctx.db.write() as s:
            cfg.save_smtp(
                s,
                cfg.SmtpSettings(
                    host="127.0.0.1",
                    port=smtp_server.port,
                    security="none",
                    from_addr="n@example.com",
                    timeout=5,
                ),
            )
            cfg.save_limits(s, lim)
            if sc["synced"] is not None:
                cfg.save_quota(s, sc["synced"], clock.now())
                sync = (sc["synced"], clock.now())
        first_stamp = len(smtp_server.received)
        for i, n in enumerate(sc["campaigns"]):
            make_campaign(ctx, n, name=f"C{i}", domain=f"d{i}.example")
        eng = Engine(ctx)
        eng.acquire()
        jumps = list(sc["jumps"])
        for _ in range(400):
            eng.run_until_idle(max_steps=500)
            with ctx.db.read() as s:
                _check_pauses(s)
                live = queue.live_entries(s)
            if not live:
                break
            if jumps and len(jumps) % 2 == 0:
                clock.advance(jumps.pop())
                continue
            if jumps:
                jumps.pop()
            _assert_resumes_on_time(ctx, eng, clock, smtp_server)
        eng.release()
        with ctx.db.read() as s:
            stamps = list(s.scalars(select(SlotReservation.at)))
            live = queue.live_entries(s)
        assert len(stamps) == len(smtp_server.received) - first_stamp
        _check_ledger(stamps, lim, sync)
        # Nothing waits forever: every live entry has a time to run again.
        assert all(e.next_run_at is not None for e in live)
        ctx.close()
