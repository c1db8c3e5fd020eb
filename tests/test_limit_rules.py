"""Per-minute and daily limit rules (issue 11): each over its calendar period
and its rolling window, whichever is stricter, counted from the per-bucket
counts that triggers keep equal to the ledger. Real SQLite, real aiosmtpd;
run in three laptop zones."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import limits, queue, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import SlotReservation

from .conftest import configure, make_campaign
from .zones import laptop_zone_fixture  # noqa: F401

pytestmark = pytest.mark.backends

ZONES = ["America/Los_Angeles", "Asia/Kolkata", "UTC"]


@pytest.fixture(params=ZONES, autouse=True)
def _laptop(request, laptop_zone):
    laptop_zone(request.param)


def _engine(ctx):
    eng = Engine(ctx)
    eng.acquire()
    return eng


def _entry(ctx, cid):
    with ctx.db.read() as s:
        e = queue.campaign_entry(s, cid)
        return e.status, e.reason_code, e.next_run_at


def test_per_minute_3_defers_the_fourth_until_the_exact_second(ctx, smtp_server, clock):
    configure(ctx, smtp_server, per_minute=3)
    t0 = datetime(2026, 11, 25, 7, 0, 10, tzinfo=UTC)
    clock.set(t0)
    cid = make_campaign(ctx, 5)
    eng = _engine(ctx)
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    # The clock minute frees at 07:01:00, but the rolling 60 s hold the three
    # sent at 07:00:10 until 07:01:10: the stricter one wins.
    assert _entry(ctx, cid) == ("deferred", "minute_limit", t0 + timedelta(seconds=60))
    clock.set(t0 + timedelta(seconds=59, microseconds=999_999))
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    clock.set(t0 + timedelta(seconds=60))
    eng.run_until_idle()
    assert len(smtp_server.received) == 5
    eng.release()
    assert _entry(ctx, cid)[0] == "completed"


def test_rolling_60_seconds_hold_across_a_minute_boundary(ctx, smtp_server, clock):
    configure(ctx, smtp_server, per_minute=3)
    t0 = datetime(2026, 11, 25, 7, 0, 50, tzinfo=UTC)
    clock.set(t0)
    cid = make_campaign(ctx, 3)
    eng = _engine(ctx)
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    # A new clock minute has begun, empty; the rolling window is still full.
    clock.set(datetime(2026, 11, 25, 7, 1, 5, tzinfo=UTC))
    cid2 = make_campaign(ctx, 1, name="Second")
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    assert _entry(ctx, cid2) == ("deferred", "minute_limit", t0 + timedelta(seconds=60))
    clock.set(t0 + timedelta(seconds=60))
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 4
    assert _entry(ctx, cid)[0] == _entry(ctx, cid2)[0] == "completed"


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/Los_Angeles"])
def test_daily_5_over_the_local_day_and_the_rolling_24_hours(ctx, smtp_server, clock, zone):
    tz = settings.LimitSettings(timezone=zone).tz
    configure(ctx, smtp_server, daily=5, timezone=zone)
    # 23:00 local: five go, the sixth waits for the rolling 24 hours (the local
    # day resets at midnight, but the provider counts the last 24 hours too).
    t0 = datetime(2026, 11, 24, 23, 0, tzinfo=tz).astimezone(UTC)
    midnight = datetime(2026, 11, 25, 0, 0, tzinfo=tz).astimezone(UTC)
    clock.set(t0)
    cid = make_campaign(ctx, 7)
    eng = _engine(ctx)
    eng.run_until_idle()
    assert len(smtp_server.received) == 5
    assert _entry(ctx, cid) == ("deferred", "daily_limit", t0 + timedelta(hours=24))
    with ctx.db.read() as s:
        daily = snapshot.build(s, clock.now()).to_json()["limits"]["daily"]
    assert daily == {
        "limit": 5,
        "used": 5,
        "next_slot_at": (t0 + timedelta(hours=24)).astimezone(UTC).isoformat(),
        "resets_at": midnight.isoformat(),
    }
    # After local midnight the local day is empty but the rolling day is not.
    clock.set(midnight + timedelta(minutes=30))
    eng.run_until_idle()
    assert len(smtp_server.received) == 5
    assert _entry(ctx, cid)[1:] == ("daily_limit", t0 + timedelta(hours=24))
    clock.set(t0 + timedelta(hours=24) - timedelta(seconds=1))
    eng.run_until_idle()
    assert len(smtp_server.received) == 5
    clock.set(t0 + timedelta(hours=24))
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 7


def test_the_local_day_binds_when_it_is_longer_than_24_hours(ctx, smtp_server, clock):
    """1 November 2026 in Los Angeles lasts 25 hours (summer time ends): a slot
    taken at 00:10 has left the rolling 24 hours by 23:40, but the local day
    still holds it, so the day rule waits for local midnight."""
    zone = "America/Los_Angeles"
    tz = settings.LimitSettings(timezone=zone).tz
    configure(ctx, smtp_server, daily=2, timezone=zone)
    first = datetime(2026, 11, 1, 0, 10, tzinfo=tz).astimezone(UTC)
    second = datetime(2026, 11, 1, 23, 30, tzinfo=tz).astimezone(UTC)
    assert second - first == timedelta(hours=24, minutes=20)
    with ctx.db.write() as s:
        s.add_all([SlotReservation(at=first), SlotReservation(at=second)])
    now = datetime(2026, 11, 1, 23, 40, tzinfo=tz).astimezone(UTC)
    midnight = datetime(2026, 11, 2, 0, 0, tzinfo=tz).astimezone(UTC)
    clock.set(now)
    with ctx.db.write() as s:
        st = settings.load(s)
        hold = limits.capacity_hold(s, st.limits, st.quota, now)
        assert hold is not None and hold[:2] == ("daily_limit", midnight)
        u = limits.rule_usage(s, st.limits, limits.rule(st.limits, "daily"), now)
        assert (u.period, u.rolling, u.next_slot_at, u.resets_at) == (2, 1, midnight, midnight)
    cid = make_campaign(ctx, 1)
    eng = _engine(ctx)
    eng.run_until_idle()
    assert _entry(ctx, cid) == ("deferred", "daily_limit", midnight)
    clock.set(midnight)
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 1


def test_test_sends_count_against_the_per_minute_limit(ctx, smtp_server, clock):
    configure(ctx, smtp_server, per_minute=1)
    cid = make_campaign(ctx, 1, enqueue=False)
    with ctx.db.write() as s:
        campaigns.test_send(s, cid, "me@example.com", clock.now())
        queue.enqueue(s, cid, clock.now())
    eng = _engine(ctx)
    eng.run_until_idle()
    eng.release()
    assert [r.rcpt_tos[0] for r in smtp_server.received] == ["me@example.com"]
    assert _entry(ctx, cid) == ("deferred", "minute_limit", clock.now() + timedelta(minutes=1))


def test_status_json_reports_minute_and_daily_and_null_when_off(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    with ctx.db.read() as s:
        lim = snapshot.build(s, clock.now()).to_json()["limits"]
    assert lim["minute"] is None and lim["daily"] is None
    assert set(lim["hourly"]) == {"limit", "used", "next_slot_at"}
    assert set(lim["monthly"]) == {"limit", "used", "resets_at"}
    configure(ctx, smtp_server, per_minute=2, daily=10)
    make_campaign(ctx, 2)
    eng = _engine(ctx)
    eng.run_until_idle()
    eng.release()
    with ctx.db.read() as s:
        lim = snapshot.build(s, clock.now()).to_json()["limits"]
    now = clock.now()
    assert lim["minute"] == {
        "limit": 2,
        "used": 2,
        "next_slot_at": (now + timedelta(minutes=1)).isoformat(),
    }
    assert lim["daily"]["limit"] == 10 and lim["daily"]["used"] == 2
    assert lim["daily"]["next_slot_at"] is None
    st = settings.LimitSettings(timezone="Europe/Moscow")
    assert lim["daily"]["resets_at"] == limits.next_day_start(st, now).isoformat()


# ---------------------------------------------------------------- the counters


def _bucket_table(s):
    return dict(s.execute(text("SELECT key, n FROM slot_counts WHERE n != 0")).all())


def _from_ledger(s):
    out: dict[str, int] = {}
    for (at,) in s.execute(select(SlotReservation.at)):
        for key in hotsql.bucket_keys(at):
            out[key] = out.get(key, 0) + 1
    return out


def test_counters_equal_the_ledger_whoever_writes_it(ctx, smtp_server, clock):
    configure(ctx, smtp_server, per_minute=7, daily=40)
    rnd = random.Random(11)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    with ctx.db.write() as s:
        for _ in range(300):
            s.add(SlotReservation(at=base + timedelta(seconds=rnd.randrange(40 * 86400))))
        s.flush()
        con = hotsql.driver(s)
        for _ in range(200):
            at = base + timedelta(microseconds=rnd.randrange(40 * 86400 * 10**6))
            con.execute("INSERT INTO slot_ledger (at) VALUES (?)", (hotsql.ts(at),))
    with ctx.db.write() as s:
        ids = list(s.scalars(select(SlotReservation.id)))
        for i in rnd.sample(ids, 60):
            limits.release_slot(s, i)
        moved = s.get(SlotReservation, ids[0]) or s.get(SlotReservation, ids[1])
        moved.at = moved.at + timedelta(days=3, minutes=7)
    cid = make_campaign(ctx, 12)
    eng = _engine(ctx)
    eng.run_until_idle()
    eng.release()
    with ctx.db.read() as s:
        assert _bucket_table(s) == _from_ledger(s)
        assert s.scalar(select(func.count()).select_from(SlotReservation)) > 400
        # Every span the rules ask for counts what the ledger holds.
        for _ in range(300):
            lo = base + timedelta(microseconds=rnd.randrange(45 * 86400 * 10**6))
            hi = lo + timedelta(seconds=rnd.choice([60, 3600, 86400, 31 * 86400, 7 * 3600 + 13]))
            if rnd.random() < 0.2:
                hi = hotsql.FOREVER
            (got,) = hotsql.counts(hotsql.driver(s), [(lo, hi)])
            assert got == limits._count_since(s, lo, hi), (lo, hi)
    assert cid


def test_spans_count_what_the_ledger_holds_where_it_is_dense(ctx):
    """Ragged ends inside busy minutes (400 reservations in 3 minutes): a span
    counted from the minute rows, with the ledger read directly or as the
    minute less the rest of it, whichever is shorter, counts what the ledger holds."""
    rnd = random.Random(7)
    base = datetime(2026, 12, 2, 17, 4, 0, tzinfo=UTC)
    with ctx.db.write() as s:
        con = hotsql.driver(s)
        for _ in range(400):
            at = base + timedelta(microseconds=rnd.randrange(180 * 10**6))
            con.execute("INSERT INTO slot_ledger (at) VALUES (?)", (hotsql.ts(at),))
    seen = set()
    with ctx.db.read() as s:
        for _ in range(300):
            lo = base + timedelta(microseconds=rnd.randrange(-30 * 10**6, 200 * 10**6))
            hi = lo + timedelta(microseconds=rnd.randrange(1, 120 * 10**6))
            if rnd.random() < 0.1:
                hi = hotsql.FOREVER
            sql, _args = hotsql.span(lo, hi)
            seen.update(k for k in ("slot_counts WHERE key = ?", "slot_ledger") if k in sql)
            (got,) = hotsql.counts(hotsql.driver(s), [(lo, hi)])
            assert got == limits._count_since(s, lo, hi), (lo, hi)
    assert seen == {"slot_counts WHERE key = ?", "slot_ledger"}  # both ways were asked


def test_migration_fills_the_counters_from_an_existing_ledger(tmp_path):
    from alembic import command

    from mailer_gui.core.store import db as dbmod

    d = dbmod.open_database(tmp_path)
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    stamps = [datetime(2026, 11, 3, 10, m, tzinfo=UTC) for m in range(0, 60, 7)]
    with d.engine.begin() as conn:
        for a in stamps:
            conn.exec_driver_sql("INSERT INTO slot_ledger (at) VALUES (?)", (hotsql.ts(a),))
    d.dispose()
    d = dbmod.open_database(tmp_path)
    with d.read() as s:
        assert (
            _bucket_table(s)
            == _from_ledger(s)
            == {
                "d2026-11-03": 9,
                "q2026-11-03 10:00": 3,
                "q2026-11-03 10:15": 2,
                "q2026-11-03 10:30": 2,
                "q2026-11-03 10:45": 2,
                **{f"m2026-11-03 10:{m:02d}": 1 for m in range(0, 60, 7)},
            }
        )
    d.dispose()


@pytest.mark.sqlite_only  # counts SQLite's VM steps; PostgreSQL reads the same slot_counts rows
def test_the_check_costs_the_same_with_15000_slots_in_the_month(ctx, smtp_server, clock):
    """The limit check's work (SQLite VM steps) does not grow with the month's
    ledger: 15 or 15,000 reservations earlier this month cost the same."""
    configure(ctx, smtp_server, per_minute=50, daily=5000, monthly=1_000_000)
    now = clock.now()

    def steps() -> int:
        with ctx.db.write() as s:
            st = settings.load(s)
            con = hotsql.driver(s)
            n = [0]

            def tick() -> int:
                n[0] += 1
                return 0

            con.set_progress_handler(tick, 1)
            try:
                assert limits.capacity_hold(s, st.limits, st.quota, now) is None
            finally:
                con.set_progress_handler(None, 1)
            return n[0]

    def fill(rows: int) -> None:
        start = limits.month_start(settings.LimitSettings(), now) + timedelta(hours=1)
        span = (now - timedelta(days=2) - start).total_seconds()
        with ctx.db.write() as s:
            hotsql.driver(s).executemany(
                "INSERT INTO slot_ledger (at) VALUES (?)",
                [(hotsql.ts(start + timedelta(seconds=span * i / rows)),) for i in range(rows)],
            )

    fill(15)
    small = steps()
    fill(15_000 - 15)
    big = steps()
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(SlotReservation)) == 15_000
    # Bucket rows: at most one per day of the month more; ledger rows: none.
    assert big <= small + 40 * 30, (small, big)


def test_settings_reject_negative_rules(ctx):
    for field in ("per_minute", "daily"):
        with pytest.raises(settings.SettingsError) as e:
            settings.LimitSettings(**{field: -1}).validate()
        assert e.value.field == field
    settings.LimitSettings(per_minute=0, daily=0).validate()


# ---------------------------------------------------------------- the CLI


def _cli(data, *args):
    from mailer_gui.cli.main import main

    return main(["--data-dir", str(data), *args])


def test_config_limits_sets_and_clears_the_rules(tmp_path, capsys):
    data = tmp_path / "d"
    assert _cli(data, "config", "limits", "--per-minute", "30", "--daily", "500") == 0
    out = capsys.readouterr().out
    assert "limits: 30/minute, 100/hour, 500/day, 15000/month" in out
    assert _cli(data, "status", "--json") == 0
    lim = json.loads(capsys.readouterr().out)["limits"]
    assert lim["minute"] == {"limit": 30, "used": 0, "next_slot_at": None}
    assert lim["daily"]["limit"] == 500 and lim["daily"]["used"] == 0
    assert lim["daily"]["next_slot_at"] is None and lim["daily"]["resets_at"]
    assert _cli(data, "status") == 0
    assert "This minute 0/30 · This hour 0/100 · Today 0/500 · Month 0/15000" in (
        capsys.readouterr().out
    )
    assert _cli(data, "config", "limits", "--per-minute", "0", "--daily", "0") == 0
    assert "limits: 100/hour, 15000/month" in capsys.readouterr().out
    assert _cli(data, "status", "--json") == 0
    lim = json.loads(capsys.readouterr().out)["limits"]
    assert lim["minute"] is None and lim["daily"] is None


@pytest.mark.parametrize(
    "option,value,words",
    [
        ("--per-minute", "-1", "-1 is negative; give 0 or more"),
        ("--daily", "lots", "'lots' is not a whole number"),
        ("--hourly", "-5", "-5 is negative"),
        ("--monthly", "1.5", "'1.5' is not a whole number"),
    ],
)
def test_config_limits_refuses_a_bad_count_in_one_line(tmp_path, capsys, option, value, words):
    data = tmp_path / "d"
    with pytest.raises(SystemExit) as e:
        _cli(data, "config", "limits", option, value)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and option in err


def test_saving_the_rules_replans_a_waiting_entry(ctx, smtp_server, clock):
    from dataclasses import replace

    from mailer_gui.core.sending import replan

    configure(ctx, smtp_server, per_minute=1)
    cid = make_campaign(ctx, 2)
    eng = _engine(ctx)
    eng.run_until_idle()
    assert _entry(ctx, cid)[1] == "minute_limit"
    with ctx.db.write() as s:
        lim = settings.load(s).limits
        replan.save_and_replan(s, clock.now(), limits=replace(lim, per_minute=0, daily=1))
    # The per-minute wait is gone; the new daily rule holds it to the rolling day.
    assert _entry(ctx, cid) == ("deferred", "daily_limit", clock.now() + timedelta(hours=24))
    with ctx.db.write() as s:
        lim = settings.load(s).limits
        replan.save_and_replan(s, clock.now(), limits=replace(lim, daily=0))
    assert _entry(ctx, cid)[:2] == ("queued", None)
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 2
