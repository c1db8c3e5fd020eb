"""Hourly and monthly limits over the slot ledger, and the working-hours calendar.

All counting happens on the ledger (:class:`SlotReservation`) inside the
caller's transaction; when the caller holds the write lock (transaction A),
check and reservation are one atomic step (invariant E).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


# ---------------------------------------------------------------- usage


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


def hourly_usage(session: Session, limits: LimitSettings, now: datetime) -> HourlyUsage:
    """Clock-hour and rolling-60-minute usage, and when the next slot frees.

    A reservation made at ``a`` counts in the rolling window during
    ``[a, a + 60 min)``, and in its clock hour. Reservations stamped after
    ``now`` (the clock was moved back) still count: the provider's clock did
    not move back.
    """
    now = utc(now)
    hs = clock_hour_start(now)
    clock = _count_since(session, hs, hs + HOUR)
    rolling = _count_since(session, now - HOUR + timedelta(microseconds=1))
    if clock < limits.hourly and rolling < limits.hourly:
        return HourlyUsage(limits.hourly, clock, rolling, None)
    stamps = sorted(
        utc(a)
        for a in session.scalars(
            select(SlotReservation.at).where(SlotReservation.at > now - 2 * HOUR)
        )
    )

    def counts(t: datetime) -> tuple[int, list[datetime]]:
        h = clock_hour_start(t)
        window = [a for a in stamps if a > t - HOUR]
        return sum(1 for a in stamps if h <= a < h + HOUR), window

    t = now
    # Counts only fall as time passes (no new reservations are assumed), so
    # walking to the next binding boundary converges in a few rounds.
    for _ in range(len(stamps) + 4):
        c, window = counts(t)
        if c < limits.hourly and len(window) < limits.hourly:
            break
        candidates = [t]
        if c >= limits.hourly:
            candidates.append(clock_hour_start(t) + HOUR)
        if len(window) >= limits.hourly:
            # The slot frees when enough of the oldest have left the window.
            candidates.append(window[len(window) - limits.hourly] + HOUR)
        t = max(candidates)
    return HourlyUsage(limits.hourly, clock, rolling, t)


def monthly_usage(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> MonthlyUsage:
    """Provider-reported usage at the last sync plus local sends after it (F)."""
    start = month_start(limits, now)
    resets = next_month_start(limits, now)
    if quota is not None and start <= utc(quota.synced_at) < resets:
        used = quota.used + _count_since(session, utc(quota.synced_at), resets)
    else:
        used = _count_since(session, start, resets)
    return MonthlyUsage(limit=limits.monthly, used=used, resets_at=resets)


def capacity(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[MonthlyUsage, HourlyUsage | None]:
    """Monthly usage, and the hourly usage when no hourly slot is free (else None).

    The same counts as :func:`monthly_usage` and :func:`hourly_usage`, in raw
    SQL on the session's transaction, in one round trip; run inside
    transaction A, before the slot is reserved.
    """
    now = utc(now)
    m_lo, m_hi = month_start(limits, now), next_month_start(limits, now)
    base = 0
    if quota is not None and m_lo <= utc(quota.synced_at) < m_hi:
        base, m_lo = quota.used, utc(quota.synced_at)
    hs = clock_hour_start(now)
    month, clock, rolling = hotsql.counts(
        hotsql.driver(session), m_lo, m_hi, hs, hs + HOUR, now - HOUR + timedelta(microseconds=1)
    )
    monthly = MonthlyUsage(limit=limits.monthly, used=base + month, resets_at=m_hi)
    if clock < limits.hourly and rolling < limits.hourly:
        return monthly, None
    return monthly, hourly_usage(session, limits, now)


def capacity_hold(
    session: Session, limits: LimitSettings, quota: QuotaSync | None, now: datetime
) -> tuple[str, datetime, str] | None:
    """The reason, next run time and detail when no slot is free now (monthly
    quota first, then the hourly limit), else None. The engine asks this before
    it reserves a slot; a settings save asks it again for every waiting entry."""
    month, hour = capacity(session, limits, quota, now)
    if month.exhausted:
        return (
            Reason.MONTHLY_QUOTA,
            month.resets_at,
            Message("limits.monthly_used", used=month.used, limit=month.limit),
        )
    if hour is not None and hour.next_slot_at is not None:
        return (
            Reason.HOURLY_LIMIT,
            hour.next_slot_at,
            Message("limits.hourly_reached", used=hour.used, limit=hour.limit),
        )
    return None


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
