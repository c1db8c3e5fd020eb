"""Times for people: one rule for the window, notifications, CLI text and reports.

Every time the operator reads is shown in the time zone of the settings
(``limits.timezone``, the zone the working hours are in), never in the
laptop's. When the laptop's clock would read differently at that moment, the
time carries the zone's label (``MSK``, or ``UTC+04`` where the zone has no
letters of its own), so that "09:00" is never ambiguous. Times are stored and
compared in UTC; this module only turns them into text.

Qt-free: the window wraps it in ``ui/timefmt.py`` for its localised formats.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mailer_gui.core.clock import utc

# Short, unambiguous and the same in every language.
SHORT_FORMAT = "%d.%m %H:%M"
FULL_FORMAT = "%Y-%m-%d %H:%M"

Zone = ZoneInfo | str


def as_zone(zone: Zone) -> ZoneInfo:
    """A ``ZoneInfo`` from a zone or its IANA name."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def in_zone(dt: datetime, zone: Zone) -> datetime:
    """``dt`` (aware, or naive UTC) as an aware time in ``zone``."""
    return utc(dt).astimezone(as_zone(zone))


def laptop_offset(at: datetime) -> timedelta:
    """The laptop's UTC offset at ``at`` (the process's zone: ``TZ`` or the system's)."""
    return utc(at).astimezone().utcoffset() or timedelta(0)


def differs_from_laptop(zone: Zone, at: datetime) -> bool:
    """Would the laptop's clock read differently from ``zone``'s at ``at``?"""
    return (in_zone(at, zone).utcoffset() or timedelta(0)) != laptop_offset(at)


def zone_label(zone: Zone, at: datetime) -> str:
    """The zone's short name at ``at``: ``MSK``, ``CET``/``CEST``; ``UTC+04`` or
    ``UTC+05:30`` where the zone database has only digits (``+04``)."""
    local = in_zone(at, zone)
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    return offset_label(offset)


def offset_label(offset: timedelta) -> str:
    """``UTC``, ``UTC+03``, ``UTC-07``, ``UTC+05:30``."""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h:02d}" + (f":{m:02d}" if m else "")


def label_suffix(zone: Zone, at: datetime, always: bool = False) -> str:
    """`` MSK`` when the laptop's zone differs at ``at`` (or ``always``), else ``""``."""
    if always or differs_from_laptop(zone, at):
        return " " + zone_label(zone, at)
    return ""


def local_time(
    dt: datetime | None, zone: Zone, fmt: str = SHORT_FORMAT, always_label: bool = False
) -> str:
    """``dt`` as text in the settings' zone, labelled when the laptop's differs.

    ``local_time(09:00 MSK as UTC, "Europe/Moscow")`` is ``"02.12 09:00"`` on a
    laptop in Moscow and ``"02.12 09:00 MSK"`` on one in Los Angeles. ``None``
    gives ``""``.
    """
    if dt is None:
        return ""
    local = in_zone(dt, zone)
    return local.strftime(fmt) + label_suffix(zone, dt, always_label)


def zone_caption(zone: Zone, at: datetime) -> str:
    """``Europe/Moscow (MSK)``: the zone named in full, for a heading or an input."""
    z = as_zone(zone)
    label = zone_label(z, at)
    return z.key if label == z.key else f"{z.key} ({label})"
