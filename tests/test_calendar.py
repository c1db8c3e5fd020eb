"""The sending calendar (issue 11 item 4): several windows per weekday, windows
crossing midnight, days off, public holidays, clock changes; the engine, the
re-plan on save, the ETA and the CLI on real SQLite and a real SMTP server."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mailer_gui.cli import main as cli
from mailer_gui.core.config import settings
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import calendar as cal
from mailer_gui.core.sending import limits, queue, replan, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Setting

from .conftest import configure, make_campaign
from .conftest import drain as run

MSK = ZoneInfo("Europe/Moscow")
SECOND = timedelta(seconds=1)
LUNCH = ("09:00-13:00,14:00-18:00",) * 5 + ("", "")


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK).astimezone(UTC)


def calendar_of(
    zone: str, week: str, days_off: tuple[str, ...] = (), holidays: str = ""
) -> cal.Calendar:
    lim = settings.LimitSettings(timezone=zone).with_calendar(
        windows=cal.parse_week(week), days_off=days_off, holidays=holidays
    )
    lim.validate()
    return lim.calendar


def save_calendar(ctx, clock, **kw):
    with ctx.db.write() as s:
        cur = settings.load(s).limits
        return replan.save_and_replan(s, clock.now(), limits=cur.with_calendar(**kw))


def entry_of(ctx, cid):
    with ctx.db.read() as s:
        return queue.campaign_entry(s, cid)


# ---------------------------------------------------------------- the model


def test_windows_parse_format_and_round_trip():
    week = cal.parse_week("mon-fri 09:00-13:00, 14:00-18:00; sat 22:00-02:00")
    assert week == LUNCH[:5] + ("22:00-02:00", "")
    lim = settings.LimitSettings().with_calendar(windows=week)
    assert cal.format_week(lim.week) == (
        "mon-fri 09:00-13:00,14:00-18:00; sat 22:00-02:00; sun closed"
    )
    assert cal.parse_week(cal.format_week(lim.week)) == week
    # start/end/days summarise the full form for older readers
    assert (lim.start, lim.end, lim.days) == ("09:00", "13:00", settings.DAY_NAMES[:6])
    assert (
        cal.parse_week("fri-mon 10:00-11:00") == ("10:00-11:00",) + ("",) * 3 + ("10:00-11:00",) * 3
    )


def test_two_windows_with_a_lunch_break_are_exact_to_the_second():
    c = calendar_of("Europe/Moscow", "mon-fri 09:00-13:00,14:00-18:00")
    assert c.is_open(msk(2026, 11, 25, 12, 59, 59))
    assert not c.is_open(msk(2026, 11, 25, 13, 0))
    assert c.next_open(msk(2026, 11, 25, 13, 0)) == msk(2026, 11, 25, 14, 0)
    assert c.next_close(msk(2026, 11, 25, 10, 0)) == msk(2026, 11, 25, 13, 0)
    # Friday 18:00 -> Monday 09:00
    assert c.next_open(msk(2026, 11, 27, 18, 0)) == msk(2026, 11, 30, 9, 0)


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts():
    c = calendar_of("Europe/Moscow", "fri 22:00-02:00", days_off=("2026-12-04",))
    assert c.is_open(msk(2026, 11, 27, 22, 0)) and c.is_open(msk(2026, 11, 28, 1, 59, 59))
    assert not c.is_open(msk(2026, 11, 28, 2, 0)) and not c.is_open(msk(2026, 11, 27, 21, 59))
    assert c.next_close(msk(2026, 11, 27, 23, 0)) == msk(2026, 11, 28, 2, 0)
    # the next Friday is a day off: its 22:00 window does not open
    assert c.next_open(msk(2026, 11, 28, 2, 0)) == msk(2026, 12, 11, 22, 0)
    # a day off on the Saturday does not cut Friday's window short
    c2 = calendar_of("Europe/Moscow", "fri 22:00-02:00", days_off=("2026-11-28",))
    assert c2.is_open(msk(2026, 11, 28, 1, 0))


def test_windows_that_touch_make_one_open_period():
    c = calendar_of("UTC", "mon 20:00-24:00; tue 00:00-06:00,06:00-07:00")
    mon = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    assert c.next_close(mon) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    allweek = calendar_of("UTC", "mon-sun 00:00-24:00")
    assert allweek.next_close(mon) > mon + timedelta(days=2)


def test_a_day_off_and_the_russian_new_year_holidays():
    c = calendar_of("Europe/Moscow", "mon-fri 09:00-18:00", holidays="RU", days_off=("2027-01-11",))
    assert all(c.closed_day(date(2027, 1, d)) for d in range(1, 9))
    # Thursday 31 December 18:00: 1-8 January holidays, 9-10 weekend, 11 a day off
    assert c.next_open(msk(2026, 12, 31, 18, 0)) == msk(2027, 1, 12, 9, 0)
    assert not c.is_open(msk(2027, 1, 5, 10, 0))


def test_holiday_country_and_subdivision_are_checked():
    assert cal.check_holidays("de-by") == "DE-BY"
    with pytest.raises(SettingsError, match="holidays: 'XX' is not a country"):
        cal.check_holidays("XX")
    with pytest.raises(SettingsError, match="holidays: 'ZZ' is not a subdivision of US"):
        cal.check_holidays("US-ZZ")
    names = dict(cal.holiday_countries())
    assert names["RU"] == "Russia" and names["US"] == "United States"


BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_spring_forward_in_berlin():
    # 2027-03-28: 02:00 CET -> 03:00 CEST, at 01:00 UTC
    jump = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    c = calendar_of("Europe/Berlin", "sun 02:30-04:00")
    # the clock never reads 02:30; it reads past it from 03:00 on
    assert not c.is_open(jump - SECOND) and c.is_open(jump)
    assert c.next_open(jump - timedelta(hours=5)) == jump
    assert c.next_close(jump) == datetime(2027, 3, 28, 4, 0, tzinfo=BERLIN).astimezone(UTC)
    # a window wholly inside the skipped hour does not open that day
    gap = calendar_of("Europe/Berlin", "sun 02:00-02:45")
    assert gap.next_open(jump - timedelta(hours=5)) == datetime(
        2027, 4, 4, 2, 0, tzinfo=BERLIN
    ).astimezone(UTC)
    # a window ending in the skipped hour closes when the clock jumps past its end
    sat = calendar_of("Europe/Berlin", "sat 22:00-02:30")
    assert sat.is_open(jump - SECOND) and not sat.is_open(jump)
    assert sat.next_close(jump - timedelta(hours=1)) == jump


def test_fall_back_in_berlin_opens_the_repeated_hour_twice():
    # 2027-10-31: 03:00 CEST -> 02:00 CET, at 01:00 UTC; 02:00-03:00 is read twice
    c = calendar_of("Europe/Berlin", "sun 02:00-02:30")
    first = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)
    assert c.next_open(first - timedelta(hours=3)) == first
    assert c.next_close(first) == first + timedelta(minutes=30)
    assert not c.is_open(first + timedelta(minutes=30))
    assert c.next_open(first + timedelta(minutes=30)) == first + timedelta(hours=1)
    assert c.next_close(first + timedelta(hours=1)) == first + timedelta(hours=1, minutes=30)


def test_clock_changes_in_new_york():
    # 2027-03-14: 02:00 EST -> 03:00 EDT at 07:00 UTC; 2027-11-07: 02:00 EDT -> 01:00 EST
    spring = calendar_of("America/New_York", "sat 22:00-02:30; sun 09:00-17:00")
    jump = datetime(2027, 3, 14, 7, 0, tzinfo=UTC)
    assert spring.is_open(jump - SECOND) and not spring.is_open(jump)
    assert spring.next_open(jump) == datetime(2027, 3, 14, 13, 0, tzinfo=UTC)  # 09:00 EDT
    fall = calendar_of("America/New_York", "sun 01:00-01:30")
    edt = datetime(2027, 11, 7, 5, 0, tzinfo=UTC)  # 01:00 EDT
    assert fall.next_open(edt - timedelta(hours=2)) == edt
    assert fall.next_open(edt + timedelta(minutes=30)) == edt + timedelta(hours=1)  # 01:00 EST
    assert fall.next_open(edt + timedelta(minutes=90)) == datetime(
        2027, 11, 14, 1, 0, tzinfo=NEW_YORK
    ).astimezone(UTC)


@st.composite
def calendars(draw):
    week = []
    for _ in range(7):
        ws = draw(st.lists(st.tuples(st.integers(0, 47), st.integers(1, 48)), max_size=2))
        week.append(
            ",".join(
                f"{cal.Window(a * 30, b * 30).text}"
                for a, b in ws
                if a != b and not (a == 0 and b == 48 and False)
            )
        )
    if not any(week):
        week[draw(st.integers(0, 6))] = "09:00-10:00"
    zone = draw(
        st.sampled_from(
            [
                "UTC",
                "Europe/Berlin",
                "America/New_York",
                "Asia/Kolkata",
                "Australia/Lord_Howe",
                "America/Santiago",
            ]
        )
    )
    off = draw(st.lists(st.dates(date(2027, 1, 1), date(2027, 12, 31)), max_size=5))
    lim = settings.LimitSettings(timezone=zone).with_calendar(
        windows=tuple(week), days_off=tuple(d.isoformat() for d in off)
    )
    return lim.calendar


@hsettings(max_examples=150, deadline=None)
@given(
    c=calendars(),
    start=st.datetimes(datetime(2027, 1, 1), datetime(2027, 12, 31)),
    secs=st.integers(0, 59),
)
def test_next_open_is_the_first_open_second(c, start, secs):
    """next_open (built from UTC spans) agrees with is_open (the wall clock):
    open at the answer, closed one second before and at every minute between."""
    now = start.replace(second=secs, tzinfo=UTC)
    t = c.next_open(now)
    assert c.is_open(t)
    if t > now:
        assert not c.is_open(t - SECOND)
        probe = now
        while probe < t and probe < now + timedelta(days=4):
            assert not c.is_open(probe), f"open at {probe}, before next_open {t}"
            probe = probe.replace(second=0) + timedelta(minutes=1)
    end = c.next_close(t)
    assert end > t and not c.is_open(end) or end >= t + timedelta(days=2)
    if end < t + timedelta(hours=30):
        assert c.is_open(end - SECOND)


def test_a_calendar_that_never_opens_is_refused_with_a_clear_error():
    lim = settings.LimitSettings().with_calendar(windows=("",) * 7)
    with pytest.raises(SettingsError, match="windows: the calendar has no sending time"):
        lim.validate()
    mondays = tuple((date(2026, 1, 5) + timedelta(weeks=k)).isoformat() for k in range(200))
    c = (
        settings.LimitSettings()
        .with_calendar(windows=("09:00-10:00",) + ("",) * 6, days_off=mondays)
        .calendar
    )
    with pytest.raises(SettingsError, match="the calendar has no sending time in the 400 days"):
        c.next_open(datetime(2026, 1, 1, tzinfo=UTC))


def test_old_single_window_settings_load_unchanged(ctx):
    old = {
        "hourly": 40,
        "monthly": 900,
        "timezone": "Asia/Kolkata",
        "start": "10:00",
        "end": "17:30",
        "days": ["mon", "wed"],
    }  # as version 1 stored it
    with ctx.db.write() as s:
        s.add(Setting(key="limits", value=old))
    with ctx.db.read() as s:
        lim = settings.load(s).limits
    assert (lim.hourly, lim.start, lim.end, lim.days, lim.windows, lim.days_off, lim.holidays) == (
        40,
        "10:00",
        "17:30",
        ("mon", "wed"),
        (),
        (),
        "",
    )
    assert lim.week == ((cal.Window(600, 1050),), (), (cal.Window(600, 1050),), (), (), (), ())
    kolkata = ZoneInfo("Asia/Kolkata")
    assert limits.next_open(lim, datetime(2026, 11, 24, 12, 0, tzinfo=kolkata)) == datetime(
        2026, 11, 25, 10, 0, tzinfo=kolkata
    ).astimezone(UTC)
    with ctx.db.write() as s:
        settings.save_limits(s, lim)
    with ctx.db.read() as s:
        stored = s.get(Setting, "limits").value
        assert settings.load(s).limits == lim
    assert "windows" not in stored and {k: stored[k] for k in old} == old


def test_the_full_form_is_stored_by_weekday_name(ctx):
    lim = settings.LimitSettings().with_calendar(
        windows=LUNCH, days_off=("2027-01-08",), holidays="ru"
    )
    with ctx.db.write() as s:
        settings.save_limits(s, lim)
    with ctx.db.read() as s:
        stored = s.get(Setting, "limits").value
        assert settings.load(s).limits == lim
    assert stored["windows"]["mon"] == "09:00-13:00,14:00-18:00" and stored["windows"]["sun"] == ""
    assert (stored["days_off"], stored["holidays"]) == (["2027-01-08"], "RU")


# ---------------------------------------------------------------- the engine


def test_lunch_break_defers_at_13_and_resumes_at_14_exactly(ctx, smtp_server, clock):
    configure(ctx, smtp_server, timezone="Europe/Moscow")
    clock.set(msk(2026, 11, 25, 12, 59, 58))
    save_calendar(ctx, clock, windows=LUNCH)
    cid = make_campaign(ctx, 5)
    eng = Engine(ctx)
    eng.acquire()
    try:
        while len(smtp_server.received) < 2:
            eng.step()
            eng.flush()  # the server's verdict read (the step leaves it on the line)
        clock.set(msk(2026, 11, 25, 13, 0))
        eng.run_until_idle(max_steps=50)
        e = entry_of(ctx, cid)
        assert (e.status, e.reason_code, e.next_run_at) == (
            "deferred",
            "outside_hours",
            msk(2026, 11, 25, 14, 0),
        )
        assert len(smtp_server.received) == 2
        clock.set(msk(2026, 11, 25, 13, 59, 59))
        eng.run_until_idle(max_steps=50)
        assert len(smtp_server.received) == 2
        clock.set(msk(2026, 11, 25, 14, 0))
        eng.run_until_idle(max_steps=50)
        assert len(smtp_server.received) == 5
    finally:
        eng.release()
    with ctx.db.read() as s:
        from sqlalchemy import select

        from mailer_gui.core.store.models import SlotReservation

        stamps = sorted(s.scalars(select(SlotReservation.at)))
    assert stamps[2:] == [msk(2026, 11, 25, 14, 0)] * 3


def test_a_window_crossing_midnight_sends_after_midnight(ctx, smtp_server, clock):
    configure(ctx, smtp_server, timezone="Europe/Moscow")
    clock.set(msk(2026, 11, 25, 21, 0))
    save_calendar(ctx, clock, windows=("22:00-02:00",) * 7)
    cid = make_campaign(ctx, 2)
    run(ctx)
    assert entry_of(ctx, cid).next_run_at == msk(2026, 11, 25, 22, 0)
    clock.set(msk(2026, 11, 26, 1, 59, 59))  # Thursday, inside Wednesday's window
    run(ctx)
    assert len(smtp_server.received) == 2


def test_holidays_defer_to_the_next_working_day_and_saving_replans(ctx, smtp_server, clock):
    configure(
        ctx,
        smtp_server,
        timezone="Europe/Moscow",
        start="09:00",
        end="18:00",
        days=settings.DAY_NAMES[:5],
    )
    clock.set(msk(2026, 12, 31, 18, 30))
    cid = make_campaign(ctx, 3)
    run(ctx)
    assert entry_of(ctx, cid).next_run_at == msk(2027, 1, 1, 9, 0)
    # Saving the calendar re-plans the waiting entry, in the same transaction
    assert save_calendar(ctx, clock, holidays="RU") == {"released": 0, "held": 1}
    e = entry_of(ctx, cid)
    assert (e.reason_code, e.next_run_at) == ("outside_hours", msk(2027, 1, 11, 9, 0))
    assert save_calendar(ctx, clock, days_off=("2027-01-11",)) == {"released": 0, "held": 1}
    assert entry_of(ctx, cid).next_run_at == msk(2027, 1, 12, 9, 0)
    clock.set(msk(2027, 1, 5, 12, 0))  # a holiday: nothing goes out
    run(ctx)
    assert smtp_server.received == []
    clock.set(msk(2027, 1, 12, 9, 0))
    run(ctx)
    assert len(smtp_server.received) == 3


def test_eta_skips_the_lunch_break_and_the_holidays(ctx, smtp_server, clock):
    configure(ctx, smtp_server, timezone="Europe/Moscow", hourly=100_000, monthly=1_000_000)
    clock.set(msk(2026, 12, 30, 12, 58))
    save_calendar(ctx, clock, windows=LUNCH, holidays="RU")
    make_campaign(ctx, 300)  # 1 s each: 120 before 13:00, 180 after 14:00
    with ctx.db.read() as s:
        eta = snapshot.build(s, clock.now()).entries[0].eta
    assert eta == msk(2026, 12, 30, 14, 3)
    make_campaign(ctx, 4 * 3600 + 60, name="Big", domain="example.net")
    with ctx.db.read() as s:
        second = snapshot.build(s, clock.now()).entries[1].eta
    # 14:03-18:00 that day, then holidays (31 December to 8 January), a weekend,
    # until Monday 11 January 09:00
    left = 4 * 3600 + 60 - (18 * 60 - (14 * 60 + 3)) * 60
    assert second == msk(2027, 1, 11, 9, 0) + timedelta(seconds=left)


# ---------------------------------------------------------------- the CLI


def cli_run(data, *args):
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


def dump(data):
    con = sqlite3.connect(data / "mailer.db")
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_cli_sets_and_shows_the_calendar(tmp_path, capsys):
    data = tmp_path / "data"
    assert (
        cli_run(
            data,
            "config",
            "limits",
            "--windows",
            "mon-fri 09:00-13:00,14:00-18:00; sat 22:00-02:00",
            "--day-off",
            "2027-01-08",
            "--day-off",
            "2027-01-09",
            "--holidays",
            "ru",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "mon-fri 09:00-13:00,14:00-18:00; sat 22:00-02:00; sun closed" in out
    assert cli_run(data, "config", "show") == 0
    shown = json.loads(capsys.readouterr().out)["calendar"]
    assert shown["windows"]["mon"] == ["09:00-13:00", "14:00-18:00"]
    assert shown["windows"]["sat"] == ["22:00-02:00"] and shown["windows"]["sun"] == []
    assert (shown["days_off"], shown["holidays"]) == (["2027-01-08", "2027-01-09"], "RU")
    assert (
        cli_run(
            data, "config", "limits", "--clear-days-off", "--day-off", "2027-02-01", "--no-holidays"
        )
        == 0
    )
    capsys.readouterr()
    assert cli_run(data, "config", "show") == 0
    shown = json.loads(capsys.readouterr().out)["calendar"]
    assert (shown["days_off"], shown["holidays"]) == (["2027-02-01"], None)
    # --hours/--days set one window on those days, as before
    assert cli_run(data, "config", "limits", "--hours", "10:00-16:00", "--days", "mon,tue") == 0
    assert "10:00-16:00 mon,tue" in capsys.readouterr().out
    assert cli_run(data, "config", "show") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["calendar"]["week"] == "mon-tue 10:00-16:00; wed-sun closed"
    assert shown["limits"]["windows"] == [] and shown["calendar"]["days_off"] == ["2027-02-01"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--windows", "mon-fri 09:00-25:00"], "windows: '09:00-25:00': a window ends at"),
        (["--windows", "mon-fri nine to five"], "windows: 'nine to five' is not a window"),
        (["--windows", "funday 09:00-10:00"], "'funday' is not a day or day range"),
        (["--windows", "mon-fri"], "give the day's windows after the days"),
        (["--windows", "mon 09:00-09:00"], "cannot start and end at the same time"),
        (["--windows", "mon-sun closed"], "windows: the calendar has no sending time"),
        (["--windows", "mon 09:00-10:00", "--hours", "09:00-18:00"], "not both"),
        (["--day-off", "2027-02-30"], "days_off: '2027-02-30' is not a date"),
        (["--holidays", "Narnia"], "holidays: 'Narnia' is not a country"),
        (["--holidays", "RU-XX"], "'XX' is not a subdivision of RU"),
    ],
)
def test_cli_calendar_errors_name_the_field_and_save_nothing(tmp_path, capsys, args, message):
    data = tmp_path / "data"
    assert cli_run(data, "config", "limits", "--day-off", "2027-01-08") == 0
    before = dump(data)
    capsys.readouterr()
    assert cli_run(data, "config", "limits", *args) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
    assert dump(data) == before


def test_limit_settings_equality_ignores_the_cached_calendar():
    a = settings.LimitSettings()
    _ = a.calendar
    assert a == settings.LimitSettings() and replace(a, hourly=5) != a
