"""The campaign report: its summary, and its recipients streamed from one read
transaction (the driver's own cursor; CSV probes built in SQL)."""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, true
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.reports.data import (
    PROBE_SEP,
    STATES,
    YIELD_PER,
    Bounds,
    CampaignReport,
    CampaignSummary,
    HourCount,
    LimitPeriod,
    PauseRow,
    Record,
    ReportError,
)
from mailer_gui.core.reports.labels import ENGLISH, Labels
from mailer_gui.core.reports.sql import (
    STORED_FORMAT,
    as_text,
    limit_during,
    limits_in_force,
    local_time_sql,
    parse_stored,
)
from mailer_gui.core.sending import queue
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Campaign as CampaignRow
from mailer_gui.core.store.models import (
    CampaignVersion,
    PauseEvent,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import own_and_test_counts

_HOUR_KINDS = (
    "SELECT strftime('%Y-%m-%d %H:%M', l.at),"
    " CASE WHEN l.campaign_id IS NOT :cid THEN 2"
    " WHEN r.test_entry_id IS NOT NULL THEN 1 ELSE 0 END, count(*)"
    " FROM slot_ledger l LEFT JOIN recipients r ON r.id = l.recipient_id"
    " WHERE l.at >= :lo AND l.at < :hi GROUP BY 1, 2"
)


def _campaign_hours(
    session: Session, campaign_id: int, tz: ZoneInfo, periods: Sequence[LimitPeriod]
) -> list[HourCount]:
    """Per local hour in which the campaign sent: its sends, its test sends, and
    the other slots of that hour (all three count against the hourly limit)."""
    lo, hi = session.execute(
        text("SELECT min(at), max(at) FROM slot_ledger WHERE campaign_id = :cid"),
        {"cid": campaign_id},
    ).one()
    if lo is None:
        return []
    start = parse_stored(lo).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    end = parse_stored(hi) + timedelta(hours=2)
    counts: dict[datetime, list[int]] = {}
    for minute, kind, n in session.execute(
        text(_HOUR_KINDS),
        {
            "cid": campaign_id,
            "lo": start.strftime(STORED_FORMAT),
            "hi": end.strftime(STORED_FORMAT),
        },
    ):
        at = datetime.strptime(minute, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        counts.setdefault(at.astimezone(tz).replace(minute=0), [0, 0, 0])[kind] += int(n)
    out = []
    for hour, (own, tests, others) in sorted(counts.items()):
        if own or tests:
            h_utc = hour.astimezone(UTC)
            out.append(
                HourCount(
                    hour,
                    own,
                    tests,
                    others,
                    own + tests + others,
                    limit_during(periods, h_utc, h_utc + timedelta(hours=1)),
                )
            )
    return out


def _active(
    duration: timedelta | None, pauses: Sequence[PauseRow], started: datetime | None, end: datetime
) -> timedelta | None:
    """The duration less the pauses (their parts inside ``started``..``end``)."""
    if duration is None or started is None:
        return None
    paused = timedelta(0)
    for p in pauses:
        a, b = max(p.started_at, started), min(p.started_at + p.length, end)
        if b > a:
            paused += b - a
    return max(timedelta(0), duration - paused)


def _versions(
    session: Session, c: CampaignRow
) -> tuple[tuple[tuple[int, str, int], ...], tuple[datetime, ...]]:
    rows = {
        v.version: v
        for v in session.scalars(select(CampaignVersion).where(CampaignVersion.campaign_id == c.id))
    }
    used: dict[int, int] = {
        int(v): int(n)
        for v, n in session.execute(
            select(Recipient.content_version, func.count())
            .where(
                Recipient.campaign_id == c.id,
                Recipient.test_entry_id.is_(None),
                Recipient.content_version.is_not(None),
            )
            .group_by(Recipient.content_version)
        )
        if v is not None
    }
    versions = sorted(set(rows) | set(used) | {c.content_version})
    subject = {v: rows[v].subject if v in rows else c.subject for v in versions}
    out = tuple((v, subject[v], int(used.get(v, 0))) for v in versions)
    starts = tuple(rows[v].created_at if v in rows else c.created_at for v in versions)
    return out, starts


def _pauses(session: Session, campaign_id: int, now: datetime) -> tuple[PauseRow, ...]:
    entries = select(QueueEntry.id).where(
        QueueEntry.campaign_id == campaign_id, QueueEntry.kind == "campaign"
    )
    rows = session.scalars(
        select(PauseEvent)
        .where(PauseEvent.entry_id.in_(entries))
        .order_by(PauseEvent.started_at, PauseEvent.id)
    )
    return tuple(
        PauseRow(
            p.reason_code,
            p.detail,
            p.started_at,
            p.ended_at,
            p.next_run_at,
            max(timedelta(0), (p.ended_at or now) - p.started_at),
        )
        for p in rows
    )


def _field_names_and_times(session: Session, campaign_id: int) -> tuple[tuple[str, ...], Bounds]:
    """Every field key of the campaign (the first recipient's order, then the rest)
    and ``_time_range``, in one pass over the campaign's rows:
    the first recipient's keys are removed from every row's fields, and only when
    some row has anything left are the keys gathered from every row."""
    scope = (Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
    first = (
        session.scalars(
            select(Recipient.fields).where(*scope).order_by(Recipient.id).limit(1)
        ).first()
        or {}
    )
    params: dict[str, Any] = {f"k{i}": "$." + json.dumps(k) for i, k in enumerate(first)}
    params["cid"] = campaign_id
    rest = (
        f"json_remove(fields, {', '.join(':' + k for k in params if k != 'cid')})"
        if first
        else "json(fields)"
    )
    lo, hi, others = session.execute(
        text(
            f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}), "
            f"sum(CASE WHEN fields LIKE '{{%' AND {rest} = '{{}}' THEN 0 ELSE 1 END) "
            f"{_RECIPIENT_WHERE.replace('?', ':cid')}"
        ),
        params,
    ).one()
    bounds = None if lo is None or hi is None else (parse_stored(lo), parse_stored(hi))
    if not others:
        return tuple(first), bounds
    each = func.json_each(Recipient.fields).table_valued("key")
    keys = set(
        session.scalars(
            select(each.c.key).select_from(Recipient).join(each, true()).where(*scope).distinct()
        )
    )
    ordered = [k for k in first if k in keys]
    return tuple(ordered + sorted(keys - set(ordered))), bounds


def campaign_summary(session: Session, campaign_id: int, now: datetime) -> CampaignSummary:
    """The campaign's summary as of ``now``, read in ``session``."""
    now = utc(now)
    c = session.get(CampaignRow, campaign_id)
    if c is None:
        raise ReportError(f"campaign {campaign_id} does not exist; `campaign list` shows the ids")
    limits = settings_mod.load(session).limits
    counts, test_counts = own_and_test_counts(session, campaign_id)
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
        campaign_id=c.id,
        name=c.name,
        subject=c.subject,
        generated_at=now,
        timezone=limits.timezone,
        hourly_limit=limits.hourly,
        monthly_limit=limits.monthly,
        queue_status=entry.status if entry else None,
        counts=counts,
        test_counts=test_counts,
        started_at=started,
        finished_at=finished,
        duration=duration,
        average_per_hour=rate,
        pauses=pauses,
        per_hour=tuple(_campaign_hours(session, campaign_id, limits.tz, periods)),
        active_per_hour=active_rate,
        active_duration=active,
        limits_in_force=periods,
        content_version=c.content_version,
        versions=versions,
        version_starts=starts,
    )


