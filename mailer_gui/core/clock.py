"""Injectable clocks: every time decision in core takes "now" from one of these."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with a ``now()`` that returns an aware UTC datetime."""

    def now(self) -> datetime: ...


class RealClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimClock:
    """A clock the tests move by hand; thread-safe so a worker may read it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (forward or backward, as a real clock may)."""
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now = self._now + timedelta(seconds=seconds)


def utc(dt: datetime) -> datetime:
    """Return ``dt`` as aware UTC; a naive value is taken to be UTC already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 with a UTC offset, or None."""
    return None if dt is None else utc(dt).isoformat()
