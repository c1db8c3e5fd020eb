"""The send step's hot statements, as plain SQL on the driver's connection.

Each message runs about ten statements in transaction A/B. Through
SQLAlchemy each costs tens of microseconds of Python; on the driver they cost
a few. They run on :func:`driver`, the driver connection of the session's
*current* transaction (``BEGIN IMMEDIATE`` already emitted), so they are part
of the same atomic step as everything the ORM does in it (E, G, H).

Values are written exactly as SQLAlchemy writes them, so rows from either
writer compare and read back the same: times as naive UTC text
``YYYY-MM-DD HH:MM:SS.ffffff`` (:func:`ts`; string order is time order), JSON
as ``json.dumps`` text. Raw statements never autoflush: callers flush pending
ORM changes first, as they did for Core statements.

On PostgreSQL :func:`driver` gives a :class:`PgCon`: psycopg's connection
with the same ``execute(sql, params)``, its statements sent through libpq
itself (:mod:`~mailer_gui.core.store.pgpipe`: ``?`` becomes ``$1``…); the
time texts are cast by the server to ``timestamp``, and rows
read back carry ``datetime`` and parsed JSON, which :func:`from_ts` and
:func:`from_json` take as well as text. SQLite's path is unchanged: the
sqlite3 connection itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from sqlalchemy.orm import Session


class Con(Protocol):
    """What the callers use of a connection: ``execute(sql, params)`` with ``?``."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


@lru_cache(maxsize=512)
def pg_sql(sql: str) -> str:
    """A statement written for sqlite3 (``?`` placeholders) in psycopg's form."""
    return sql.replace("%", "%%").replace("?", "%s")


# The SQLAlchemy connection's ``info`` (it lives as long as the DBAPI
# connection) carries, for a PostgreSQL write transaction begun with
# ``mailer_begin="WITH_FIRST"``, the write lock still owed (db.py sets it at
# BEGIN): it goes in the same round trip as the transaction's first statement,
# this module's or SQLAlchemy's. And the transaction's PgCon, whose reads sent
# ahead any statement SQLAlchemy runs must drop (db.py's listener).
LOCK_OWED = "mailer_lock_owed"
PGCON = "mailer_pgcon"

_Key = tuple[str, tuple[Any, ...]]


