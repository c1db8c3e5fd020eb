"""The ETA of each live entry: time walked forward, capacity spent in queue order.

The walk uses everything the engine obeys: the calendar (campaigns only), the
monthly quota, every rate rule in force (per minute, hour, day; each over its
calendar period and its rolling window) and the pacing gap. It moves in
chunks: as many messages as every rule and the calendar allow, one step apart,
never across a period's or a window's end, so its cost grows with the
boundaries crossed, not with the messages.

It is an estimate. The rolling window of a rule is modelled as starting at the
first send in it (the oldest reservation in the ledger at the start), which is
exact for bursts and a little early when the window's sends were spread out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.config.settings import AppSettings
from mailer_gui.core.sending import limits, pacing
from mailer_gui.core.store.models import SlotReservation

# Assumed time per message when estimating; sending is much faster than the
# limits almost always, so this only matters for huge limits.
SECONDS_PER_MESSAGE = 1.0
MAX_CHUNKS = 200_000


@dataclass
class _RuleState:
    rule: limits.Rule
    period_hi: datetime
    period_used: int
    anchor: datetime | None  # the first send in the current rolling window
    window_used: int

    def roll(self, st: AppSettings, t: datetime) -> None:
        if t >= self.period_hi:
            self.period_hi, self.period_used = self.rule.period(st.limits, t)[1], 0
        if self.anchor is not None and t >= self.anchor + self.rule.window:
            self.anchor, self.window_used = None, 0

    def left(self) -> int:
        return self.rule.limit - max(self.period_used, self.window_used)

    def free_at(self) -> datetime:
        """When this full rule has room again (its period ends, its window moves)."""
        out = []
        if self.period_used >= self.rule.limit:
            out.append(self.period_hi)
        if self.window_used >= self.rule.limit and self.anchor is not None:
            out.append(self.anchor + self.rule.window)
        return max(out, default=self.period_hi)

    def ends(self) -> list[datetime]:
        """The boundaries a chunk must not cross."""
        out = [self.period_hi]
        if self.anchor is not None:
            out.append(self.anchor + self.rule.window)
        return out

    def take(self, t: datetime, k: int) -> None:
        self.period_used += k
        self.window_used += k
        if self.anchor is None:
            self.anchor = t


def _rule_state(session: Session, st: AppSettings, r: limits.Rule, now: datetime) -> _RuleState:
    u = limits.rule_usage(session, st.limits, r, now)
    anchor = None
    if u.rolling:
        first = session.scalar(
            select(func.min(SlotReservation.at)).where(SlotReservation.at > now - r.window)
        )
        anchor = utc(first) if first is not None else None
    if u.next_slot_at is not None and u.rolling >= r.limit:
        anchor = u.next_slot_at - r.window  # the window has room again at that second
    return _RuleState(r, u.resets_at, u.period, anchor, u.rolling)


class Estimator:
    """Spends capacity entry after entry, in queue order, from ``now``."""

    def __init__(
        self,
        session: Session,
        st: AppSettings,
        monthly_left: int,
        month_end: datetime,
        pace: pacing.Pacing,
        now: datetime,
    ) -> None:
        self.st = st
        self.month_end, self.month_left = month_end, max(0, monthly_left)
        self.rules = [_rule_state(session, st, r, now) for r in limits.rules(st.limits)]
        gap = pacing.gap(st.limits)
        self.step = max(timedelta(seconds=SECONDS_PER_MESSAGE), gap or timedelta(0))
        self.t = max(now, pace.next_slot_at or now)

    def spend(self, start: datetime, n: int, calendar: bool) -> datetime:
        """When the last of ``n`` messages (from ``start`` at the earliest) is sent;
        ``calendar``: only inside the sending calendar (campaigns)."""
        t = max(self.t, start)
        done = t
        for _ in range(MAX_CHUNKS):
            if n <= 0:
                break
            wait = self._wait(t, calendar)
            if wait is not None:
                t = wait
                continue
            k = self._chunk(t, n, calendar)
            for r in self.rules:
                r.take(t, k)
            self.month_left -= k
            n -= k
            last = t + self.step * (k - 1)
            done = last + timedelta(seconds=SECONDS_PER_MESSAGE)
            t = last + self.step
        self.t = t
        return done

    def _wait(self, t: datetime, calendar: bool) -> datetime | None:
        """The time to move to when nothing may go at ``t``, else None."""
        lim = self.st.limits
        if t >= self.month_end:
            self.month_end = limits.next_month_start(lim, t)
            self.month_left = lim.monthly
        if calendar and not limits.is_open(lim, t):
            return limits.next_open(lim, t)
        if self.month_left <= 0:
            return self.month_end
        for r in self.rules:
            r.roll(self.st, t)
        full = [r.free_at() for r in self.rules if r.left() <= 0]
        return max(full) if full else None

    def _chunk(self, t: datetime, n: int, calendar: bool) -> int:
        """How many go from ``t``, one step apart, before any rule, the month or
        the calendar window needs a fresh look."""
        k = min(n, self.month_left, *(r.left() for r in self.rules))
        ends = [e for r in self.rules for e in r.ends()] + [self.month_end]
        if calendar:
            ends.append(limits.window_end(self.st.limits, t))
        for end in ends:
            room = -(-(end - t) // self.step)  # sends at t, t + step, ... before ``end``
            k = min(k, max(1, room))
        return max(1, k)
