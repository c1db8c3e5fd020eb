"""Send reports as plain data: what one campaign did, and every send in a period.

A report is opened as a context manager over one read transaction, so the
summary and the row stream come from the same snapshot of the database even
while the engine goes on sending. Rows are generators over a server-side
cursor (``yield_per``): 100,000 recipients use flat memory.

Writers: CSV and XLSX in :mod:`report_formats`; the PDF is drawn with Qt in
``mailer_gui.ui.reports.pdf`` (Qt stays out of ``core``).
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

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import RECIPIENT_STATES, EntryKind
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.labels import ENGLISH, Labels
from mailer_gui.core.sending import queue
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Campaign as CampaignRow
from mailer_gui.core.store.models import (
    CampaignVersion,
    PauseEvent,
    QueueEntry,
    Recipient,
    SlotReservation,
)

STATES = RECIPIENT_STATES
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
    """Sends (slots taken) in one clock hour; ``hour`` is local (settings' zone).

    ``sends``: the report's own slots (a campaign's sends to its recipients; in a
    period report every slot). ``test_sends``: test sends (a campaign's own, in
    addition to ``sends``; in a period report, of which). ``other_sends``: other
    campaigns' slots in that hour (campaign reports). ``counted``: every slot of
    the hour, what the hourly limit counts. ``hourly_limit``: the lowest limit in
    force during the hour's sends (None: not recorded).
    """

    hour: datetime
    sends: int
    test_sends: int = 0
    other_sends: int = 0
    counted: int | None = None
    hourly_limit: int | None = None

    @property
    def total(self) -> int:
        """Every slot of the hour (what the limit counts)."""
        return self.sends if self.counted is None else self.counted


@dataclass(frozen=True)
class LimitPeriod:
    """Limits recorded with the slots from ``since`` on (None: not recorded)."""

    since: datetime
    hourly: int | None
    monthly: int | None


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
    average_per_hour: float | None  # sent messages per hour of duration (elapsed time)
    pauses: tuple[PauseRow, ...]
    per_hour: tuple[HourCount, ...]
    # Sent per hour in which the campaign could send (duration less pauses).
    active_per_hour: float | None = None
    active_duration: timedelta | None = None
    limits_in_force: tuple[LimitPeriod, ...] = ()  # from this campaign's slots
    content_version: int = 1
    # (version, subject, recipients sent that version), oldest first
    versions: tuple[tuple[int, str, int], ...] = ()
    version_starts: tuple[datetime, ...] = ()

    @property
    def busiest_hour(self) -> HourCount | None:
        return max(self.per_hour, key=lambda h: h.total, default=None)

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
    version: int | None = None  # the content version it was sent (None: never claimed)
    subject: str | None = None  # that version's subject


@dataclass
class CampaignReport:
    """Summary plus a single-use stream of recipients (valid inside the ``with``):
    read either ``rows`` (dataclasses) or ``records`` (tuples, for fast writers)."""

    summary: CampaignSummary
    field_names: tuple[str, ...]
    records: Iterator[Record]
    row_count: int
    kind: str = "campaign"
    labels: Labels = ENGLISH
    # CSV lines built by SQLite (see ``csv_probes``) and the one-recipient lookup
    # the writer falls back to; both valid inside the ``with`` only.
    probes: Callable[[], Iterator[tuple[str | None, int]]] | None = None
    lookup: Callable[[int], Record] | None = None

    @property
    def rows(self) -> Iterator[RecipientRow]:
        return _recipient_rows(self.records)

    def csv_probes(self) -> Iterator[tuple[str | None, int]]:
        """``(probe, recipient id)`` per recipient, in order: the probe is the CSV
        row's cells (local time as ``time_text`` gives it, the state's words from
        ``labels``) joined and framed by ``PROBE_SEP``, NULL values as ''; a field
        value that is not a JSON string shows as ``NOT_TEXT``, and the probe is None
        when ``fields`` is no object. Writers use it as is only after checking it;
        else ``record(id)``."""
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
    limits_in_force: tuple[LimitPeriod, ...] = ()

    @property
    def hours_over_limit(self) -> tuple[HourCount, ...]:
        return tuple(h for h in self.hours
                     if h.total > (h.hourly_limit if h.hourly_limit is not None
                                   else self.hourly_limit))


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
    hourly_limit: int | None = None  # the limits in force when the slot was reserved
    monthly_limit: int | None = None


@dataclass
class PeriodReport:
    summary: PeriodSummary
    rows: Iterator[SendRow]
    row_count: int
    kind: str = "period"
    labels: Labels = ENGLISH


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


_LIMIT_CHANGES = (
    "SELECT at, hourly_limit, monthly_limit FROM ("
    " SELECT at, hourly_limit, monthly_limit,"
    " row_number() OVER w AS n,"
    " lag(hourly_limit) OVER w AS ph, lag(monthly_limit) OVER w AS pm"
    " FROM slot_ledger WHERE {where} WINDOW w AS (ORDER BY at, id))"
    " WHERE n = 1 OR ph IS NOT hourly_limit OR pm IS NOT monthly_limit ORDER BY at")


def limits_in_force(session: Session, where: str,
                    params: dict[str, Any]) -> tuple[LimitPeriod, ...]:
    """The limits recorded with the ledger's slots matching ``where`` (SQL on
    ``slot_ledger``), one period per change, oldest first."""
    return tuple(LimitPeriod(_stored(at), h, m) for at, h, m in session.execute(
        text(_LIMIT_CHANGES.format(where=where)), params))


def _limit_during(periods: Sequence[LimitPeriod], lo: datetime, hi: datetime) -> int | None:
    """The lowest hourly limit in force at any time in ``[lo, hi)``."""
    found: list[int] = []
    for i, p in enumerate(periods):
        until = periods[i + 1].since if i + 1 < len(periods) else None
        if p.since < hi and (until is None or until > lo) and p.hourly is not None:
            found.append(p.hourly)
    return min(found) if found else None


_HOUR_KINDS = (
    "SELECT strftime('%Y-%m-%d %H:%M', l.at),"
    " CASE WHEN l.campaign_id IS NOT :cid THEN 2"
    " WHEN r.test_entry_id IS NOT NULL THEN 1 ELSE 0 END, count(*)"
    " FROM slot_ledger l LEFT JOIN recipients r ON r.id = l.recipient_id"
    " WHERE l.at >= :lo AND l.at < :hi GROUP BY 1, 2")


def _campaign_hours(session: Session, campaign_id: int, tz: ZoneInfo,
                    periods: Sequence[LimitPeriod]) -> list[HourCount]:
    """Per local hour in which the campaign sent: its sends, its test sends, and
    the other slots of that hour (all three count against the hourly limit)."""
    lo, hi = session.execute(text(
        "SELECT min(at), max(at) FROM slot_ledger WHERE campaign_id = :cid"),
        {"cid": campaign_id}).one()
    if lo is None:
        return []
    start = _stored(lo).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    end = _stored(hi) + timedelta(hours=2)
    counts: dict[datetime, list[int]] = {}
    for minute, kind, n in session.execute(text(_HOUR_KINDS), {
            "cid": campaign_id, "lo": start.strftime(_STORED_FORMAT),
            "hi": end.strftime(_STORED_FORMAT)}):
        at = datetime.strptime(minute, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        counts.setdefault(at.astimezone(tz).replace(minute=0), [0, 0, 0])[kind] += int(n)
    out = []
    for hour, (own, tests, others) in sorted(counts.items()):
        if own or tests:
            h_utc = hour.astimezone(UTC)
            out.append(HourCount(hour, own, tests, others, own + tests + others,
                                 _limit_during(periods, h_utc, h_utc + timedelta(hours=1))))
    return out


def _active(duration: timedelta | None, pauses: Sequence[PauseRow], started: datetime | None,
            end: datetime) -> timedelta | None:
    """The duration less the pauses (their parts inside ``started``..``end``)."""
    if duration is None or started is None:
        return None
    paused = timedelta(0)
    for p in pauses:
        a, b = max(p.started_at, started), min(p.started_at + p.length, end)
        if b > a:
            paused += b - a
    return max(timedelta(0), duration - paused)


def _versions(session: Session, c: CampaignRow) -> tuple[tuple[tuple[int, str, int], ...],
                                                           tuple[datetime, ...]]:
    rows = {v.version: v for v in session.scalars(
        select(CampaignVersion).where(CampaignVersion.campaign_id == c.id))}
    used: dict[int, int] = {int(v): int(n) for v, n in session.execute(
        select(Recipient.content_version, func.count())
        .where(Recipient.campaign_id == c.id, Recipient.test_entry_id.is_(None),
               Recipient.content_version.is_not(None))
        .group_by(Recipient.content_version)) if v is not None}
    versions = sorted(set(rows) | set(used) | {c.content_version})
    subject = {v: rows[v].subject if v in rows else c.subject for v in versions}
    out = tuple((v, subject[v], int(used.get(v, 0))) for v in versions)
    starts = tuple(rows[v].created_at if v in rows else c.created_at for v in versions)
    return out, starts


def _pauses(session: Session, campaign_id: int, now: datetime) -> tuple[PauseRow, ...]:
    entries = select(QueueEntry.id).where(QueueEntry.campaign_id == campaign_id,
                                          QueueEntry.kind == EntryKind.CAMPAIGN)
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
    pauses = _pauses(session, campaign_id, now)
    active = _active(duration, pauses, started, finished or now)
    rate = active_rate = None
    if duration is not None and duration.total_seconds() >= 1:
        rate = counts["sent"] / (duration.total_seconds() / 3600)
    if active is not None and active.total_seconds() >= 1:
        active_rate = counts["sent"] / (active.total_seconds() / 3600)
    periods = limits_in_force(session, "campaign_id = :cid", {"cid": campaign_id})
    versions, starts = _versions(session, c)
    return CampaignSummary(
        campaign_id=c.id, name=c.name, subject=c.subject, generated_at=now,
        timezone=limits.timezone, hourly_limit=limits.hourly, monthly_limit=limits.monthly,
        queue_status=entry.status if entry else None, counts=counts,
        test_counts=test_counts,
        started_at=started, finished_at=finished, duration=duration, average_per_hour=rate,
        pauses=pauses, per_hour=tuple(_campaign_hours(session, campaign_id, limits.tz, periods)),
        active_per_hour=active_rate, active_duration=active, limits_in_force=periods,
        content_version=c.content_version, versions=versions, version_starts=starts,
    )


_RECIPIENT_WHERE = "FROM recipients WHERE campaign_id = ? AND test_entry_id IS NULL"
_RECIPIENT_TIME = "COALESCE(finished_at, claimed_at)"
_RECIPIENT_SUBJECT = ("(SELECT v.subject FROM campaign_versions v WHERE v.campaign_id ="
                      " recipients.campaign_id AND v.version = recipients.content_version)")
_RECIPIENT_SQL = (
    "SELECT email, fields, status, {time}, content_version, "
    f"{_RECIPIENT_SUBJECT}, message_id, reply, attempts "
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
# time as stored (naive UTC text) or None, content version, its subject,
# Message-ID, reply, attempts).
Record = tuple[str, list[str], str, str | None, int | None, str | None, str | None, str | None,
               int]
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
                tz: ZoneInfo, bounds: Callable[[], Bounds],
                labels: Labels = ENGLISH) -> Iterator[tuple[str | None, int]]:
    return _csv_probe_rows(session, campaign_id, field_names, tz, bounds(), labels)


def _csv_probe_rows(session: Session, campaign_id: int, field_names: Sequence[str],
                    tz: ZoneInfo, bounds: Bounds,
                    labels: Labels = ENGLISH) -> Iterator[tuple[str | None, int]]:
    when = "''" if bounds is None else local_time_sql(_RECIPIENT_TIME, tz, *bounds)
    words = "CASE status " + " ".join(
        f"WHEN '{code}' THEN :w{i}" for i, code in enumerate(STATES)) + " ELSE status END"
    cells = ["email", *(_field_sql(i, n) for i, n in enumerate(field_names)), "status", when,
             "message_id", "reply", "attempts", words, "content_version", _RECIPIENT_SUBJECT]
    fmt = PROBE_SEP + f"%s{PROBE_SEP}" * len(cells)
    sql = (f"SELECT CASE WHEN fields LIKE '{{%' THEN printf('{fmt}', {', '.join(cells)}) END, "
           f"id {_RECIPIENT_WHERE.replace('?', ':cid')} ORDER BY id")
    params: dict[str, Any] = {f"p{i}": "$." + json.dumps(n) for i, n in enumerate(field_names)}
    params.update({f"w{i}": labels.state(code) for i, code in enumerate(STATES)})
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
        email, fields, status, when, version, subject, mid, reply, attempts = row
    finally:
        cur.close()
    return (email, _field_values(fields, field_names), status, when, version, subject, mid,
            reply, attempts)


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
            for email, fields, status, when, version, subject, mid, reply, attempts in batch:
                yield (email, _field_values(fields, names), status, when, version, subject, mid,
                       reply, attempts)
    finally:
        cur.close()


def _recipient_rows(records: Iterator[Record]) -> Iterator[RecipientRow]:
    for email, values, status, when, version, subject, mid, reply, attempts in records:
        yield RecipientRow(email, tuple(values), status, _utc_text(when), mid, reply, attempts,
                           version, subject)


@contextmanager
def campaign_report(db: Database, campaign_id: int, now: datetime,
                    fields: Sequence[str] | None = None,
                    labels: Labels = ENGLISH) -> Iterator[CampaignReport]:
    """Open a campaign report; ``fields`` chooses the personal fields (default all);
    ``labels`` gives the words of the report's language."""
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
                             labels=labels,
                             probes=lambda: _csv_probes(s, campaign_id, names, tz, bounds,
                                                        labels),
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
    periods = limits_in_force(session, "at >= :lo AND at < :hi", {
        "lo": lo.strftime(_STORED_FORMAT), "hi": hi.strftime(_STORED_FORMAT)})
    tests_by_hour = _local_hours(_per_minute(session, *in_range,
                                             Recipient.test_entry_id.is_not(None),
                                             join_recipients=True), limits.tz)
    hours = _with_limits(_local_hours(_per_minute(session, *in_range), limits.tz),
                         {h.hour: h.sends for h in tests_by_hour}, periods)
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
        hours=tuple(hours), limits_in_force=periods,
    )