class PgCon:
    """psycopg's connection with sqlite3's ``execute`` (its answers have the
    cursor's ``fetchone``/``fetchall``/``rowcount``; no ``lastrowid``: RETURNING
    id). Its statements go through libpq itself (:mod:`pgpipe`): psycopg's
    cursors cost more Python per statement than the server took to answer.

    :meth:`ahead` sends statements the caller is about to make in one round
    trip; :meth:`execute` then answers the same statement with the same
    parameters from what came back, once. A write may be sent ahead too: the
    caller must then run it next, in order, exactly as sent (anything else
    first is a programming error, raised)."""

    __slots__ = ("_ahead", "_con", "_info", "_pipe", "_prepared", "_seq", "_writes")

    def __init__(self, con: Any, info: dict[Any, Any] | None = None) -> None:
        from mailer_gui.core.store import pgpipe  # psycopg: the optional extra

        self._con = con
        self._info: dict[Any, Any] = {} if info is None else info
        self._pipe = pgpipe.send
        self._prepared = pgpipe.prepared(self._info)
        self._ahead: dict[_Key, tuple[int, Any]] = {}
        self._writes: dict[_Key, int] = {}  # writes sent ahead, not yet run: their place
        self._seq = 0
        self._info[PGCON] = self

    def _lock_owed(self) -> str | None:
        lock: str | None = self._info.get(LOCK_OWED)
        if lock:
            self._info[LOCK_OWED] = None
        return lock

    def _send(self, stmts: Sequence[tuple[str, Sequence[Any]]]) -> tuple[Any, int]:
        """``stmts`` sent in one round trip, after the write lock if still owed;
        what reads their answers, and how many answers come before theirs."""
        lock = self._lock_owed()
        if lock is not None:
            stmts = [(lock, ()), *stmts]
        return self._pipe(self._con, stmts, self._prepared), int(lock is not None)

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        if self._ahead:
            key = (sql, tuple(params))
            hit = self._ahead.pop(key, None)
            if hit is not None:
                place, cur = hit
                if self._writes.pop(key, None) is None and any(
                    w < place for w in self._writes.values()
                ):
                    self.drop_ahead()  # raises: a write sent before it was not run yet
                return cur
            # Anything else run in between may change what they read.
            self.drop_ahead()
        sent, _ = self._send([(sql, params)])
        return sent.read()[-1]

    def drop_ahead(self) -> None:
        """Forget what was sent ahead (something else ran: it may have changed
        what they read). A write sent ahead and not run yet is a programming
        error: raised (the transaction must not commit)."""
        writes = list(self._writes)
        self._ahead.clear()
        self._writes.clear()
        if writes:
            raise RuntimeError(f"a statement sent ahead was not run as sent: {writes[0][0][:80]}")

    def executemany(self, sql: str, rows: Any, /) -> Any:
        self.drop_ahead()
        lock = self._lock_owed()
        if lock is not None:
            self._con.execute(lock)
        cur = self._con.cursor()
        cur.executemany(pg_sql(sql), rows)
        return cur

    def commit_sent(self, sql: str, params: Sequence[Any]) -> Callable[[], Any]:
        """Send ``sql`` and COMMIT now, without waiting for them: the server
        runs them (and makes the commit durable) while the caller goes on.
        What comes back waits for their answers, once, and gives ``sql``'s
        first row (None if it returned none), or raises its error, every time it
        is called; it must be called before the connection is used again. When
        ``sql`` fails the transaction is not committed (the server skips the
        COMMIT after it).

        The engine sends its claim so, on the thread that goes on to the SMTP
        exchange: a thread of its own for the commit cost the SMTP exchange
        more, in waits for Python's lock, than the commit's round trip."""
        self.drop_ahead()
        sent, skip = self._send([(sql, params), ("COMMIT", ())])
        answered: list[Any] = []

        def answer() -> Any:
            if not answered:
                try:
                    answered.append(sent.read()[skip].fetchone())
                except BaseException as exc:
                    answered.append(exc)
            got = answered[0]
            if isinstance(got, BaseException):
                raise got
            return got

        return answer

    def commit_after(self, sql: str, params: Sequence[Any]) -> Any:
        """Run ``sql`` and COMMIT in one round trip (:meth:`commit_sent`, waited
        for); its first row."""
        return self.commit_sent(sql, params)()

    def ahead(
        self, stmts: Sequence[tuple[Any, ...]], meanwhile: Callable[[], object] | None = None
    ) -> None:
        """Send ``stmts`` — ``(sql, params)`` reads, or ``(sql, params, True)`` a
        write — in one round trip; those already sent ahead are not sent again.
        ``meanwhile`` runs once they are sent, while the server answers (it
        must not use the connection)."""
        new: dict[_Key, bool] = {}
        for st in stmts:
            key = (st[0], tuple(st[1]))
            if key not in self._ahead and key not in new:
                new[key] = len(st) > 2 and bool(st[2])
        if not new:
            if meanwhile is not None:
                meanwhile()
            return
        sent, skip = self._send(list(new))
        try:
            if meanwhile is not None:
                meanwhile()  # the answers are read after it
        finally:
            answers = sent.read()[skip:]
        for key, cur in zip(new, answers, strict=True):
            self._seq += 1
            self._ahead[key] = (self._seq, cur)
            if new[key]:
                self._writes[key] = self._seq


_DRIVER = "mailer_driver"  # Session.info: (transaction, driver connection)


def driver(s: Session) -> Any:
    """The driver connection of ``s``'s transaction (begun if not yet): sqlite3's
    itself, or psycopg's in a :class:`PgCon`, the same one for the whole
    transaction. Typed ``Any``: both are used through ``execute(sql, params)``
    and the cursor's ``fetchone``/``fetchall``/``rowcount`` (:class:`Con`)."""
    tx = s.get_transaction()
    known = s.info.get(_DRIVER)
    if tx is not None and known is not None and known[0] is tx:
        return known[1]
    sa_con = s.connection()
    con: Any = sa_con.connection.driver_connection
    if type(con) is not sqlite3.Connection:
        con = PgCon(con, sa_con.info)
    s.info[_DRIVER] = (s.get_transaction(), con)
    return con


