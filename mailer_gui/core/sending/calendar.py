"""The sending calendar: windows per weekday, days off, public holidays.

A window is a span of wall-clock time in the settings' zone, ``[start, end)``:
``09:00-13:00``. An end at or before the start crosses midnight
(``22:00-02:00`` runs into the next day); ``00:00-24:00`` is all day. A day
may hold several windows (``09:00-13:00, 14:00-18:00``). A window belongs to
the day it starts on: a day off or a public holiday closes the windows that
start on it (Friday's ``22:00-02:00`` still runs into a Saturday off).

The calendar is open when the zone's wall clock reads inside a window of an
open day, to the second. Across a change of clocks that means:

* spring forward (Berlin 02:00 -> 03:00): a window from 02:30 opens at 03:00,
  the first moment the clock reads past 02:30; a window that lies wholly in
  the skipped hour (02:00-02:45) does not open that day; a window ending at
  02:30 closes at 02:00, when the clock jumps past its end;
* fall back (Berlin 03:00 -> 02:00): the repeated hour is open both times the
  clock reads it, when a window covers it.

:meth:`Calendar.next_open` walks windows day by day (never minute by minute)
and gives up after :data:`SEARCH_DAYS` days with a SettingsError: "the
calendar has no sending time". Settings validation asks the same question, so
a saved calendar always opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from mailer_gui.core.clock import utc
from mailer_gui.core.errors import SettingsError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
SEARCH_DAYS = 400
NO_SENDING_TIME = "the calendar has no sending time"

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})\s*$")
# Any change of UTC offset is smaller than this (the largest in use is 2 h).
_SLACK = timedelta(hours=3)


@dataclass(frozen=True, order=True)
class Window:
    """Minutes from local midnight: ``start`` 0..1439, ``end`` 0..1440; an end
    at or before the start crosses midnight."""

    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def text(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_window(text: str, where: str = "windows") -> Window:
    """``"09:00-13:00"`` to a Window; raises SettingsError naming ``where``."""
    m = _WINDOW.match(text)
    if not m:
        raise SettingsError(
            where, f"{text.strip()!r} is not a window; use HH:MM-HH:MM, e.g. 09:00-13:00"
        )
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59:
        raise SettingsError(where, f"{text.strip()!r}: a window starts at 00:00 to 23:59")
    if h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise SettingsError(where, f"{text.strip()!r}: a window ends at 00:00 to 24:00")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end or (start == 0 and end == 0):
        raise SettingsError(
            where,
            f"{text.strip()!r}: a window cannot start and end at the "
            "same time; 00:00-24:00 is all day",
        )
    return Window(start, end)


def parse_windows(text: str, where: str = "windows") -> tuple[Window, ...]:
    """``"09:00-13:00, 14:00-18:00"`` (or empty: closed) to sorted windows."""
    parts = [p for p in re.split(r"[,;]", text) if p.strip()]
    if len(parts) == 1 and parts[0].strip().lower() in ("closed", "off", "-"):
        return ()
    return tuple(sorted(parse_window(p, where) for p in parts))


def format_windows(windows: tuple[Window, ...]) -> str:
    return ", ".join(w.text for w in windows)


def format_week(week: tuple[tuple[Window, ...], ...]) -> str:
    """Seven window lists as ``parse_week`` reads them, runs of equal days
    joined: ``mon-fri 09:00-13:00,14:00-18:00; sat-sun closed``."""
    parts: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and week[j + 1] == week[i]:
            j += 1
        days = DAY_NAMES[i] if i == j else f"{DAY_NAMES[i]}-{DAY_NAMES[j]}"
        parts.append(f"{days} {','.join(w.text for w in week[i]) or 'closed'}")
        i = j + 1
    return "; ".join(parts)


def parse_week(text: str) -> tuple[str, ...]:
    """``"mon-fri 09:00-13:00,14:00-18:00; sat 10:00-12:00"`` to seven window
    lists, Monday first, in the stored form (``"09:00-13:00,14:00-18:00"``;
    ``""`` = closed). Days not named are closed; a day named twice takes the
    later spec. Raises SettingsError("windows", ...) naming the bad part."""
    week = [""] * 7
    for part in (p.strip() for p in text.split(";") if p.strip()):
        days_text, _, spec = part.partition(" ")
        days = _parse_days(days_text.strip().lower(), part)
        windows = parse_windows(spec, "windows")
        if not windows and spec.strip().lower() not in ("closed", "off", "-"):
            raise SettingsError(
                "windows",
                f"{part!r}: give the day's windows after the "
                "days, e.g. mon-fri 09:00-13:00,14:00-18:00 (or 'closed')",
            )
        for d in days:
            week[d] = ",".join(w.text for w in windows)
    return tuple(week)


def _parse_days(text: str, part: str) -> list[int]:
    out: list[int] = []
    for item in (i for i in text.split(",") if i):
        a, sep, b = item.partition("-")
        if a not in DAY_NAMES or (sep and b not in DAY_NAMES):
            raise SettingsError(
                "windows",
                f"{part!r}: {item!r} is not a day or day range; use e.g. mon-fri or sat,sun",
            )
        i, j = DAY_NAMES.index(a), DAY_NAMES.index(b) if sep else DAY_NAMES.index(a)
        out.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
    if not out:
        raise SettingsError("windows", f"{part!r}: start with the days, e.g. mon-fri")
    return out


def parse_day_off(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise SettingsError(
            "days_off", f"{text.strip()!r} is not a date; use YYYY-MM-DD, e.g. 2027-01-08"
        ) from None


def supported_countries() -> dict[str, list[str]]:
    """Country code -> its subdivision codes, as the ``holidays`` package knows them."""
    return {k: list(v) for k, v in _supported().items()}


@lru_cache(maxsize=1)
def _supported() -> dict[str, tuple[str, ...]]:
    import holidays

    return {k: tuple(v) for k, v in holidays.list_supported_countries().items()}


def holiday_countries() -> list[tuple[str, str]]:
    """``(code, English name)`` of every country with public holidays, by name."""
    from holidays import registry

    out = {}
    for entry in registry.COUNTRIES.values():
        name, code = entry[0], entry[1]
        out[code] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    for code in supported_countries():
        if len(code) == 2:
            out.setdefault(code, code)
    return sorted(out.items(), key=lambda item: item[1])


def check_holidays(code: str) -> str:
    """The canonical ``CC`` or ``CC-SUBDIV`` form; raises SettingsError if the
    ``holidays`` package does not know the country or subdivision."""
    code = code.strip()
    if not code:
        return ""
    country, _, sub = code.partition("-")
    countries = _supported()
    if country.upper() not in countries:
        raise SettingsError(
            "holidays",
            f"{country!r} is not a country the holidays package "
            "knows; use an ISO code such as RU, DE, US",
        )
    country = country.upper()
    if sub:
        subs = {s.upper(): s for s in countries[country]}
        if sub.upper() not in subs:
            listed = ", ".join(countries[country][:12]) or "none"
            raise SettingsError(
                "holidays", f"{sub!r} is not a subdivision of {country}; known: {listed}"
            )
        return f"{country}-{subs[sub.upper()]}"
    return country


@lru_cache(maxsize=256)
def holiday_dates(code: str, year: int) -> frozenset[date]:
    """The public holidays of ``code`` (``CC`` or ``CC-SUBDIV``) in ``year``."""
    import holidays

    country, _, sub = code.partition("-")
    return frozenset(holidays.country_holidays(country, subdiv=sub or None, years=year))


@dataclass(frozen=True)
class Calendar:
    """Windows per weekday (Monday first) in ``zone``, days off, holidays."""

    zone: ZoneInfo
    week: tuple[tuple[Window, ...], ...]
    days_off: frozenset[date] = field(default_factory=frozenset)
    holidays: str = ""  # "", "RU" or "US-CA"

    @property
    def has_windows(self) -> bool:
        return any(self.week)

    def closed_day(self, day: date) -> bool:
        """True if ``day`` is a day off or a public holiday (its windows do not open)."""
        if day in self.days_off:
            return True
        return bool(self.holidays) and day in holiday_dates(self.holidays, day.year)

    def _windows(self, day: date) -> tuple[Window, ...]:
        windows = self.week[day.weekday()]
        return () if not windows or self.closed_day(day) else windows

    def is_open(self, now: datetime) -> bool:
        """True if the wall clock in the zone reads inside an open window at ``now``."""
        local = utc(now).astimezone(self.zone)
        day = local.date()
        tod = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        for w in self._windows(day):
            if w.start * 60 <= tod and (w.crosses_midnight or tod < w.end * 60):
                return True
        return any(
            w.crosses_midnight and tod < w.end * 60 for w in self._windows(day - timedelta(days=1))
        )

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The UTC spans during which the windows that start on ``day`` are open."""
        out: list[tuple[datetime, datetime]] = []
        midnight = datetime.combine(day, time())
        for w in self._windows(day):
            a = midnight + timedelta(minutes=w.start)
            b = midnight + timedelta(minutes=w.end + (DAY_MINUTES if w.crosses_midnight else 0))
            out.extend(_wall_spans(self.zone, a, b))
        return sorted(out)

    def next_open(self, now: datetime) -> datetime:
        """``now`` if open, else the first second (UTC) a window opens after it."""
        now = utc(now)
        if self.is_open(now):
            return now
        first = now.astimezone(self.zone).date() - timedelta(days=1)
        best: datetime | None = None
        found_on = 0
        for i in range(SEARCH_DAYS + 2):
            for a, b in self.spans(first + timedelta(days=i)):
                if b > now and (best is None or max(a, now) < best):
                    best, found_on = max(a, now), found_on if best is not None else i
            if best is not None and i > found_on:
                # One day more (a clock change may bring a window forward);
                # windows of later days start later still.
                return best
        if best is not None:
            return best
        raise SettingsError(
            "windows",
            f"{NO_SENDING_TIME} in the {SEARCH_DAYS} days after "
            f"{now:%Y-%m-%d}: add a window or remove days off",
        )

    def next_close(self, now: datetime, horizon_days: int = 3) -> datetime:
        """The end (UTC) of the open period that holds ``now`` (``now`` if closed).
        Windows that touch (Monday 22:00-24:00, Tuesday 00:00-06:00) make one
        period; an all-week calendar gives the end of the look-ahead, so the
        caller asks again from there."""
        now = utc(now)
        if not self.is_open(now):
            return now
        first = now.astimezone(self.zone).date() - timedelta(days=1)
        spans: list[tuple[datetime, datetime]] = []
        for i in range(horizon_days + 2):
            spans.extend(self.spans(first + timedelta(days=i)))
        end = now
        for a, b in sorted(spans):
            if a <= end < b:
                end = b
        return max(end, now)


