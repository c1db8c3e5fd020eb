"""A campaign report's recipient rows, streamed from the report's read
transaction with the driver's own cursor: the field names, the time range,
each row as a record, one row by id, and the CSV probes built in SQL.

Both backends: the statements are written once, with ``?`` or ``:name``
parameters turned into the driver's (``store.dialect``); the JSON and time
functions are SQLite's or PostgreSQL's; PostgreSQL hands back times as
``datetime`` and ``fields`` already parsed.
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
from mailer_gui.core.store import dialect
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
    if dialect.is_pg(session):
        lo, hi, others = session.execute(
            text(
                f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}), "
                f"sum(CASE WHEN json_typeof({_PG_FIELDS}) = 'object' AND NOT EXISTS (SELECT 1 "
                f"FROM json_object_keys({_PG_FIELDS}) k WHERE k <> ALL(CAST(:keys AS text[]))) "
                "THEN 0 ELSE 1 END) "
                f"{_RECIPIENT_WHERE.replace('?', ':cid')}"
            ),
            {"cid": campaign_id, "keys": list(first)},
        ).one()
    else:
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
    if dialect.is_pg(session):
        keys = set(
            session.scalars(
                text(
                    "SELECT DISTINCT j.key FROM recipients r, "
                    f"{dialect.json_keys_from(session, _PG_FIELDS.replace('fields', 'r.fields'))} "
                    "WHERE r.campaign_id = :cid AND r.test_entry_id IS NULL"
                ),
                {"cid": campaign_id},
            )
        )
    else:
        each = func.json_each(Recipient.fields).table_valued("key")
        keys = set(
            session.scalars(
                select(each.c.key)
                .select_from(Recipient)
                .join(each, true())
                .where(*scope)
                .distinct()
            )
        )
    ordered = [k for k in first if k in keys]
    return tuple(ordered + sorted(keys - set(ordered))), bounds


_RECIPIENT_WHERE = "FROM recipients WHERE campaign_id = ? AND test_entry_id IS NULL"

# PostgreSQL: ``fields`` with every \u0000 (NUL, which its text cannot hold: a
# JSON function reading such a value fails) written as \ufffd instead. Only
# keys and shapes are read from it, or values checked free of \ufffd (a value
# holding one goes to the exact fallback).
_PG_FIELDS = "replace(fields::text, '\\u0000', '\\ufffd')::json"


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
    cur = dialect.driver_cursor(session)
    try:
        cur.execute(
            dialect.native(
                session,
                f"SELECT min({_RECIPIENT_TIME}), max({_RECIPIENT_TIME}) {_RECIPIENT_WHERE}",
            ),
            (campaign_id,),
        )
        lo, hi = cur.fetchone() or (None, None)
    finally:
        cur.close()
    if lo is None or hi is None:
        return None
    return parse_stored(lo), parse_stored(hi)


def _field_sql(i: int, name: str, pg: bool = False) -> str:
    """The field's value when it is a JSON string, else ``NOT_TEXT`` (missing, null,
    number, object...: the writer then decodes the row as ``records`` does). The
    path names the key as ``json.dumps`` writes it; a key SQLite would not find
    that way only sends its rows to the fallback."""
    if pg:
        # ``f``: _PG_FIELDS (no value holding NUL or U+FFFD is taken from it).
        return (
            f"CASE WHEN json_typeof(f -> :p{i}) = 'string' AND "
            f"strpos((f -> :p{i})::text, '\\ufffd') = 0 THEN f ->> :p{i} "
            "ELSE chr(1) END"
        )
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
    pg = dialect.is_pg(session)
    sql = _probe_sql(field_names, tz, bounds, session if pg else None)
    params: dict[str, Any] = {
        f"p{i}": n if pg else "$." + json.dumps(n) for i, n in enumerate(field_names)
    }
    params.update({f"w{i}": labels.state(code) for i, code in enumerate(STATES)})
    params["cid"] = campaign_id
    cur = dialect.driver_cursor(session)
    try:
        cur.execute(dialect.named(session, sql), params)
        while batch := cur.fetchmany(YIELD_PER):
            yield from batch
    finally:
        cur.close()


def _probe_sql(
    field_names: Sequence[str], tz: ZoneInfo, bounds: Bounds, pg: Session | None = None
) -> str:
    """One row per recipient: its cells joined by ``PROBE_SEP`` (NULL for a row
    whose fields are not a JSON object), and its id. ``pg``: the PostgreSQL
    session to write it for (else SQLite's)."""
    when = "''" if bounds is None else local_time_sql(_RECIPIENT_TIME, tz, *bounds, pg)
    words = (
        "CASE status "
        + " ".join(f"WHEN '{code}' THEN :w{i}" for i, code in enumerate(STATES))
        + " ELSE status END"
    )
    cells = [
        "email",
        *(_field_sql(i, n, pg is not None) for i, n in enumerate(field_names)),
        "status",
        when,
        "message_id",
        "reply",
        "attempts",
        words,
        "content_version",
        _RECIPIENT_SUBJECT,
    ]
    if pg is not None:  # concat() writes NULL as '', as printf's %s does
        framed = ", ".join(f"{c}, '{PROBE_SEP}'" for c in cells)
        return (
            f"SELECT CASE WHEN json_typeof(f) = 'object' THEN concat('{PROBE_SEP}', "
            f"{framed}) END, id FROM (SELECT recipients.*, {_PG_FIELDS} AS f "
            f"{_RECIPIENT_WHERE.replace('?', ':cid')}) AS recipients ORDER BY id"
        )
    fmt = PROBE_SEP + f"%s{PROBE_SEP}" * len(cells)
    sql = (
        f"SELECT CASE WHEN fields LIKE '{{%' THEN printf('{fmt}', {', '.join(cells)}) END, "
        f"id {_RECIPIENT_WHERE.replace('?', ':cid')} ORDER BY id"
    )
    return sql


def lookup(session: Session, field_names: Sequence[str], recipient_id: int) -> Record:
    cur = dialect.driver_cursor(session)
    try:
        cur.execute(
            dialect.native(
                session,
                _RECIPIENT_SQL.format(time=_RECIPIENT_TIME).replace(
                    "campaign_id = ? AND test_entry_id IS NULL", "id = ?"
                ),
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
        _when(when),
        version,
        subject,
        mid,
        reply,
        attempts,
    )


def _field_values(fields: Any, names: Sequence[str]) -> list[str]:
    """The named values of a row's fields: SQLite's JSON text, or PostgreSQL's
    parsed value (a non-object gives no values, as text that is no object does)."""
    if type(fields) is str:
        f = _scan_json(fields, 0)[0] if fields else {}
    else:
        f = fields if isinstance(fields, dict) else {}
    return [v if type(v) is str else as_text(v) for v in map(f.get, names)]


def _when(value: Any) -> str | None:
    """A stored time as the records carry it: naive UTC text (PostgreSQL's
    ``datetime`` written as SQLAlchemy writes it on SQLite)."""
    if value is None or type(value) is str:
        return value
    return str(value.isoformat(" ", "microseconds"))


def records(
    session: Session, campaign_id: int, field_names: Sequence[str]
) -> Generator[Record, None, None]:
    # The driver's own cursor on the session's connection: the same read snapshot,
    # without the ORM's per-value processing, which tripled the cost of a row.
    cur = dialect.driver_cursor(session)
    pg = dialect.is_pg(session)
    try:
        cur.execute(
            dialect.native(session, _RECIPIENT_SQL.format(time=_RECIPIENT_TIME)), (campaign_id,)
        )
        names = tuple(field_names)
        while batch := cur.fetchmany(YIELD_PER):
            for email, fields, status, when, version, subject, mid, reply, attempts in batch:
                yield (
                    email,
                    _field_values(fields, names),
                    status,
                    _when(when) if pg else when,
                    version,
                    subject,
                    mid,
                    reply,
                    attempts,
                )
    finally:
        cur.close()