def ahead(con: Any, reads: Sequence[tuple[Any, ...]]) -> None:
    """Reads about to be made on ``con``, in order, with nothing else run on the
    transaction between them: on PostgreSQL sent at once (one round trip
    instead of one each); on SQLite, where a statement costs no round trip,
    nothing. Each must be run afterwards exactly as given (same SQL, same
    parameters) to use its answer; any other statement first drops them all."""
    if type(con) is PgCon:
        con.ahead(reads)


def ts(value: datetime) -> str:
    """An aware time as SQLAlchemy's SQLite DateTime stores a UTCDateTime."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    # isoformat pads the year to four digits and, with "microseconds", always
    # writes six fraction digits: SQLAlchemy's "%04d-%02d-%02d %02d:%02d:%02d.%06d".
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def from_ts(text: str | datetime | None) -> datetime | None:
    """A stored time read back as aware UTC (as UTCDateTime returns it): SQLite's
    text or PostgreSQL's naive ``datetime``."""
    if text is None:
        return None
    if isinstance(text, str):
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return text.replace(tzinfo=UTC)


def from_json(text: Any) -> Any:
    """A JSON column read back: SQLite's text, or the value psycopg already parsed."""
    return json.loads(text) if isinstance(text, str | bytes) else text


# ---------------------------------------------------------------- lease

LEASE_OWNER = "SELECT owner FROM lease WHERE id = 1"
LEASE_BEAT = "UPDATE lease SET heartbeat_at = ? WHERE id = 1"

# ---------------------------------------------------------------- pick

# queue.eligible_where and queue.ELIGIBLE_ORDER, spelt out (a test compares
# the two on the same rows).
ELIGIBLE = (
    "SELECT id, kind, status, campaign_id, start_at FROM queue_entries"
    " WHERE status IN ('queued', 'processing', 'deferred')"
    " AND (status != 'deferred' OR next_run_at IS NOT NULL AND next_run_at <= ?)"
    " ORDER BY CASE WHEN kind = 'test' THEN 0 ELSE 1 END,"
    " CASE WHEN status = 'processing' THEN 0 ELSE 1 END, priority DESC, order_key, id"
)


class EntryRow(NamedTuple):
    id: int
    kind: str
    status: str
    campaign_id: int
    start_at: datetime | None


def eligible_read(now: datetime) -> tuple[str, tuple[str]]:
    return ELIGIBLE, (ts(now),)


def eligible(con: Con, now: datetime) -> list[EntryRow]:
    return [
        EntryRow(i, k, st, c, from_ts(start))
        for i, k, st, c, start in con.execute(*eligible_read(now))
    ]


SETTINGS_RAW = "SELECT key, value FROM settings WHERE key IN ('smtp', 'limits', 'quota')"


def settings_text(con: Con) -> tuple[tuple[str, Any], ...]:
    """The settings rows as stored (JSON text; parsed values on PostgreSQL), in a
    stable order."""
    return tuple(sorted(con.execute(SETTINGS_RAW).fetchall()))


# ---------------------------------------------------------------- capacity

# A span of the ledger is counted from ``slot_counts`` (rows per UTC day, per
# UTC quarter hour and per UTC minute, kept equal to the ledger by triggers:
# migrations 0004 and 0009) where it covers whole buckets, coarsest first, and
# from the ledger itself only at its ragged ends (less than a minute each). So
# the cost of a count does not grow with the rows the span holds: a month
# costs about 30 day rows and some hundred quarter and minute rows at most,
# whether it holds 15 or 15,000 reservations, and a clock minute one row.
MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)  # "and later": reservations stamped ahead count

_RAW = "(SELECT count(*) FROM slot_ledger WHERE at >= ? AND at < ?)"
_BUCKETS = "(SELECT coalesce(sum(n), 0) FROM slot_counts WHERE key >= ? AND key < ?)"
# A ragged end counted as its minute's row less the rest of that minute.
_MINUTE_LESS = (
    "((SELECT coalesce(sum(n), 0) FROM slot_counts WHERE key = ?) - " + _RAW + " - " + _RAW + ")"
)


