"""Even pacing: a gap between two reserved slots, so an account does not burst.

Three modes (``LimitSettings.pacing``): ``off``; ``spread``, at most one
message per (window / limit) of the strictest rate rule in force (100 an hour:
one every 36 s; 500 a day: one every 2 min 53 s); ``min_gap``, at least
``LimitSettings.min_gap`` seconds between two messages.

The gap is measured from the newest reservation in the ledger, so it holds
across restarts, for every engine on the database, and test sends count. It is
judged in transaction A, right after the limit check and before the slot is
reserved, under the write lock (invariant E). A paced wait is not a pause: no
``defer``, no pause event, no notification; the entry stays ``processing``
and the engine sleeps until the gap has passed.

The monthly quota is a quota, not a rate, and the calendar already decides
when sending may happen: ``spread`` uses the per-minute, hourly and daily rules
only (see README "Even pacing").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mailer_gui.core.clock import iso, utc
from mailer_gui.core.config.settings import PACING_MODES, LimitSettings
from mailer_gui.core.sending import limits
from mailer_gui.core.store import hotsql

__all__ = ["PACING_MODES", "Pacing", "gap", "last_slot", "next_slot", "status"]

_US = timedelta(microseconds=1)


def gap(lim: LimitSettings) -> timedelta | None:
    """The least time between two reservations, or None when pacing is off.

    ``spread``: the largest window / limit over the rules in force, rounded up
    to the microsecond (so ``limit`` paced sends never fill more than one
    window)."""
    if lim.pacing == "min_gap":
        return timedelta(seconds=lim.min_gap)
    if lim.pacing == "spread":
        return max(-(-r.window // _US // r.limit) * _US for r in limits.rules(lim))
    return None


_LAST = "SELECT max(at) FROM slot_ledger"


def last_read(lim: LimitSettings) -> list[tuple[str, tuple[()]]]:
    """What :func:`next_slot` reads under ``lim`` (nothing with pacing off), for
    ``hotsql.ahead``."""
    return [] if gap(lim) is None else [(_LAST, ())]


def last_slot(session: Session) -> datetime | None:
    """The newest reservation in the ledger (test sends included); one index probe."""
    row = hotsql.driver(session).execute(_LAST).fetchone()
    return hotsql.from_ts(row[0]) if row else None


def next_slot(session: Session, lim: LimitSettings, now: datetime) -> datetime | None:
    """The time the next message may be reserved under pacing, or None if now.

    Run inside transaction A (after :func:`limits.capacity_hold` said yes)."""
    g = gap(lim)
    if g is None:
        return None
    last = last_slot(session)
    if last is None:
        return None
    at = last + g
    return at if at > utc(now) else None


@dataclass(frozen=True)
class Pacing:
    """Pacing as ``status --json`` shows it (its ``pacing`` object)."""

    mode: str  # off | spread | min_gap
    gap_seconds: float | None
    last_slot_at: datetime | None
    next_slot_at: datetime | None  # None: a message may go now

    def to_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "gap_seconds": self.gap_seconds,
            "last_slot_at": iso(self.last_slot_at),
            "next_slot_at": iso(self.next_slot_at),
        }


def status(session: Session, lim: LimitSettings, now: datetime) -> Pacing:
    """The pacing mode, its gap, the newest slot and when the next may go."""
    g = gap(lim)
    last = last_slot(session) if g is not None else None
    nxt = last + g if g is not None and last is not None and last + g > utc(now) else None
    return Pacing(lim.pacing, None if g is None else g.total_seconds(), last, nxt)
