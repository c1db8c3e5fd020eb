"""SQL pieces both reports share: times as ``UTCDateTime`` stores them, a zone's
offsets as an SQL expression (SQLite's or PostgreSQL's: ``store.dialect``),
ledger counts per minute and hour, and the limits recorded with the ledger's
slots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailer_gui.core.reports.data import HourCount, LimitPeriod, ReportError
from mailer_gui.core.store import dialect
from mailer_gui.core.store.models import Recipient, SlotReservation


def per_minute(
    session: Session, *conds: Any, join_recipients: bool = False
) -> Iterator[tuple[datetime, int]]:
    """Ledger counts per UTC minute (every zone's hours start on a whole UTC minute)."""
    minute = dialect.minute_expr(session, SlotReservation.at)
    q = select(minute, func.count()).select_from(SlotReservation)
    if join_recipients:
        q = q.join(Recipient, Recipient.id == SlotReservation.recipient_id)
    for m, n in session.execute(q.where(*conds).group_by(minute)):
        yield datetime.strptime(m, "%Y-%m-%d %H:%M").replace(tzinfo=UTC), int(n)


def local_hours(minutes: Iterator[tuple[datetime, int]], tz: ZoneInfo) -> list[HourCount]:
    hours: Counter[datetime] = Counter()
    for m, n in minutes:
        hours[m.astimezone(tz).replace(minute=0)] += n
    return [HourCount(h, n) for h, n in sorted(hours.items())]


_LIMIT_CHANGES = (
    "SELECT at, hourly_limit, monthly_limit FROM ("
    " SELECT at, hourly_limit, monthly_limit,"
    " row_number() OVER w AS n,"
    " lag(hourly_limit) OVER w AS ph, lag(monthly_limit) OVER w AS pm"
    " FROM slot_ledger WHERE {where} WINDOW w AS (ORDER BY at, id)) AS c"
    " WHERE n = 1 OR ph {differs} hourly_limit OR pm {differs} monthly_limit ORDER BY at"
)


def limits_in_force(
    session: Session, where: str, params: dict[str, Any]
) -> tuple[LimitPeriod, ...]:
    """The limits recorded with the ledger's slots matching ``where`` (SQL on
    ``slot_ledger``), one period per change, oldest first."""
    return tuple(
        LimitPeriod(parse_stored(at), h, m)
        for at, h, m in session.execute(
            text(_LIMIT_CHANGES.format(where=where, differs=dialect.distinct_from(session))),
            params,
        )
    )


def limit_during(periods: Sequence[LimitPeriod], lo: datetime, hi: datetime) -> int | None:
    """The lowest hourly limit in force at any time in ``[lo, hi)``."""
    found: list[int] = []
    for i, p in enumerate(periods):
        until = periods[i + 1].since if i + 1 < len(periods) else None
        if p.since < hi and (until is None or until > lo) and p.hourly is not None:
            found.append(p.hourly)
    return min(found) if found else None


STORED_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how ``UTCDateTime`` stores a time (fixed width)


def _offset_at(tz: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(tz).utcoffset() or timedelta(0)


def zone_segments(tz: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """The zone's UTC offsets over ``lo``..``hi`` (aware): ``(from, offset)`` pairs, the
    first from ``lo``, each next one from the exact instant (to the microsecond) the
    offset changes. The offset is sampled every hour and each change bisected; no zone
    changes its offset twice within an hour, so no change is missed."""
    step, tick = timedelta(hours=1), timedelta(microseconds=1)
    segments = [(lo, _offset_at(tz, lo))]
    t = lo
    while t < hi:
        nxt = min(t + step, hi)
        off = _offset_at(tz, nxt)
        if off != segments[-1][1]:
            a, b = t, nxt  # offset at a is the old one, at b the new one
            while b - a > tick:
                mid = a + (b - a) // 2
                if _offset_at(tz, mid) == segments[-1][1]:
                    a = mid
                else:
                    b = mid
            segments.append((b, off))
        t = nxt
    return segments


def _offset_suffix(tz: ZoneInfo, at: datetime) -> str:
    return at.astimezone(tz).isoformat(sep=" ", timespec="seconds")[19:]


def local_time_sql(
    column: str, tz: ZoneInfo, lo: datetime, hi: datetime, bind: Session | None = None
) -> str:
    """An SQL expression (SQLite's, or for ``bind``'s dialect) turning stored UTC
    ``column`` (times within ``lo``..``hi``) into the text ``time_text`` gives in
    ``tz`` ('' for NULL): the whole seconds shifted by the offset of the time's
    segment (``zone_segments``; tzdata offsets are whole seconds, and
    ``time_text`` drops the fraction)."""
    branches: list[str] = []
    segments = zone_segments(tz, lo, hi)
    for i, (start, offset) in enumerate(segments):
        secs = int(offset.total_seconds())
        if secs != offset.total_seconds():
            raise ReportError(f"{tz.key}: an offset of {offset} is not whole seconds")
        shifted = (
            dialect.shifted_seconds_sql(bind, column, secs)
            if bind is not None
            else f"datetime(substr({column}, 1, 19), '{secs:+d} seconds')"
        )
        expr = f"{shifted} || '{_offset_suffix(tz, start)}'"
        if i + 1 < len(segments):
            until = segments[i + 1][0].astimezone(UTC).strftime(STORED_FORMAT)
            branches.append(f"WHEN {column} < '{until}' THEN {expr}")
        else:
            branches.append(f"ELSE {expr}")
    if len(branches) == 1:
        return f"coalesce({branches[0].removeprefix('ELSE ')}, '')"
    return f"coalesce(CASE {' '.join(branches)} END, '')"


def parse_stored(value: str | datetime) -> datetime:
    """A stored time (SQLite's text, PostgreSQL's naive datetime) as aware UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def as_text(value: Any) -> str:
    return "" if value is None else str(value)
