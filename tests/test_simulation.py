"""Weeks of simulated sending, driven by hypothesis, against a real SMTP server.

Random campaigns, rule sets (per minute, hour, day, month; the per-minute and
per-day rules sometimes off), even pacing (off, spread, a minimum gap),
calendars (one window, or several windows a day, windows crossing midnight
and days off), provider syncs and clock jumps (forward and back). Afterwards
the ledger must show: no calendar period (clock minute, clock hour, local
day, month) and no rolling window (60 s, 60 min, 24 h) over its rule, no send
outside the calendar, no two sends closer than the pacing gap; every pause
has its reason and (when due) its time, which an oracle recomputed from the
ledger alone finds exact (a rule still full a microsecond before, none at
that moment); and sending resumes at the very moment a paused entry's time,
or a paced gap, comes.

The normal suite draws a modest number of examples (the file stays under
30 s); ``-m slow`` draws many more.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from mailer_gui.core.clock import SimClock, utc
from mailer_gui.core.config import settings as cfg
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import open_context
from mailer_gui.core.sending import limits, pacing, queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import QueueEntry, Recipient, SlotReservation

from .conftest import make_campaign

ZONES = ["UTC", "Europe/Moscow", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
HOUR = timedelta(hours=1)
US = timedelta(microseconds=1)
RULE_REASONS_NAMES = {"minute_limit": "minute", "hourly_limit": "hourly", "daily_limit": "daily"}
RULE_REASONS = tuple(RULE_REASONS_NAMES)


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
    mode = draw(st.sampled_from(cfg.PACING_MODES))
    lim = cfg.LimitSettings(
        hourly=draw(st.integers(1, 8)),
        monthly=draw(st.integers(5, 120)),
        per_minute=draw(st.one_of(st.just(0), st.integers(1, 4))),
        daily=draw(st.one_of(st.just(0), st.integers(2, 30))),
        pacing=mode,
        min_gap=draw(st.sampled_from([0.5, 7.0, 61.0, 450.0])) if mode == "min_gap" else 0.0,
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


def _period_rules(lim: cfg.LimitSettings) -> list[tuple[str, int, timedelta, object]]:
    """(name, limit, rolling window, calendar period key) of each rule in force,
    written here from the README's words, not from the engine's code."""
    out: list[tuple[str, int, timedelta, object]] = []
    if lim.per_minute:
        out.append(
            (
                "minute",
                lim.per_minute,
                timedelta(minutes=1),
                lambda a: a.replace(second=0, microsecond=0),
            )
        )
    out.append(("hourly", lim.hourly, HOUR, limits.clock_hour_start))
    if lim.daily:
        out.append(("daily", lim.daily, timedelta(days=1), lambda a: a.astimezone(lim.tz).date()))
    return out


def _check_ledger(
    stamps: list[datetime], lim: cfg.LimitSettings, sync: tuple[int, datetime] | None
) -> None:
    stamps = sorted(stamps)
    for name, limit, window, key in _period_rules(lim):
        for a in stamps:
            in_window = sum(1 for b in stamps if a <= b < a + window)
            assert in_window <= limit, f"rolling {name} from {a}: {in_window} > {limit}"
        per_period = Counter(key(a) for a in stamps)  # type: ignore[operator]
        assert max(per_period.values(), default=0) <= limit, f"{name} period over {limit}"
    for a in stamps:
        assert limits.is_open(lim, a), f"sent outside working hours at {a}"
    gap = pacing.gap(lim)
    if gap is not None:
        for a, b in zip(stamps, stamps[1:], strict=False):
            assert b - a >= gap, f"paced gap {gap} broken: {a} then {b}"
    per_month = Counter(limits.month_start(lim, a) for a in stamps)
    for month, n in per_month.items():
        used = n
        if sync is not None and limits.month_start(lim, sync[1]) == month:
            used = sync[0] + sum(
                1 for a in stamps if limits.month_start(lim, a) == month and a >= sync[1]
            )
        assert used <= lim.monthly, f"month {month}: {used}"


def _full_rules(stamps: list[datetime], lim: cfg.LimitSettings, t: datetime) -> list[str]:
    """The rules with no slot at ``t`` (period or rolling window full), from the
    ledger alone; a reservation stamped after ``t`` still counts."""
    full = []
    for name, limit, window, key in _period_rules(lim):
        rolling = sum(1 for a in stamps if a > t - window)
        period = sum(1 for a in stamps if key(a) == key(t))  # type: ignore[operator]
        if max(rolling, period) >= limit:
            full.append(name)
    return full


def _check_pauses(session) -> None:
    for e in session.scalars(select(QueueEntry)):
        if e.status == "deferred":
            assert e.reason_code in queue.REASONS
            if e.reason_code in queue.TIMED_REASONS:
                assert e.next_run_at is not None


def _assert_not_later_than_needed(ctx, reason: str, when: datetime) -> None:
    """Recompute, from the ledger alone, that the time given is the first moment
    the reason stops holding: a microsecond earlier it still held."""
    with ctx.db.read() as s:
        lim = cfg.load(s).limits
        stamps = [utc(a) for a in s.scalars(select(SlotReservation.at))]
    before = when - US
    if reason in RULE_REASONS:
        assert _full_rules(stamps, lim, before), f"{reason} until {when} is late"
        assert not _full_rules(stamps, lim, when), f"{reason}: still full at {when}"
        # The reason names the rule that frees last: full until that very moment.
        assert RULE_REASONS_NAMES[reason] in _full_rules(stamps, lim, before), reason
    elif reason == "outside_hours":
        # Closed a microsecond before, open at that moment (windows, days off, clock changes).
        assert not limits.is_open(lim, before) and limits.is_open(lim, when)
        assert limits.next_open(lim, before) == when
    elif reason == "monthly_quota":
        assert when == limits.month_start(lim, when) > limits.month_start(lim, before)


def _assert_paced_on_time(ctx, eng, clock, server, when: datetime) -> None:
    """A paced wait ends exactly ``gap`` after the newest slot: nothing goes a
    microsecond before, and at that moment the entry sends (or a pause that
    began meanwhile takes over, or it is done)."""
    with ctx.db.read() as s:
        lim = cfg.load(s).limits
        last = max(utc(a) for a in s.scalars(select(SlotReservation.at)))
        pending = s.query(Recipient).filter(Recipient.status == "pending").count()
    gap = pacing.gap(lim)
    assert gap is not None and when == last + gap, f"paced until {when}, oracle {last + gap}"
    if when <= clock.now():
        return
    sent_before = len(server.received)
    clock.set(when - US)
    eng.run_until_idle(max_steps=500)
    assert len(server.received) == sent_before, f"sent before the paced gap ended at {when}"
    clock.set(when)
    results = eng.run_until_idle(max_steps=500)
    with ctx.db.read() as s:
        deferred = s.query(QueueEntry).filter(QueueEntry.status == "deferred").count()
    assert len(server.received) > sent_before or deferred or pending == 0, (
        f"nothing happened when the gap ended at {when}: {[r.kind for r in results]}"
    )


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
    clock.set(when - US)
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


_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


@hsettings(max_examples=15, **_SETTINGS)
@given(sc=scenarios())
def test_weeks_of_sending_keep_every_limit(smtp_server, sc):
    _simulate(smtp_server, sc)


@pytest.mark.slow
@pytest.mark.timeout(3600)
@hsettings(max_examples=300, **_SETTINGS)
@given(sc=scenarios())
def test_weeks_of_sending_keep_every_limit_many(smtp_server, sc):
    _simulate(smtp_server, sc)


def _simulate(smtp_server, sc) -> None:
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
        for _ in range(600):
            waits = [r for r in eng.run_until_idle(max_steps=500) if r.kind in ("idle", "paced")]
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
            if waits and waits[-1].kind == "paced":
                _assert_paced_on_time(ctx, eng, clock, smtp_server, waits[-1].next_wake_at)
            else:
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
