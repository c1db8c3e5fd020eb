"""Injectable clocks: every time decision in core takes "now" from one of these."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

log = logging.getLogger(__name__)


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


class SkewedClock:
    """The wall clock off by ``seconds`` (a laptop whose clock is wrong): the
    team tests' laptops use it to show the database's clock wins."""

    def __init__(self, seconds: float) -> None:
        self.skew = timedelta(seconds=seconds)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew


class CorrectedClock:
    """A clock set right by a reference read now and then: in team mode the
    database server's clock, so laptops whose own clocks are wrong still count
    one hourly budget and judge one working day (spec: invariant C across
    machines).

    ``now()`` is ``base.now()`` plus an offset. The offset is measured at the
    first ``now()`` and again once ``every`` seconds of real time have passed:
    the reference is read between two readings of the base clock and taken
    as their midpoint, so the round trip's latency cancels out to half of it.
    Only the first measure makes ``now()`` wait; later ones run in a thread of
    their own while ``now()`` answers with the last offset, so a window never
    waits on the database to read the time. If the reference cannot be read,
    the last offset stays (none before the first success) and the next
    measure is tried a few seconds later.
    """

    def __init__(self, base: Clock, reference: Callable[[], datetime], every: float = 30.0) -> None:
        self.base = base
        self._reference = reference
        self._every = every
        self._offset = timedelta(0)
        self._next_sync: float | None = None  # monotonic time of the next measure
        self._measuring: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """How far the base clock is behind the reference (negative: ahead)."""
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        first = False
        with self._lock:
            if self._next_sync is None:
                first = True
            elif time.monotonic() >= self._next_sync and self._measuring is None:
                self._measuring = threading.Thread(
                    target=self._measure_in_background, name="mailer-clock", daemon=True
                )
                self._measuring.start()
        if first:
            self.sync()
        with self._lock:
            offset = self._offset
        return self.base.now() + offset

    def _measure_in_background(self) -> None:
        try:
            self.sync()
        finally:
            with self._lock:
                self._measuring = None

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for a measure running in the background, if any (tests)."""
        with self._lock:
            thread = self._measuring
        if thread is not None:
            thread.join(timeout)

    def sync(self) -> timedelta:
        """Measure the offset now; returns it."""
        before = self.base.now()
        try:
            reference = self._reference()
        except Exception:  # the database may be away for a moment: keep the last
            log.warning("could not read the database's clock; keeping the last offset")
            with self._lock:
                self._next_sync = time.monotonic() + min(self._every, 5.0)
                return self._offset
        after = self.base.now()
        offset = utc(reference) - (before + (after - before) / 2)
        with self._lock:
            self._offset = offset
            self._next_sync = time.monotonic() + self._every
        return offset