def _with_limits(hours: list[HourCount], tests: dict[datetime, int],
                 periods: Sequence[LimitPeriod]) -> list[HourCount]:
    out = []
    for h in hours:
        h_utc = h.hour.astimezone(UTC)
        out.append(HourCount(h.hour, h.sends, tests.get(h.hour, 0), 0, h.sends,
                             _limit_during(periods, h_utc, h_utc + timedelta(hours=1))))
    return out


def _send_rows(session: Session, lo: datetime, hi: datetime) -> Iterator[SendRow]:
    stmt = (
        select(SlotReservation.at, SlotReservation.campaign_id, CampaignRow.name,
               Recipient.test_entry_id, Recipient.email, _result_expr(), Recipient.message_id,
               Recipient.reply, SlotReservation.hourly_limit, SlotReservation.monthly_limit)
        .select_from(SlotReservation)
        .outerjoin(Recipient, Recipient.id == SlotReservation.recipient_id)
        .outerjoin(CampaignRow, CampaignRow.id == SlotReservation.campaign_id)
        .where(SlotReservation.at >= lo, SlotReservation.at < hi)
        .order_by(SlotReservation.at, SlotReservation.id)
        .execution_options(yield_per=YIELD_PER)
    )
    for at, cid, name, test_id, email, result, mid, reply, hl, ml in session.execute(stmt):
        yield SendRow(at, cid, name if name is not None else "(deleted campaign)",
                      "test" if test_id is not None else "campaign", email or "", str(result),
                      mid, reply, hl, ml)


@contextmanager
def period_report(db: Database, start: date, end: date, now: datetime,
                  labels: Labels = ENGLISH) -> Iterator[PeriodReport]:
    """Open a period report over local days ``start``..``end`` (settings' time zone)."""
    with db.read() as s:
        summary = period_summary(s, start, end, now)
        lo, hi = period_bounds(start, end, ZoneInfo(summary.timezone))
        yield PeriodReport(summary, _send_rows(s, lo, hi), summary.total, labels=labels)
