"""Recurring sends (issue 13): occurrences from APScheduler's cron trigger, each
a copy queued to the audience as it is then, and the occurrences missed while
the app was closed (one catch-up within the grace, none beyond it), on a real
database and a real SMTP server; the scheduler is rebuilt from the database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mailer_gui.core.audience import audiences, lists
from mailer_gui.core.codes import EntryStatus, Reason
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue, repeats
from mailer_gui.core.sending.repeat_scheduler import RepeatScheduler
from mailer_gui.core.store.models import Notification, RepeatOccurrence

from .conftest import configure, drain

pytestmark = pytest.mark.backends

# Mondays 10:00 in Moscow (the settings' zone) are 07:00 UTC.
MON_30_NOV = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.fixture
def repeating(ctx, smtp_server):
    """A campaign with an audience of one list of two, repeating every Monday 10:00."""
    configure(ctx, smtp_server)
    now = ctx.clock.now()
    with ctx.db.write() as s:
        lid = lists.create_list(s, "Weekly", now)
        lists.add_contacts(s, lid, [(None, "a@example.org", {}), (None, "b@example.org", {})], now)
        cid = campaigns.create(s, "Weekly news", "News", "<p>News</p>", None, now).id
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        info = repeats.set_repeat(s, cid, "0 10 * * mon", now)
    return cid, lid, info


def _sync(ctx):
    with ctx.db.write() as s:
        return repeats.sync(s, ctx.clock.now())


def _occurrences(ctx, cid):
    with ctx.db.read() as s:
        return [
            (o.due_at, o.outcome, o.missed)
            for o in s.scalars(
                select(RepeatOccurrence)
                .where(RepeatOccurrence.template_id == cid)
                .order_by(RepeatOccurrence.due_at)
            )
        ]


def test_next_occurrence_is_a_scheduled_copy(ctx, repeating):
    cid, _, info = repeating
    assert info.next_runs[:3] == [MON_30_NOV, MON_30_NOV + WEEK, MON_30_NOV + 2 * WEEK]
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, info.planned_campaign_id)
        assert (entry.status, entry.reason_code, entry.next_run_at) == (
            EntryStatus.DEFERRED,
            Reason.SCHEDULED,
            MON_30_NOV,
        )
        copy = campaigns.find(s, info.planned_campaign_id)
        assert copy.name == "Weekly news · 2026-11-30 10:00"
        assert queue.campaign_entry(s, cid) is None  # the template itself is never queued


def test_each_occurrence_goes_to_the_audience_as_it_is_then(ctx, repeating, smtp_server, clock):
    cid, lid, info = repeating
    clock.set(MON_30_NOV - timedelta(minutes=1))
    with ctx.db.write() as s:
        lists.add_contacts(s, lid, [(None, "c@example.org", {})], clock.now())
        lists.remove(s, lid, "a@example.org")
        campaigns.update(s, cid, clock.now(), subject="News, edited")
    _sync(ctx)  # the scheduler's wake-up before the time
    clock.set(MON_30_NOV)
    drain(ctx)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.received) == ["b@example.org", "c@example.org"]
    assert all(m.message["Subject"] == "News, edited" for m in smtp_server.received)
    _sync(ctx)  # the wake-up at the time: the next copy is planned
    assert [o[:2] for o in _occurrences(ctx, cid)] == [
        (MON_30_NOV, repeats.DUE),
        (MON_30_NOV + WEEK, repeats.PLANNED),
    ]
    clock.set(MON_30_NOV + WEEK)
    drain(ctx)
    assert len(smtp_server.received) == 4


def test_missed_while_closed_one_catch_up_with_a_notice(ctx, repeating, smtp_server, clock):
    cid, lid, _ = repeating
    # Closed from Sunday to three Mondays later, 13:00: three occurrences missed.
    with ctx.db.write() as s:
        lists.add_contacts(s, lid, [(None, "late@example.org", {})], clock.now())
    clock.set(MON_30_NOV + 2 * WEEK + timedelta(hours=3))
    said = _sync(ctx)  # the rebuild at start, before the engine runs
    assert len(said) == 1 and "3 repeat(s) were missed" in said[0]
    drain(ctx)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.received) == [
        "a@example.org",
        "b@example.org",
        "late@example.org",
    ]
    assert _occurrences(ctx, cid) == [
        (MON_30_NOV, repeats.CAUGHT_UP, 3),
        (MON_30_NOV + 3 * WEEK, repeats.PLANNED, 0),
    ]
    with ctx.db.read() as s:
        kinds = [n.kind for n in s.scalars(select(Notification))]
    assert kinds.count("repeat") == 1
    assert _sync(ctx) == []  # a second start says nothing more


def test_missed_beyond_the_grace_is_skipped(ctx, repeating, smtp_server, clock):
    cid, _, info = repeating
    clock.set(MON_30_NOV + timedelta(hours=26))
    said = _sync(ctx)
    assert len(said) == 1 and "none is sent" in said[0]
    drain(ctx)
    assert smtp_server.received == []
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, info.planned_campaign_id).status == EntryStatus.CANCELLED
    assert [o[1] for o in _occurrences(ctx, cid)] == [repeats.SKIPPED, repeats.PLANNED]


def test_off_and_bad_rules(ctx, repeating):
    cid, _, info = repeating
    with ctx.db.write() as s:
        with pytest.raises(repeats.RepeatError, match="not a calendar rule"):
            repeats.set_repeat(s, cid, "every monday", ctx.clock.now())
        other = campaigns.create(s, "No audience", "x", "<p>x</p>", None, ctx.clock.now()).id
        with pytest.raises(repeats.RepeatError, match="has no audience"):
            repeats.set_repeat(s, other, "0 10 * * mon", ctx.clock.now())
        assert repeats.repeat_off(s, cid)
        assert not repeats.repeat_off(s, cid)
        assert campaigns.find(s, info.planned_campaign_id) is None  # the unsent copy went
    assert _occurrences(ctx, cid) == []


def test_scheduler_is_rebuilt_from_the_database_and_wakes(ctx, repeating, clock):
    cid, _, info = repeating
    clock.set(MON_30_NOV + timedelta(hours=1))  # closed through the Monday occurrence
    woke = threading.Event()
    sched = RepeatScheduler(ctx, on_change=woke.set)
    try:
        said = sched.start()  # the sync at start found the missed occurrence
        assert len(said) == 1
        runs = sorted(j.next_run_time for j in sched._sched.get_jobs() if j.id != "check")
        nxt = MON_30_NOV + WEEK
        assert runs == [nxt - repeats.REFRESH_LEAD, nxt]
        # A real wake-up through APScheduler: the job runs and syncs again.
        woke.clear()
        job = next(j for j in sched._sched.get_jobs() if j.id != "check")
        job.modify(next_run_time=datetime.now(UTC) + timedelta(milliseconds=200))
        sched._sched.wakeup()
        assert woke.wait(10)
    finally:
        sched.stop()
    assert [o[1] for o in _occurrences(ctx, cid)] == [repeats.CAUGHT_UP, repeats.PLANNED]


# "First working day of the month" (a cron line cannot say it): Monday to
# Friday, not a day off or public holiday of the settings' calendar, in its zone.
WORKING_DAY_CASES = [
    # RU: 1-8 January 2027 are holidays (then a weekend): Monday 11 January; 1 May
    # 2027 is a Saturday and a holiday, 3 May a holiday too: Tuesday 4 May.
    (
        "Europe/Moscow",
        "RU",
        (),
        [
            datetime(2027, 1, 11, 7, 0, tzinfo=UTC),
            datetime(2027, 2, 1, 7, 0, tzinfo=UTC),
            datetime(2027, 3, 1, 7, 0, tzinfo=UTC),
            datetime(2027, 4, 1, 7, 0, tzinfo=UTC),
            datetime(2027, 5, 4, 7, 0, tzinfo=UTC),
        ],
    ),
    # US: 1 January 2027 (a Friday) is a holiday: Monday 4 January; Monday 1
    # February is a day off: the 2nd; April is after the clocks went forward.
    (
        "America/Los_Angeles",
        "US",
        ("2027-02-01",),
        [
            datetime(2027, 1, 4, 18, 0, tzinfo=UTC),
            datetime(2027, 2, 2, 18, 0, tzinfo=UTC),
            datetime(2027, 3, 1, 18, 0, tzinfo=UTC),
            datetime(2027, 4, 1, 17, 0, tzinfo=UTC),
            datetime(2027, 5, 3, 17, 0, tzinfo=UTC),
        ],
    ),
    # Kolkata (UTC+05:30), no holidays: 1 January 2027 is a Friday, 1 May a Saturday.
    (
        "Asia/Kolkata",
        "",
        (),
        [
            datetime(2027, 1, 1, 4, 30, tzinfo=UTC),
            datetime(2027, 2, 1, 4, 30, tzinfo=UTC),
            datetime(2027, 3, 1, 4, 30, tzinfo=UTC),
            datetime(2027, 4, 1, 4, 30, tzinfo=UTC),
            datetime(2027, 5, 3, 4, 30, tzinfo=UTC),
        ],
    ),
]


@pytest.mark.parametrize(("zone", "country", "days_off", "expected"), WORKING_DAY_CASES)
def test_first_working_day_rule_with_real_holidays(
    ctx, smtp_server, clock, zone, country, days_off, expected
):
    configure(ctx, smtp_server, timezone=zone, holidays=country, days_off=days_off)
    clock.set(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))
    now = clock.now()
    with ctx.db.write() as s:
        lid = lists.create_list(s, "Monthly", now)
        lists.add_contacts(s, lid, [(None, "a@example.org", {})], now)
        cid = campaigns.create(s, "Monthly news", "News", "<p>News</p>", None, now).id
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        info = repeats.set_repeat(s, cid, " first working day 10:00 ", now)
    assert info.cron == "first working day 10:00"
    assert info.timezone == zone
    assert info.next_runs == expected
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, info.planned_campaign_id)
        assert (entry.status, entry.next_run_at) == (EntryStatus.DEFERRED, expected[0])
    # Through APScheduler's own interface: the trigger is one of its BaseTriggers.
    from apscheduler.triggers.base import BaseTrigger

    trig = repeats.trigger(info.cron, ZoneInfo(zone), repeats.closed_days_of(ctx))
    assert isinstance(trig, BaseTrigger)
    assert trig.get_next_fire_time(None, expected[1]) == expected[1]


def test_first_working_day_missed_while_closed_is_caught_up_once(ctx, smtp_server, clock):
    configure(ctx, smtp_server, holidays="RU")
    clock.set(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))
    now = clock.now()
    with ctx.db.write() as s:
        lid = lists.create_list(s, "Monthly", now)
        lists.add_contacts(s, lid, [(None, "a@example.org", {})], now)
        cid = campaigns.create(s, "Monthly news", "News", "<p>News</p>", None, now).id
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        repeats.set_repeat(s, cid, repeats.working_day_rule("10:00"), now)
    # The laptop was closed from before 11 January to 1 February 13:00 Moscow.
    clock.set(datetime(2027, 2, 1, 10, 0, tzinfo=UTC))
    said = _sync(ctx)
    assert len(said) == 1 and "2 repeat(s) were missed" in said[0]
    drain(ctx)
    assert [m.rcpt_tos[0] for m in smtp_server.received] == ["a@example.org"]
    assert _occurrences(ctx, cid) == [
        (datetime(2027, 1, 11, 7, 0, tzinfo=UTC), repeats.CAUGHT_UP, 2),
        (datetime(2027, 3, 1, 7, 0, tzinfo=UTC), repeats.PLANNED, 0),
    ]


def test_working_day_rule_refuses_a_bad_time():
    for bad in ("25:00", "10", "10:7", "ten"):
        with pytest.raises(repeats.RepeatError, match="not a time of day"):
            repeats.working_day_rule(bad)
    assert repeats.working_day_rule(" 9:05 ") == "first working day 09:05"
