"""The limit rules (per minute, hour, day, month) over the slot ledger, and the calendar.

All counting happens on the ledger (:class:`SlotReservation`) inside the
caller's transaction; when the caller holds the write lock (transaction A),
check and reservation are one atomic step (invariant E).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import Reason
from mailer_gui.core.config.settings import LimitSettings, QuotaSync
from mailer_gui.core.messages import Message
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import SlotReservation

HOUR = timedelta(hours=1)


# ---------------------------------------------------------------- calendar


def is_open(limits: LimitSettings, now: datetime) -> bool:
    """True if ``now`` is inside the sending calendar (windows, days off,
    holidays; see :mod:`mailer_gui.core.sending.calendar`)."""
    return limits.calendar.is_open(now)


def next_open(limits: LimitSettings, now: datetime) -> datetime:
    """``now`` if the calendar is open, else the second (UTC) it next opens."""
    return limits.calendar.next_open(now)


def window_end(limits: LimitSettings, now: datetime) -> datetime:
    """The end (UTC) of the open period that contains ``now``."""
    return limits.calendar.next_close(now)


# ---------------------------------------------------------------- months


def month_start(limits: LimitSettings, now: datetime) -> datetime:
    local = utc(now).astimezone(limits.tz)
    return datetime(local.year, local.month, 1, tzinfo=limits.tz).astimezone(UTC)


def next_month_start(limits: LimitSettings, now: datetime) -> datetime:
    local = utc(now).astimezone(limits.tz)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime(year, month, 1, tzinfo=limits.tz).astimezone(UTC)


def clock_hour_start(now: datetime) -> datetime:
    """Start of the clock hour (UTC; every IANA zone in use has whole-hour-aligned
    hours except a few half-hour zones, for which the UTC hour is the stricter
    choice a provider would count by)."""
    n = utc(now)
    return n.replace(minute=0, second=0, microsecond=0)


# ---------------------------------------------------------------- rules

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


def clock_minute_start(now: datetime) -> datetime:
    """Start of the clock minute (every zone's offset is whole minutes)."""
    return utc(now).replace(second=0, microsecond=0)


def day_start(limits: LimitSettings, now: datetime) -> datetime:
    """Start (UTC) of the local day in the settings' zone that holds ``now``."""
    local = utc(now).astimezone(limits.tz)
    return datetime(local.year, local.month, local.day, tzinfo=limits.tz).astimezone(UTC)


def next_day_start(limits: LimitSettings, now: datetime) -> datetime:
    local = utc(now).astimezone(limits.tz).date() + timedelta(days=1)
    return datetime(local.year, local.month, local.day, tzinfo=limits.tz).astimezone(UTC)


@dataclass(frozen=True)
class Rule:
    """One limit that holds over a calendar period *and* a rolling window."""

    name: str  # "minute", "hourly", "daily"
    limit: int
    window: timedelta
    reason: Reason
    message: str

    def period(self, limits: LimitSettings, t: datetime) -> tuple[datetime, datetime]:
        if self.name == "minute":
            lo = clock_minute_start(t)
            return lo, lo + MINUTE
        if self.name == "hourly":
            lo = clock_hour_start(t)
            return lo, lo + HOUR
        return day_start(limits, t), next_day_start(limits, t)


def rules(limits: LimitSettings) -> list[Rule]:
    """The rules in force, shortest window first (0 turns a rule off)."""
    out = []
    if limits.per_minute > 0:
        out.append(
            Rule("minute", limits.per_minute, MINUTE, Reason.MINUTE_LIMIT, "limits.minute_reached")
        )
    out.append(Rule("hourly", limits.hourly, HOUR, Reason.HOURLY_LIMIT, "limits.hourly_reached"))
    if limits.daily > 0:
        out.append(Rule("daily", limits.daily, DAY, Reason.DAILY_LIMIT, "limits.daily_reached"))
    return out


def rule(limits: LimitSettings, name: str) -> Rule | None:
    return next((r for r in rules(limits) if r.name == name), None)


# ---------------------------------------------------------------- usage


@dataclass(frozen=True)
class RuleUsage:
    limit: int
    period: int  # in the calendar period (clock minute/hour, local day)
    rolling: int  # in the rolling window (60 s, 60 min, 24 h)
    next_slot_at: datetime | None  # None: a slot is free now
    resets_at: datetime  # end of the calendar period

    @property
    def used(self) -> int:
        return max(self.period, self.rolling)


@dataclass(frozen=True)
class HourlyUsage:
    limit: int
    clock_hour: int
    rolling: int
    next_slot_at: datetime | None  # None: a slot is free now

    @property
    def used(self) -> int:
        return max(self.clock_hour, self.rolling)


@dataclass(frozen=True)
class MonthlyUsage:
    limit: int
    used: int
    resets_at: datetime

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit


def _count_since(session: Session, since: datetime, until: datetime | None = None) -> int:
    q = select(func.count()).select_from(SlotReservation).where(SlotReservation.at >= since)
    if until is not None:
        q = q.where(SlotReservation.at < until)
    return int(session.scalar(q) or 0)


def _spans(limits: LimitSettings, rule: Rule, now: datetime) -> list[tuple[datetime, datetime]]:
    """The calendar period and the rolling window of ``rule`` at ``now``. A
    reservation made at ``a`` counts in the rolling window during
    ``[a, a + window)``; reservations stamped after ``now`` (the clock was
    moved back) still count: the provider's clock did not move back."""
    return [rule.period(limits, now), (now - rule.window + _TICK, hotsql.FOREVER)]


def _stamps(
    session: Session, limits: LimitSettings, rs: list[Rule], now: datetime
) -> list[datetime]:
    since = min(min(r.period(limits, now)[0], now - r.window) for r in rs)
    return sorted(
        utc(a)
        for a in session.scalars(select(SlotReservation.at).where(SlotReservation.at >= since))
    )


def _free_at(limits: LimitSettings, rule: Rule, stamps: list[datetime], t: datetime) -> datetime:
    """The first time at or after ``t`` when ``rule`` has a slot, assuming no
    new reservations. Counts only fall as time passes, so walking to the next
    binding boundary converges in a few rounds."""
    for _ in range(len(stamps) + 4):
        lo, hi = rule.period(limits, t)
        in_period = sum(1 for a in stamps if lo <= a < hi)
        window = [a for a in stamps if a > t - rule.window]
        if in_period < rule.limit and len(window) < rule.limit:
            break
        candidates = [t]
        if in_period >= rule.limit:
            candidates.append(hi)
        if len(window) >= rule.limit:
            # The slot frees when enough of the oldest have left the window.
            candidates.append(window[len(window) - rule.limit] + rule.window)
        t = max(candidates)
    return t


def _next_slot(session: Session, limits: LimitSettings, now: datetime) -> tuple[Rule, datetime]:
    """When every rule has a slot again, and the rule that frees last."""
    rs = rules(limits)
    stamps = _stamps(session, limits, rs, now)
    t, last = now, rs[0]
    for _ in range(16):
        moved = False
        for r in rs:
            free = _free_at(limits, r, stamps, t)
            if free > t:
                t, last, moved = free, r, True
        if not moved:
            break
    return last, t


def rule_usage(session: Session, limits: LimitSettings, rule: Rule, now: datetime) -> RuleUsage:
    """Usage of one rule over its calendar period and rolling window, and
    when its next slot frees (this rule alone)."""
    now = utc(now)
    period, rolling = hotsql.counts(hotsql.driver(session), _spans(limits, rule, now))
    resets = rule.period(limits, now)[1]
    if period < rule.limit and rolling < rule.limit:
        return RuleUsage(rule.limit, period, rolling, None, resets)
    stamps = _stamps(session, limits, [rule], now)
    return RuleUsage(rule.limit, period, rolling, _free_at(limits, rule, stamps, now), resets)


def hourly_usage(session: Session, limits: LimitSettings, now: datetime) -> HourlyUsage:
    """Clock-hour and rolling-60-minute usage, and when the next hourly slot frees."""
    hourly = rule(limits, "hourly")
    assert hourly is not None
    u = rule_usage(session, limits, hourly, now)
    return HourlyUsage(u.limit, u.period, u.rolling, u.next_slot_at)


def _month_span(
    limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[int, datetime, datetime]:
    """The provider-reported base and the span of local sends counted on it (F)."""
    m_lo, m_hi = month_start(limits, now), next_month_start(limits, now)
    if quota is not None and m_lo <= utc(quota.synced_at) < m_hi:
        return quota.used, utc(quota.synced_at), m_hi
    return 0, m_lo, m_hi


def monthly_usage(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> MonthlyUsage:
    """Provider-reported usage at the last sync plus local sends after it (F)."""
    base, lo, hi = _month_span(limits, quota, utc(now))
    (used,) = hotsql.counts(hotsql.driver(session), [(lo, hi)])
    return MonthlyUsage(limit=limits.monthly, used=base + used, resets_at=hi)


def capacity(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[MonthlyUsage, HourlyUsage | None]:
    """Monthly usage, and the hourly usage when no hourly slot is free (else None).

    Kept for callers that look at the hour alone; :func:`capacity_hold` is the
    check the engine makes.
    """
    now = utc(now)
    base, lo, hi = _month_span(limits, quota, now)
    hourly = rule(limits, "hourly")
    assert hourly is not None
    month, clock, rolling = hotsql.counts(
        hotsql.driver(session), [(lo, hi), *_spans(limits, hourly, now)]
    )
    monthly = MonthlyUsage(limit=limits.monthly, used=base + month, resets_at=hi)
    if clock < limits.hourly and rolling < limits.hourly:
        return monthly, None
    return monthly, hourly_usage(session, limits, now)


def _hold_spans(
    limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> list[tuple[datetime, datetime]]:
    _base, lo, hi = _month_span(limits, quota, now)
    spans = [(lo, hi)]
    for r in rules(limits):
        spans.extend(_spans(limits, r, now))
    return spans


@lru_cache(maxsize=4)
def capacity_read(
    limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[str, tuple[str, ...]]:
    """The statement :func:`capacity_hold` runs first, for ``hotsql.ahead``
    (cached: the engine's step sends it ahead, then runs it, at one "now")."""
    return hotsql.counts_read(_hold_spans(limits, quota, utc(now)))


def capacity_hold(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[str, datetime, str] | None:
    """The reason, next run time and detail when no slot is free now, else
    None. The monthly quota first (it waits for the month); else, when any
    rule (per minute, per hour, per day, each over its calendar period and its
    rolling window) is full, the second every rule has a slot again, with the
    reason of the rule that frees last. One statement counts every rule, from
    the per-bucket counts, so its cost does not grow with the ledger; run
    inside transaction A, before the slot is reserved. A settings save asks
    it again for every waiting entry."""
    now = utc(now)
    base, lo, hi = _month_span(limits, quota, now)
    rs = rules(limits)
    month, *per_rule = hotsql.count_row(hotsql.driver(session), capacity_read(limits, quota, now))
    if base + month >= limits.monthly:
        return (
            Reason.MONTHLY_QUOTA,
            hi,
            Message("limits.monthly_used", used=base + month, limit=limits.monthly),
        )
    if all(c < r.limit for r, c in zip([r for r in rs for _ in (0, 1)], per_rule, strict=True)):
        return None
    last, when = _next_slot(session, limits, now)
    used = dict(
        zip((r.name for r in rs), zip(per_rule[::2], per_rule[1::2], strict=True), strict=True)
    )
    return (
        last.reason,
        when,
        Message(last.message, used=max(used[last.name]), limit=last.limit),
    )


def reserve_slot(
    session: Session,
    now: datetime,
    recipient_id: int | None,
    campaign_id: int | None,
    limits: LimitSettings | None = None,
) -> SlotReservation:
    """Add one reservation to the ledger, with the ``limits`` in force; the
    caller has checked capacity in the same write transaction."""
    slot = SlotReservation(
        at=utc(now),
        recipient_id=recipient_id,
        campaign_id=campaign_id,
        hourly_limit=limits.hourly if limits else None,
        monthly_limit=limits.monthly if limits else None,
    )
    session.add(slot)
    return slot


def release_slot(session: Session, slot_id: int) -> None:
    """Give a slot back (only for failures before MAIL FROM was sent)."""
    session.execute(delete(SlotReservation).where(SlotReservation.id == slot_id))
