"""Times in the window: the core's rule (``core/timefmt``) in the UI language.

Every time shown is in the settings' zone and labelled (``MSK``) when the
laptop's clock would read differently. Month names come from ``QLocale``;
the conversion is done by ``zoneinfo``, never by Qt's idea of local time.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTime

from mailer_gui.core import timefmt
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.context import AppContext

DEFAULT_ZONE = settings_mod.LimitSettings().timezone


def settings_zone(ctx: AppContext) -> str:
    """The zone of the working hours, as saved (the one all times are shown in)."""
    with ctx.db.read() as s:
        return settings_mod.load(s).limits.timezone


def display_time(when: datetime | None, zone: str, now: datetime) -> str:
    """``14:05`` today, ``26 Nov 14:05`` another day; `` MSK`` added when the
    laptop's zone differs. "Today" is the settings' zone's day."""
    if when is None:
        return ""
    local = timefmt.in_zone(when, zone)
    loc = QLocale()
    text = loc.toString(QTime(local.hour, local.minute), "HH:mm")
    if local.date() != timefmt.in_zone(now, zone).date():
        text = loc.toString(QDate(local.year, local.month, local.day), "d MMM") + " " + text
    return text + timefmt.label_suffix(zone, when)


def short_time(when: datetime | None, zone: str) -> str:
    """``02.12 09:00`` (plus the label when needed): notifications, tooltips."""
    return timefmt.local_time(when, zone, timefmt.SHORT_FORMAT)


def full_time(when: datetime | None, zone: str, seconds: bool = False) -> str:
    """``2026-12-02 09:00`` (plus the label when needed)."""
    fmt = timefmt.FULL_FORMAT + (":%S" if seconds else "")
    return timefmt.local_time(when, zone, fmt)


def widest_time_text() -> str:
    """The longest text ``display_time`` may give, for a column's width."""
    loc = QLocale()
    return (
        loc.toString(QDate(2026, 12, 28), "d MMM")
        + " "
        + loc.toString(QTime(23, 58), "HH:mm")
        + " UTC+05:30"
    )