_RECIPIENT_WHERE = "FROM recipients WHERE campaign_id = ? AND test_entry_id IS NULL"


_RECIPIENT_TIME = "COALESCE(finished_at, claimed_at)"


_RECIPIENT_SUBJECT = (
    "(SELECT v.subject FROM campaign_versions v WHERE v.campaign_id ="
    " recipients.campaign_id AND v.version = recipients.content_version)"
)


_RECIPIENT_SQL = (
    "SELECT email, fields, status, {time}, content_version, "
    f"{_RECIPIENT_SUBJECT}, message_id, reply, attempts "
    f"{_RECIPIENT_WHERE} ORDER BY id"
)


_scan_json = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _time_range(session: Session, campaign_id: int) -> Bounds:
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(
            f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}) {_RECIPIENT_WHERE}",
            (campaign_id,),
        )
        lo, hi = cur.fetchone() or (None, None)
    finally:
        cur.close()
    if lo is None or hi is None:
        return None
    return parse_stored(lo), parse_stored(hi)


def _field_sql(i: int, name: str) -> str:
    """The field's value when it is a JSON string, else ``NOT_TEXT`` (missing, null,
    number, object...: the writer then decodes the row as ``records`` does). The
    path names the key as ``json.dumps`` writes it; a key SQLite would not find
    that way only sends its rows to the fallback."""
    if '"' in name:
        return "char(1)"
    return (
        f"CASE json_type(fields, :p{i}) WHEN 'text' THEN json_extract(fields, :p{i}) "
        "ELSE char(1) END"
    )


