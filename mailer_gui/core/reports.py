"""Send reports as plain data: what one campaign did, and every send in a period.

A report is opened as a context manager over one read transaction, so the
summary and the row stream come from the same snapshot of the database even
while the engine goes on sending. Rows are generators over a server-side
cursor (``yield_per``): 100,000 recipients use flat memory.

Writers: CSV and XLSX in :mod:`report_formats`; the PDF is drawn with Qt in
``mailer_gui.report_pdf`` (Qt stays out of ``core``).
"""

from __future__ import annotations

import json
import json.scanner
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, text, true
from sqlalchemy.orm import Session

from . import queue
from . import settings as settings_mod
from .clock import utc
from .db import Database
from .errors import MailerError
from .models import Campaign as CampaignRow
from .models import PauseEvent, QueueEntry, Recipient, SlotReservation

STATES = ("pending", "sending", "sent", "failed", "uncertain", "suppressed")
YIELD_PER = 2000
MAX_PERIOD_DAYS = 366


class ReportError(MailerError):
    """A report cannot be made as asked (unknown campaign, bad date range...)."""


# ------------------------------------------------------------------ data


@dataclass(frozen=True)
class PauseRow:
    """One pause of the campaign: why, from when, until when, how long."""

    reason_code: str
    detail: str | None
    started_at: datetime
    ended_at: datetime | None
    next_run_at: datetime | None
    length: timedelta  # until ended_at, or until the report time if still going on

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class HourCount:
    """Sends (slots taken) in one clock hour; ``hour`` is local (settings' zone)."""

    hour: datetime
    sends: int