def _wall_spans(zone: ZoneInfo, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC spans during which the wall clock in ``zone`` reads in ``[a, b)``
    (naive wall times); one span, or two when a clock going back re-enters it,
    or none when the span lies in a skipped hour. Assumes at most one change
    of offset within a few hours of the span (true of every zone in use)."""
    lo = a.replace(tzinfo=zone).astimezone(UTC) - _SLACK
    hi = b.replace(tzinfo=zone).astimezone(UTC) + _SLACK
    off_lo, off_hi = _offset(zone, lo), _offset(zone, hi)
    if off_lo == off_hi:
        pieces = [(lo, hi, off_lo)]
    else:
        t = _transition(zone, lo, hi, off_lo)
        pieces = [(lo, t, off_lo), (t, hi, off_hi)]
    out: list[tuple[datetime, datetime]] = []
    for p_lo, p_hi, off in pieces:
        s = max(p_lo, a.replace(tzinfo=UTC) - off)
        e = min(p_hi, b.replace(tzinfo=UTC) - off)
        if s < e:
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
    return out


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    off = at.astimezone(zone).utcoffset()
    assert off is not None
    return off


def _transition(zone: ZoneInfo, lo: datetime, hi: datetime, off_lo: timedelta) -> datetime:
    """The first whole second in ``(lo, hi]`` whose offset differs from ``off_lo``."""
    base = lo.replace(microsecond=0)
    left, right = 0, int((hi - base).total_seconds()) + 1
    while right - left > 1:
        mid = (left + right) // 2
        if _offset(zone, base + timedelta(seconds=mid)) == off_lo:
            left = mid
        else:
            right = mid
    return base + timedelta(seconds=right)