def _floor_m(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def _floor_q(t: datetime) -> datetime:
    return t.replace(minute=t.minute // 15 * 15, second=0, microsecond=0)


def _floor_d(t: datetime) -> datetime:
    return t.replace(hour=0, minute=0, second=0, microsecond=0)


def minute_key(t: datetime) -> str:
    return "m" + ts(t)[:16]


def quarter_key(t: datetime) -> str:
    return "q" + ts(_floor_q(t.astimezone(UTC)))[:16]


def day_key(t: datetime) -> str:
    return "d" + ts(t)[:10]


def bucket_keys(t: datetime) -> tuple[str, str, str]:
    """The ``slot_counts`` rows a reservation stamped ``t`` counts in."""
    return day_key(t), quarter_key(t), minute_key(t)


# Coarsest first: (bucket length, its floor, its key).
_LEVELS: tuple[tuple[timedelta, Callable[[datetime], datetime], Callable[[datetime], str]], ...] = (
    (DAY, _floor_d, day_key),
    (QUARTER, _floor_q, quarter_key),
    (MINUTE, _floor_m, minute_key),
)


def _ragged(lo: datetime, hi: datetime, parts: list[str], args: list[str]) -> None:
    """Count ``[lo, hi)``, inside one minute, from the ledger: directly, or as
    the minute's row less the rest of the minute, whichever is shorter."""
    m_lo = _floor_m(lo)
    m_hi = m_lo + MINUTE
    if (lo - m_lo) + (m_hi - hi) < hi - lo:
        parts.append(_MINUTE_LESS)
        args.extend((minute_key(m_lo), ts(m_lo), ts(lo), ts(hi), ts(m_hi)))
    else:
        parts.append(_RAW)
        args.extend((ts(lo), ts(hi)))


def _cover(lo: datetime, hi: datetime, level: int, parts: list[str], args: list[str]) -> None:
    """Append to ``parts``/``args`` what counts ``[lo, hi)`` (UTC, whole
    minutes) from this level's buckets down."""
    if lo >= hi:
        return
    step, floor, key = _LEVELS[level]
    first = floor(lo)
    if first < lo:
        first += step
    last = floor(hi)
    if first > last:  # inside one bucket of this length
        _cover(lo, hi, level + 1, parts, args)
        return
    _cover(lo, first, level + 1, parts, args)
    if first < last:
        parts.append(_BUCKETS)
        args.extend((key(first), key(last)))
    _cover(last, hi, level + 1, parts, args)


@lru_cache(maxsize=256)
def _whole(lo: datetime, hi: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`_cover` of whole minutes (cached: a rolling window's whole
    minutes change once a minute, a calendar period's once a period)."""
    parts: list[str] = []
    args: list[str] = []
    _cover(lo, hi, 0, parts, args)
    return tuple(parts), tuple(args)


@lru_cache(maxsize=64)
def span(lo: datetime, hi: datetime) -> tuple[str, tuple[str, ...]]:
    """SQL (a sum of sub-selects) counting ledger rows with ``lo <= at < hi``
    (cached: a calendar period asks for the same span all period long)."""
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    if lo >= hi:
        return "0", ()
    first = _floor_m(lo)
    if first < lo:
        first += MINUTE
    last = _floor_m(hi)
    parts: list[str] = []
    args: list[str] = []
    if first > last:  # inside one minute
        _ragged(lo, hi, parts, args)
    else:
        if lo < first:
            _ragged(lo, first, parts, args)
        whole_parts, whole_args = _whole(first, last)
        parts.extend(whole_parts)
        args.extend(whole_args)
        if last < hi:
            _ragged(last, hi, parts, args)
    return " + ".join(parts), tuple(args)


def counts_read(spans: Sequence[tuple[datetime, datetime]]) -> tuple[str, tuple[str, ...]]:
    """The one statement :func:`counts` runs for ``spans`` (not empty)."""
    sql: list[str] = []
    args: list[str] = []
    for lo, hi in spans:
        text, a = span(lo, hi)
        sql.append(text)
        args.extend(a)
    return "SELECT " + ", ".join(sql), tuple(args)


def counts(con: Con, spans: Sequence[tuple[datetime, datetime]]) -> list[int]:
    """Ledger rows in each ``[lo, hi)`` of ``spans``, in one statement."""
    if not spans:
        return []
    return count_row(con, counts_read(spans))


def count_row(con: Con, read: tuple[str, tuple[str, ...]]) -> list[int]:
    """The counts of one :func:`counts_read` statement."""
    return [int(n) for n in con.execute(*read).fetchone()]


# ---------------------------------------------------------------- claim

# Two rows: the second, the one likely next after it, lets the engine on
# PostgreSQL build that message while its next step's reads are answered.
_NEXT = (
    "SELECT id, email, fields, message_id FROM recipients WHERE campaign_id = ?"
    " AND {scope} AND status = 'pending' ORDER BY id LIMIT 2"
)
NEXT = {
    False: _NEXT.format(scope="test_entry_id IS NULL"),
    True: _NEXT.format(scope="test_entry_id = ?"),
}


class PendingRow(NamedTuple):
    id: int
    email: str
    fields: dict[str, Any]
    message_id: str | None


def next_pending_read(test: bool, entry_id: int, campaign_id: int) -> tuple[str, tuple[int, ...]]:
    return NEXT[test], ((campaign_id, entry_id) if test else (campaign_id,))


def next_pending(con: Con, test: bool, entry_id: int, campaign_id: int) -> PendingRow | None:
    return next_two_pending(con, test, entry_id, campaign_id)[0]


def next_two_pending(
    con: Con, test: bool, entry_id: int, campaign_id: int
) -> tuple[PendingRow | None, PendingRow | None]:
    """The next pending recipient, and the one after it (None: none)."""
    rows = [
        PendingRow(r[0], r[1], from_json(r[2]) or {}, r[3])
        for r in con.execute(*next_pending_read(test, entry_id, campaign_id)).fetchall()
    ]
    return (rows[0] if rows else None), (rows[1] if len(rows) > 1 else None)


# The recipient records the content version it is sent (read from its campaign
# in the same statement), and the slot the limits in force, so reports can say
# which subject each recipient got and which limits held at each send.
CLAIM = (
    "UPDATE recipients SET status = 'sending', message_id = ?, attempts = attempts + 1,"
    " engine_id = ?, claimed_at = ?,"
    " content_version = (SELECT c.content_version FROM campaigns c"
    " WHERE c.id = recipients.campaign_id) WHERE id = ? AND status = 'pending'"
)
RESERVE = (
    "INSERT INTO slot_ledger (at, recipient_id, campaign_id, hourly_limit, monthly_limit)"
    " VALUES (?, ?, ?, ?, ?)"
)


# PostgreSQL: the claim and the reservation in one statement (one round trip).
CLAIM_AND_RESERVE = (
    "WITH c AS (" + CLAIM + " RETURNING id)"
    " INSERT INTO slot_ledger (at, recipient_id, campaign_id, hourly_limit, monthly_limit)"
    " SELECT ?::timestamp, c.id, ?::integer, ?::integer, ?::integer FROM c RETURNING id"
)


def claim_and_reserve(
    recipient_id: int,
    campaign_id: int,
    message_id: str,
    engine_id: str,
    now: datetime,
    hourly_limit: int | None = None,
    monthly_limit: int | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """PostgreSQL's one statement of :func:`claim`, with its parameters; its row
    is the slot's id (see :func:`claimed_slot`)."""
    at = ts(now)
    params = (message_id, engine_id, at, recipient_id, at, campaign_id, hourly_limit, monthly_limit)
    return CLAIM_AND_RESERVE, params


def claimed_slot(row: Any, recipient_id: int) -> int:
    """The slot's id from :data:`CLAIM_AND_RESERVE`'s row (none: the recipient
    was not pending, a programming error)."""
    if row is None:
        raise AssertionError(f"recipient {recipient_id} was not pending")
    return int(row[0])


def claim(
    con: Con,
    recipient_id: int,
    campaign_id: int,
    message_id: str,
    engine_id: str,
    now: datetime,
    hourly_limit: int | None = None,
    monthly_limit: int | None = None,
) -> int:
    at = ts(now)
    if type(con) is PgCon:
        sql, params = claim_and_reserve(
            recipient_id, campaign_id, message_id, engine_id, now, hourly_limit, monthly_limit
        )
        return claimed_slot(con.execute(sql, params).fetchone(), recipient_id)
    if con.execute(CLAIM, (message_id, engine_id, at, recipient_id)).rowcount != 1:
        raise AssertionError(f"recipient {recipient_id} was not pending")
    args = (at, recipient_id, campaign_id, hourly_limit, monthly_limit)
    slot = con.execute(RESERVE, args).lastrowid
    assert slot is not None
    return int(slot)


CONTENT = (
    "SELECT c.subject, c.html_body, c.text_body, c.reply_to, a.filename, a.mime_type,"
    " a.content, c.name FROM campaigns c LEFT OUTER JOIN attachments a ON a.campaign_id = c.id"
    " WHERE c.id = ? ORDER BY a.id"
)

# ---------------------------------------------------------------- outcome

MARK_SENT = (
    "UPDATE recipients SET status = 'sent', reply = ?, engine_id = NULL,"
    " finished_at = ? WHERE id = ? AND status IN ('sending', 'uncertain')"
)
_ENTRY = (
    "SELECT q.status, q.transient_count, q.content_reject_count,"
    " (SELECT r.id FROM recipients r WHERE r.campaign_id = q.campaign_id AND {scope}"
    " AND r.status IN ('pending', 'sending') LIMIT 1) FROM queue_entries q WHERE q.id = ?"
)
ENTRY_LEFT = {
    False: _ENTRY.format(scope="r.test_entry_id IS NULL"),
    True: _ENTRY.format(scope="r.test_entry_id = q.id"),
}
RESET = "UPDATE queue_entries SET transient_count = 0, content_reject_count = 0 WHERE id = ?"

# PostgreSQL: MARK_SENT and ENTRY_LEFT in one statement (one round trip). The
# probe reads the snapshot from before the update, where the recipient just
# marked is still "sending": it is left out by its id. Pending and sending are
# asked apart, each an index search (migration 0008's index of the pending
# ones; the campaign and status index): asked together, the planner read the
# campaign's sent recipients too (2.5 ms a message at 5,000 of 10,000 sent).
_SENT_AND_LEFT = (
    "WITH u AS (" + MARK_SENT + " RETURNING id)"
    " SELECT (SELECT count(*) FROM u), q.status, q.transient_count, q.content_reject_count,"
    " coalesce((SELECT r.id FROM recipients r WHERE r.campaign_id = q.campaign_id AND {scope}"
    " AND r.status = 'pending' LIMIT 1),"
    " (SELECT r.id FROM recipients r WHERE r.campaign_id = q.campaign_id AND {scope}"
    " AND r.status = 'sending' AND r.id <> ? LIMIT 1))"
    " FROM queue_entries q WHERE q.id = ?"
)
SENT_AND_LEFT = {
    False: _SENT_AND_LEFT.format(scope="r.test_entry_id IS NULL"),
    True: _SENT_AND_LEFT.format(scope="r.test_entry_id = q.id"),
}


class EntryLeft(NamedTuple):
    status: str
    transient_count: int
    content_reject_count: int
    left: int | None  # a recipient still pending or sending, if any


def sent_and_left(
    test: bool, reply: str | None, now: datetime, recipient_id: int, entry_id: int
) -> tuple[str, tuple[Any, ...]]:
    """PostgreSQL's one statement of :func:`mark_sent`, with its parameters."""
    return SENT_AND_LEFT[test], (reply, ts(now), recipient_id, recipient_id, entry_id)


def mark_sent(
    con: Con, test: bool, reply: str | None, now: datetime, recipient_id: int, entry_id: int
) -> EntryLeft | None:
    """Mark the recipient sent (None if it was no longer sending or uncertain: the
    operator resolved it meanwhile) and read its entry with an "anything
    left?" probe."""
    if type(con) is PgCon:
        row = con.execute(*sent_and_left(test, reply, now, recipient_id, entry_id)).fetchone()
        return EntryLeft(*row[1:]) if row[0] == 1 else None
    if con.execute(MARK_SENT, (reply, ts(now), recipient_id)).rowcount != 1:
        return None
    return EntryLeft(*con.execute(ENTRY_LEFT[test], (entry_id,)).fetchone())
