"""The period report: every slot taken in local days ``start``..``end``, with
daily and hourly totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.mailbox.stats import period_feedback
from mailer_gui.core.reports.data import (
    MAX_PERIOD_DAYS,
    YIELD_PER,
    DayTotal,
    HourCount,
    LimitPeriod,
    PeriodReport,
    PeriodSummary,
    ReportError,
    SendRow,
)
from mailer_gui.core.reports.labels import ENGLISH, Labels
from mailer_gui.core.reports.sql import (
    STORED_FORMAT,
    limit_during,
    limits_in_force,
    local_hours,
    per_minute,
)
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Campaign as CampaignRow
from mailer_gui.core.store.models import (
    Recipient,
    SlotReservation,
)


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC bounds of local days ``start`` to ``end`` inclusive: [start 00:00, end+1 00:00)."""
    if end < start:
        raise ReportError(f"the period ends ({end}) before it starts ({start})")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ReportError(f"the period is longer than {MAX_PERIOD_DAYS} days; split it")
    lo = datetime(start.year, start.month, start.day, tzinfo=tz).astimezone(UTC)
    nxt = end + timedelta(days=1)
    hi = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).astimezone(UTC)
    return lo, hi


def _ledger_count(session: Session, lo: datetime, hi: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(SlotReservation)
            .where(SlotReservation.at >= lo, SlotReservation.at < hi)
        )
        or 0
    )


def _day_totals(
    session: Session, hours: list[HourCount], start: date, end: date, tz: ZoneInfo
) -> tuple[DayTotal, ...]:
    per_day: Counter[date] = Counter()
    peak: dict[date, int] = {}
    for h in hours:
        per_day[h.hour.date()] += h.sends
        peak[h.hour.date()] = max(peak.get(h.hour.date(), 0), h.sends)
    out: list[DayTotal] = []
    month_key: tuple[int, int] | None = None
    running = 0
    day = start
    while day <= end:
        if (day.year, day.month) != month_key:
            month_key = (day.year, day.month)
            # Sends earlier in the same month, before the period, count toward the quota.
            running = (
                _ledger_count(session, *period_bounds(day.replace(day=1), day, tz)) - per_day[day]
            )
        running += per_day[day]
        out.append(DayTotal(day, per_day[day], peak.get(day, 0), running))
        day += timedelta(days=1)
    return tuple(out)


def _result_expr() -> Any:
    return case(
        (Recipient.id.is_(None), "deleted"),
        (Recipient.claimed_at == SlotReservation.at, Recipient.status),
        else_="retried",
    )


def period_summary(session: Session, start: date, end: date, now: datetime) -> PeriodSummary:
    """Every slot taken in local days ``start``..``end`` with daily and hourly totals."""
    limits = settings_mod.load(session).limits
    lo, hi = period_bounds(start, end, limits.tz)
    in_range = (SlotReservation.at >= lo, SlotReservation.at < hi)
    periods = limits_in_force(
        session,
        "at >= :lo AND at < :hi",
        {"lo": lo.strftime(STORED_FORMAT), "hi": hi.strftime(STORED_FORMAT)},
    )
    tests_by_hour = local_hours(
        per_minute(session, *in_range, Recipient.test_entry_id.is_not(None), join_recipients=True),
        limits.tz,
    )
    hours = _with_limits(
        local_hours(per_minute(session, *in_range), limits.tz),
        {h.hour: h.sends for h in tests_by_hour},
        periods,
    )
    results, tests, n_campaigns = _period_counts(session, in_range)
    return PeriodSummary(
        start=start,
        end=end,
        generated_at=utc(now),
        timezone=limits.timezone,
        hourly_limit=limits.hourly,
        monthly_limit=limits.monthly,
        total=sum(h.sends for h in hours),
        test_sends=tests,
        campaigns=n_campaigns,
        results=results,
        days=_day_totals(session, hours, start, end, limits.tz),
        hours=tuple(hours),
        limits_in_force=periods,
        feedback=period_feedback(session, lo, hi),
    )


def _period_counts(session: Session, in_range: tuple[Any, ...]) -> tuple[dict[str, int], int, int]:
    """The period's sends by result, its test sends, and how many campaigns sent."""
    base = (
        select()
        .select_from(SlotReservation)
        .outerjoin(Recipient, Recipient.id == SlotReservation.recipient_id)
        .where(*in_range)
    )
    result = _result_expr()
    results = {
        str(k): int(n)
        for k, n in session.execute(base.add_columns(result, func.count()).group_by(result))
    }
    tests = int(
        session.scalar(base.add_columns(func.count()).where(Recipient.test_entry_id.is_not(None)))
        or 0
    )
    n_campaigns = int(
        session.scalar(base.add_columns(func.count(func.distinct(SlotReservation.campaign_id))))
        or 0
    )
    return results, tests, n_campaigns


def _with_limits(
    hours: list[HourCount], tests: dict[datetime, int], periods: Sequence[LimitPeriod]
) -> list[HourCount]:
    out = []
    for h in hours:
        h_utc = h.hour.astimezone(UTC)
        out.append(
            HourCount(
                h.hour,
                h.sends,
                tests.get(h.hour, 0),
                0,
                h.sends,
                limit_during(periods, h_utc, h_utc + timedelta(hours=1)),
            )
        )
    return out


def _send_rows(session: Session, lo: datetime, hi: datetime) -> Iterator[SendRow]:
    stmt = (
        select(
            SlotReservation.at,
            SlotReservation.campaign_id,
            CampaignRow.name,
            Recipient.test_entry_id,
            Recipient.email,
            _result_expr(),
            Recipient.message_id,
            Recipient.reply,
            SlotReservation.hourly_limit,
            SlotReservation.monthly_limit,
        )
        .select_from(SlotReservation)
        .outerjoin(Recipient, Recipient.id == SlotReservation.recipient_id)
        .outerjoin(CampaignRow, CampaignRow.id == SlotReservation.campaign_id)
        .where(SlotReservation.at >= lo, SlotReservation.at < hi)
        .order_by(SlotReservation.at, SlotReservation.id)
        .execution_options(yield_per=YIELD_PER)
    )
    for at, cid, name, test_id, email, result, mid, reply, hl, ml in session.execute(stmt):
        yield SendRow(
            at,
            cid,
            name if name is not None else "(deleted campaign)",
            "test" if test_id is not None else "campaign",
            email or "",
            str(result),
            mid,
            reply,
            hl,
            ml,
        )


@contextmanager
def period_report(
    db: Database, start: date, end: date, now: datetime, labels: Labels = ENGLISH
) -> Iterator[PeriodReport]:
    """Open a period report over local days ``start``..``end`` (settings' time zone)."""
    with db.read() as s:
        summary = period_summary(s, start, end, now)
        lo, hi = period_bounds(start, end, ZoneInfo(summary.timezone))
        yield PeriodReport(summary, _send_rows(s, lo, hi), summary.total, labels=labels)
