"""A campaign report's recipient rows, streamed from the report's read
transaction with the driver's own cursor: the field names, the time range,
each row as a record, one row by id, and the CSV probes built in SQL.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, true
from sqlalchemy.orm import Session

from mailer_gui.core.reports.data import PROBE_SEP, STATES, YIELD_PER, Bounds, Record
from mailer_gui.core.reports.labels import ENGLISH, Labels
from mailer_gui.core.reports.sql import as_text, local_time_sql, parse_stored
from mailer_gui.core.store.models import Recipient


def field_names_and_times(session: Session, campaign_id: int) -> tuple[tuple[str, ...], Bounds]:
    """Every field key of the campaign (the first recipient's order, then the rest)
    and ``time_range``, in one pass over the campaign's rows:
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


def time_range(session: Session, campaign_id: int) -> Bounds:
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


def csv_probes(
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
    sql = _probe_sql(field_names, tz, bounds)
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


def _probe_sql(field_names: Sequence[str], tz: ZoneInfo, bounds: Bounds) -> str:
    """One row per recipient: its cells joined by ``PROBE_SEP`` (NULL for a row
    whose fields are not a JSON object), and its id."""
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
    return sql


def lookup(session: Session, field_names: Sequence[str], recipient_id: int) -> Record:
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


def records(
    session: Session, campaign_id: int, field_names: Sequence[str]
) -> Generator[Record, None, None]:
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