def _csv_probes(
    session: Session,
    campaign_id: int,
    field_names: Sequence[str],
    tz: ZoneInfo,
    bounds: Callable[[], Bounds],
    labels: Labels = ENGLISH,
) -> Iterator[tuple[str | None, int]]:
    return _csv_probe_rows(session, campaign_id, field_names, tz, bounds(), labels)


def _csv_probe_rows(
    session: Session,
    campaign_id: int,
    field_names: Sequence[str],
    tz: ZoneInfo,
    bounds: Bounds,
    labels: Labels = ENGLISH,
) -> Iterator[tuple[str | None, int]]:
    when = "''" if bounds is None else local_time_sql(_RECIPIENT_TIME, tz, *bounds)
    words = (
        "CASE status "
        + " ".join(f"WHEN '{code}' THEN :w{i}" for i, code in enumerate(STATES))
        + " ELSE status END"
    )
    cells = [
        "email",
        *(_field_sql(i, n) for i, n in enumerate(field_names)),
        "status",
        when,
        "message_id",
        "reply",
        "attempts",
        words,
        "content_version",
        _RECIPIENT_SUBJECT,
    ]
    fmt = PROBE_SEP + f"%s{PROBE_SEP}" * len(cells)
    sql = (
        f"SELECT CASE WHEN fields LIKE '{{%' THEN printf('{fmt}', {', '.join(cells)}) END, "
        f"id {_RECIPIENT_WHERE.replace('?', ':cid')} ORDER BY id"
    )
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
        cur.execute(
            _RECIPIENT_SQL.format(time=_RECIPIENT_TIME).replace(
                "campaign_id = ? AND test_entry_id IS NULL", "id = ?"
            ),
            (recipient_id,),
        )
        row: Any = cur.fetchone()
        email, fields, status, when, version, subject, mid, reply, attempts = row
    finally:
        cur.close()
    return (
        email,
        _field_values(fields, field_names),
        status,
        when,
        version,
        subject,
        mid,
        reply,
        attempts,
    )


def _field_values(fields: str | None, names: Sequence[str]) -> list[str]:
    f = _scan_json(fields, 0)[0] if fields else {}
    return [v if type(v) is str else as_text(v) for v in map(f.get, names)]


def _records(session: Session, campaign_id: int, field_names: Sequence[str]) -> Iterator[Record]:
    # The driver's own cursor on the session's connection: the same read snapshot,
    # without the ORM's per-value processing, which tripled the cost of a row.
    cur = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(_RECIPIENT_SQL.format(time=_RECIPIENT_TIME), (campaign_id,))
        names = tuple(field_names)
        while batch := cur.fetchmany(YIELD_PER):
            for email, fields, status, when, version, subject, mid, reply, attempts in batch:
                yield (
                    email,
                    _field_values(fields, names),
                    status,
                    when,
                    version,
                    subject,
                    mid,
                    reply,
                    attempts,
                )
    finally:
        cur.close()


@contextmanager
def campaign_report(
    db: Database,
    campaign_id: int,
    now: datetime,
    fields: Sequence[str] | None = None,
    labels: Labels = ENGLISH,
) -> Iterator[CampaignReport]:
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
        yield CampaignReport(
            summary,
            names,
            _records(s, campaign_id, names),
            summary.total,
            labels=labels,
            probes=lambda: _csv_probes(s, campaign_id, names, tz, bounds, labels),
            lookup=lambda rid: _lookup(s, names, rid),
        )