@dataclass(frozen=True)
class CampaignSummary:
    campaign_id: int
    name: str
    subject: str
    generated_at: datetime
    timezone: str
    hourly_limit: int
    monthly_limit: int
    queue_status: str | None  # None: never queued
    counts: dict[str, int]  # campaign recipients by state (test sends not included)
    test_counts: dict[str, int]  # test sends by state
    started_at: datetime | None
    finished_at: datetime | None
    duration: timedelta | None  # until finished, or until the report time
    average_per_hour: float | None  # sent messages per hour of duration
    pauses: tuple[PauseRow, ...]
    per_hour: tuple[HourCount, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def test_total(self) -> int:
        return sum(self.test_counts.values())


@dataclass(slots=True)
class RecipientRow:
    address: str
    fields: tuple[str, ...]  # values of ``CampaignReport.field_names``, in order
    state: str
    time: datetime | None  # finished, else claimed (UTC)
    message_id: str | None
    reply: str | None  # the server's reply or the error; untrusted text
    attempts: int


@dataclass
class CampaignReport:
    """Summary plus a single-use stream of recipients (valid inside the ``with``):
    read either ``rows`` (dataclasses) or ``records`` (tuples, for fast writers)."""

    summary: CampaignSummary
    field_names: tuple[str, ...]
    records: Iterator[Record]
    row_count: int
    kind: str = "campaign"
    # CSV lines built by SQLite (see ``csv_probes``) and the one-recipient lookup
    # the writer falls back to; both valid inside the ``with`` only.
    probes: Callable[[], Iterator[tuple[str | None, int]]] | None = None
    lookup: Callable[[int], Record] | None = None

    @property
    def rows(self) -> Iterator[RecipientRow]:
        return _recipient_rows(self.records)

    def csv_probes(self) -> Iterator[tuple[str | None, int]]:
        """``(probe, recipient id)`` per recipient, in order: the probe is the CSV
        row's cells (local time as ``time_text`` gives it) joined and framed by
        ``PROBE_SEP``, NULL values as ''; a field value that is not a JSON string
        shows as ``NOT_TEXT``, and the probe is None when ``fields`` is no object.
        Writers use it as is only after checking it; else ``record(id)``."""
        if self.probes is None:
            raise ReportError("this report has no probe stream")
        return self.probes()

    def record(self, recipient_id: int) -> Record:
        """One recipient's record, as ``records`` gives it."""
        if self.lookup is None:
            raise ReportError("this report has no lookup")
        return self.lookup(recipient_id)


@dataclass(frozen=True)
class DayTotal:
    day: date
    sends: int
    peak_hour: int  # the busiest local hour of the day
    month_to_date: int  # sends in the day's calendar month up to the end of the day


@dataclass(frozen=True)
class PeriodSummary:
    start: date
    end: date  # inclusive
    generated_at: datetime
    timezone: str
    hourly_limit: int
    monthly_limit: int
    total: int  # every slot taken: what the provider counts
    test_sends: int
    campaigns: int
    results: dict[str, int]  # final state of each send; "retried" for earlier attempts
    days: tuple[DayTotal, ...]
    hours: tuple[HourCount, ...]  # only hours with sends

    @property
    def hours_over_limit(self) -> tuple[HourCount, ...]:
        return tuple(h for h in self.hours if h.sends > self.hourly_limit)


@dataclass(slots=True)
class SendRow:
    at: datetime  # UTC
    campaign_id: int | None
    campaign: str
    kind: str  # campaign | test
    address: str
    result: str
    message_id: str | None
    reply: str | None


@dataclass
class PeriodReport:
    summary: PeriodSummary
    rows: Iterator[SendRow]
    row_count: int
    kind: str = "period"


# ------------------------------------------------------------------ helpers


def _state_counts(session: Session, campaign_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Campaign recipients by state and test sends by state. All recipients are
    counted from the (campaign, status) index alone and the test sends by a plain
    scan; the campaign's own are the difference (one snapshot, so exact)."""
    every, tests = dict.fromkeys(STATES, 0), dict.fromkeys(STATES, 0)
    for status, n in session.execute(
        select(Recipient.status, func.count())
        .where(Recipient.campaign_id == campaign_id).group_by(Recipient.status)
    ):
        every[status] = int(n)
    # "+campaign_id" keeps SQLite off the (campaign, status) index, whose row
    # lookups for test_entry_id cost more than reading the table straight.
    for status, n in session.execute(
        text("SELECT status, count(*) FROM recipients WHERE +campaign_id = :cid "
             "AND test_entry_id IS NOT NULL GROUP BY status"), {"cid": campaign_id}
    ):
        tests[status] = int(n)
    return {k: every[k] - tests.get(k, 0) for k in every}, tests


def _per_minute(session: Session, *conds: Any,
                join_recipients: bool = False) -> Iterator[tuple[datetime, int]]:
    """Ledger counts per UTC minute (every zone's hours start on a whole UTC minute)."""
    minute = func.strftime("%Y-%m-%d %H:%M", SlotReservation.at)
    q = select(minute, func.count()).select_from(SlotReservation)
    if join_recipients:
        q = q.join(Recipient, Recipient.id == SlotReservation.recipient_id)
    for m, n in session.execute(q.where(*conds).group_by(minute)):
        yield datetime.strptime(m, "%Y-%m-%d %H:%M").replace(tzinfo=UTC), int(n)


def _local_hours(minutes: Iterator[tuple[datetime, int]], tz: ZoneInfo) -> list[HourCount]:
    hours: Counter[datetime] = Counter()
    for m, n in minutes:
        hours[m.astimezone(tz).replace(minute=0)] += n
    return [HourCount(h, n) for h, n in sorted(hours.items())]


def _pauses(session: Session, campaign_id: int, now: datetime) -> tuple[PauseRow, ...]:
    entries = select(QueueEntry.id).where(QueueEntry.campaign_id == campaign_id,
                                          QueueEntry.kind == "campaign")
    rows = session.scalars(
        select(PauseEvent).where(PauseEvent.entry_id.in_(entries))
        .order_by(PauseEvent.started_at, PauseEvent.id)
    )
    return tuple(
        PauseRow(p.reason_code, p.detail, p.started_at, p.ended_at, p.next_run_at,
                 max(timedelta(0), (p.ended_at or now) - p.started_at))
        for p in rows
    )


Bounds = tuple[datetime, datetime] | None  # earliest and latest recipient time, if any


def _field_names_and_times(session: Session,
                           campaign_id: int) -> tuple[tuple[str, ...], Bounds]:
    """Every field key of the campaign (the first recipient's order, then the rest)
    and ``_time_range``, in one pass over the campaign's rows:
    the first recipient's keys are removed from every row's fields, and only when
    some row has anything left are the keys gathered from every row."""
    scope = (Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
    first = session.scalars(select(Recipient.fields).where(*scope)
                            .order_by(Recipient.id).limit(1)).first() or {}
    params: dict[str, Any] = {f"k{i}": "$." + json.dumps(k) for i, k in enumerate(first)}
    params["cid"] = campaign_id
    rest = f"json_remove(fields, {', '.join(':' + k for k in params if k != 'cid')})" \
        if first else "json(fields)"
    lo, hi, others = session.execute(text(
        f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}), "
        f"sum(CASE WHEN fields LIKE '{{%' AND {rest} = '{{}}' THEN 0 ELSE 1 END) "
        f"{_RECIPIENT_WHERE.replace('?', ':cid')}"), params).one()
    bounds = None if lo is None or hi is None else (_stored(lo), _stored(hi))
    if not others:
        return tuple(first), bounds
    each = func.json_each(Recipient.fields).table_valued("key")
    keys = set(session.scalars(select(each.c.key).select_from(Recipient).join(each, true())
                               .where(*scope).distinct()))
    ordered = [k for k in first if k in keys]
    return tuple(ordered + sorted(keys - set(ordered))), bounds


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# ------------------------------------------------------------------ campaign


def campaign_summary(session: Session, campaign_id: int, now: datetime) -> CampaignSummary:
    """The campaign's summary as of ``now``, read in ``session``."""
    now = utc(now)
    c = session.get(CampaignRow, campaign_id)
    if c is None:
        raise ReportError(f"campaign {campaign_id} does not exist; `campaign list` shows the ids")
    limits = settings_mod.load(session).limits
    counts, test_counts = _state_counts(session, campaign_id)
    entry = queue.campaign_entry(session, campaign_id)
    started = entry.started_at if entry else None
    finished = entry.finished_at if entry else None
    duration = None if started is None else max(timedelta(0), (finished or now) - started)
    rate = None
    if duration is not None and duration.total_seconds() >= 1:
        rate = counts["sent"] / (duration.total_seconds() / 3600)
    per_hour = _local_hours(_per_minute(session, SlotReservation.campaign_id == campaign_id,
                                        Recipient.test_entry_id.is_(None),
                                        join_recipients=True), limits.tz)
    return CampaignSummary(
        campaign_id=c.id, name=c.name, subject=c.subject, generated_at=now,
        timezone=limits.timezone, hourly_limit=limits.hourly, monthly_limit=limits.monthly,
        queue_status=entry.status if entry else None, counts=counts,
        test_counts=test_counts,
        started_at=started, finished_at=finished, duration=duration, average_per_hour=rate,
        pauses=_pauses(session, campaign_id, now), per_hour=tuple(per_hour),
    )


_RECIPIENT_WHERE = "FROM recipients WHERE campaign_id = ? AND test_entry_id IS NULL"
_RECIPIENT_TIME = "COALESCE(finished_at, claimed_at)"
_RECIPIENT_SQL = (
    "SELECT email, fields, status, {time}, message_id, reply, attempts "
    f"{_RECIPIENT_WHERE} ORDER BY id")
_STORED_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how ``UTCDateTime`` stores a time (fixed width)


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


def local_time_sql(column: str, tz: ZoneInfo, lo: datetime, hi: datetime) -> str:
    """An SQLite expression turning stored UTC text ``column`` (times within
    ``lo``..``hi``) into the text ``time_text`` gives in ``tz`` ('' for NULL): the
    whole seconds shifted by the offset of the time's segment (``zone_segments``;
    tzdata offsets are whole seconds, and ``time_text`` drops the fraction)."""
    branches: list[str] = []
    segments = zone_segments(tz, lo, hi)
    for i, (start, offset) in enumerate(segments):
        secs = int(offset.total_seconds())
        if secs != offset.total_seconds():
            raise ReportError(f"{tz.key}: an offset of {offset} is not whole seconds")
        expr = (f"datetime(substr({column}, 1, 19), '{secs:+d} seconds') "
                f"|| '{_offset_suffix(tz, start)}'")
        if i + 1 < len(segments):
            until = segments[i + 1][0].astimezone(UTC).strftime(_STORED_FORMAT)
            branches.append(f"WHEN {column} < '{until}' THEN {expr}")
        else:
            branches.append(f"ELSE {expr}")
    if len(branches) == 1:
        return f"ifnull({branches[0].removeprefix('ELSE ')}, '')"
    return f"ifnull(CASE {' '.join(branches)} END, '')"


def _utc_text(value: str | None) -> datetime | None:
    """A time as stored by ``UTCDateTime`` (naive UTC text) to an aware datetime."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


# Recipient records as the writers stream them: (address, field values, state,
# time as stored (naive UTC text) or None, Message-ID, reply, attempts).
Record = tuple[str, list[str], str, str | None, str | None, str | None, int]
_scan_json = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _time_range(session: Session, campaign_id: int) -> Bounds:
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}) {_RECIPIENT_WHERE}",
                    (campaign_id,))
        lo, hi = cur.fetchone() or (None, None)
    finally:
        cur.close()
    if lo is None or hi is None:
        return None
    return _stored(lo), _stored(hi)


def _stored(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


PROBE_SEP = "\u00a6"  # printable, and rare in addresses, names and replies
NOT_TEXT = "\x01"  # a control character: a probe holding it never passes the check


def _field_sql(i: int, name: str) -> str:
    """The field's value when it is a JSON string, else ``NOT_TEXT`` (missing, null,
    number, object...: the writer then decodes the row as ``records`` does). The
    path names the key as ``json.dumps`` writes it; a key SQLite would not find
    that way only sends its rows to the fallback."""
    if '"' in name:
        return "char(1)"
    return (f"CASE json_type(fields, :p{i}) WHEN 'text' THEN json_extract(fields, :p{i}) "
            "ELSE char(1) END")


def _csv_probes(session: Session, campaign_id: int, field_names: Sequence[str],
                tz: ZoneInfo, bounds: Callable[[], Bounds]) -> Iterator[tuple[str | None, int]]:
    return _csv_probe_rows(session, campaign_id, field_names, tz, bounds())


def _csv_probe_rows(session: Session, campaign_id: int, field_names: Sequence[str],
                    tz: ZoneInfo, bounds: Bounds) -> Iterator[tuple[str | None, int]]:
    when = "''" if bounds is None else local_time_sql(_RECIPIENT_TIME, tz, *bounds)
    cells = ["email", *(_field_sql(i, n) for i, n in enumerate(field_names)), "status", when,
             "message_id", "reply", "attempts"]
    fmt = PROBE_SEP + f"%s{PROBE_SEP}" * len(cells)
    sql = (f"SELECT CASE WHEN fields LIKE '{{%' THEN printf('{fmt}', {', '.join(cells)}) END, "
           f"id {_RECIPIENT_WHERE.replace('?', ':cid')} ORDER BY id")
    params: dict[str, Any] = {f"p{i}": "$." + json.dumps(n) for i, n in enumerate(field_names)}
    params["cid"] = campaign_id
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(sql, params)
        while batch := cur.fetchmany(YIELD_PER):
            yield from batch
    finally:
        cur.close()


def _lookup(session: Session, field_names: Sequence[str], recipient_id: int) -> Record:
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(_RECIPIENT_SQL.format(time=_RECIPIENT_TIME).replace(
            "campaign_id = ? AND test_entry_id IS NULL", "id = ?"), (recipient_id,))
        row: Any = cur.fetchone()
        email, fields, status, when, mid, reply, attempts = row
    finally:
        cur.close()
    return email, _field_values(fields, field_names), status, when, mid, reply, attempts


def _field_values(fields: str | None, names: Sequence[str]) -> list[str]:
    f = _scan_json(fields, 0)[0] if fields else {}
    return [v if type(v) is str else _text(v) for v in map(f.get, names)]


def _records(session: Session, campaign_id: int,
             field_names: Sequence[str]) -> Iterator[Record]:
    # The driver's own cursor on the session's connection: the same read snapshot,
    # without the ORM's per-value processing, which tripled the cost of a row.
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(_RECIPIENT_SQL.format(time=_RECIPIENT_TIME), (campaign_id,))
        names = tuple(field_names)
        while batch := cur.fetchmany(YIELD_PER):
            for email, fields, status, when, mid, reply, attempts in batch:
                yield email, _field_values(fields, names), status, when, mid, reply, attempts
    finally:
        cur.close()


def _recipient_rows(records: Iterator[Record]) -> Iterator[RecipientRow]:
    for email, values, status, when, mid, reply, attempts in records:
        yield RecipientRow(email, tuple(values), status, _utc_text(when), mid, reply, attempts)


@contextmanager
def campaign_report(db: Database, campaign_id: int, now: datetime,
                    fields: Sequence[str] | None = None) -> Iterator[CampaignReport]:
    """Open a campaign report; ``fields`` chooses the personal fields (default all)."""
    with db.read() as s:
        summary = campaign_summary(s, campaign_id, now)
        known: list[Bounds] = []
        if fields is None:
            names, times = _field_names_and_times(s, campaign_id)
            known.append(times)
        else:
            names = tuple(fields)

        def bounds() -> Bounds:
            if not known:
                known.append(_time_range(s, campaign_id))
            return known[0]

        tz = ZoneInfo(summary.timezone)
        yield CampaignReport(summary, names, _records(s, campaign_id, names), summary.total,
                             probes=lambda: _csv_probes(s, campaign_id, names, tz, bounds),
                             lookup=lambda rid: _lookup(s, names, rid))


# ------------------------------------------------------------------ period


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
    return int(session.scalar(select(func.count()).select_from(SlotReservation)
                              .where(SlotReservation.at >= lo, SlotReservation.at < hi)) or 0)


def _day_totals(session: Session, hours: list[HourCount], start: date, end: date,
                tz: ZoneInfo) -> tuple[DayTotal, ...]:
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
            running = _ledger_count(session, *period_bounds(day.replace(day=1), day, tz)) \
                - per_day[day]
        running += per_day[day]
        out.append(DayTotal(day, per_day[day], peak.get(day, 0), running))
        day += timedelta(days=1)
    return tuple(out)


def _result_expr() -> Any:
    return case((Recipient.id.is_(None), "deleted"),
                (Recipient.claimed_at == SlotReservation.at, Recipient.status),
                else_="retried")


def period_summary(session: Session, start: date, end: date, now: datetime) -> PeriodSummary:
    """Every slot taken in local days ``start``..``end`` with daily and hourly totals."""
    limits = settings_mod.load(session).limits
    lo, hi = period_bounds(start, end, limits.tz)
    in_range = (SlotReservation.at >= lo, SlotReservation.at < hi)
    hours = _local_hours(_per_minute(session, *in_range), limits.tz)
    base = select().select_from(SlotReservation).outerjoin(
        Recipient, Recipient.id == SlotReservation.recipient_id).where(*in_range)
    result = _result_expr()
    results = {str(k): int(n) for k, n in session.execute(
        base.add_columns(result, func.count()).group_by(result))}
    tests = int(session.scalar(base.add_columns(func.count())
                               .where(Recipient.test_entry_id.is_not(None))) or 0)
    n_campaigns = int(session.scalar(
        base.add_columns(func.count(func.distinct(SlotReservation.campaign_id)))) or 0)
    return PeriodSummary(
        start=start, end=end, generated_at=utc(now), timezone=limits.timezone,
        hourly_limit=limits.hourly, monthly_limit=limits.monthly,
        total=sum(h.sends for h in hours), test_sends=tests, campaigns=n_campaigns,
        results=results, days=_day_totals(session, hours, start, end, limits.tz),
        hours=tuple(hours),
    )


def _send_rows(session: Session, lo: datetime, hi: datetime) -> Iterator[SendRow]:
    stmt = (
        select(SlotReservation.at, SlotReservation.campaign_id, CampaignRow.name,
               Recipient.test_entry_id, Recipient.email, _result_expr(), Recipient.message_id,
               Recipient.reply)
        .select_from(SlotReservation)
        .outerjoin(Recipient, Recipient.id == SlotReservation.recipient_id)
        .outerjoin(CampaignRow, CampaignRow.id == SlotReservation.campaign_id)
        .where(SlotReservation.at >= lo, SlotReservation.at < hi)
        .order_by(SlotReservation.at, SlotReservation.id)
        .execution_options(yield_per=YIELD_PER)
    )
    for at, cid, name, test_id, email, result, mid, reply in session.execute(stmt):
        yield SendRow(at, cid, name if name is not None else "(deleted campaign)",
                      "test" if test_id is not None else "campaign", email or "", str(result),
                      mid, reply)


@contextmanager
def period_report(db: Database, start: date, end: date,
                  now: datetime) -> Iterator[PeriodReport]:
    """Open a period report over local days ``start``..``end`` (settings' time zone)."""
    with db.read() as s:
        summary = period_summary(s, start, end, now)
        lo, hi = period_bounds(start, end, ZoneInfo(summary.timezone))
        yield PeriodReport(summary, _send_rows(s, lo, hi), summary.total)
