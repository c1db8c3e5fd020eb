"""Statements sent to PostgreSQL in one round trip, through libpq itself.

The engine's step sends eight to ten statements a message in one round trip
(:class:`~mailer_gui.core.store.hotsql.PgCon`). Through psycopg's cursors and
pipeline each one cost about 30 µs of Python before it went (a cursor, the
query's conversion, the prepared-statement bookkeeping, a flush and a poll per
statement): some 290 µs a step, more than the server took to answer them.
Here they are queued with libpq's own calls (:mod:`psycopg.pq`), flushed once,
and read back once: about 60 µs for the same step. The values go and come
exactly as psycopg's cursors send and read them: the same
:class:`psycopg.adapt.Transformer` dumps the parameters and loads the rows,
and psycopg's own waiting (``Connection.wait`` with its generators, which
cancel the query on Ctrl-C and pass notifications on) does the I/O.

A statement is written with ``?`` placeholders (none may appear in a literal).
Each goes unnamed the first time; from its second use on a connection it is
prepared under a name of ours (``mailer_N``, the same statement and parameter
types), like psycopg's automatic preparing, at most :data:`PREPARED_MAX` per
connection (the oldest deallocated in a later round trip). psycopg deallocates
*every* prepared statement of the connection after a rollback once it has
prepared one of its own, which would take ours too: db.py opens PostgreSQL
connections with ``prepare_threshold=None``. Should ours be gone anyway (the
server's 26000), the names are forgotten with that error, and prepared again.

One batch at a time: what :func:`send` returns must be read before the
connection is used again (psycopg's calls included).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import abc, errors, generators, pq
from psycopg.adapt import PyFormat, Transformer

PREPARED_MAX = 100  # prepared statements kept per connection (psycopg's default too)
_PREPARED = "mailer_prepared"  # the connection info's key: its Prepared

# Run unnamed every time: psycopg never prepares its COMMIT either.
_UNPREPARED = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_AUTO = PyFormat.AUTO


@lru_cache(maxsize=512)
def query(sql: str) -> bytes:
    """``?`` placeholders as PostgreSQL's ``$1``, ``$2``…, encoded."""
    parts = sql.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], 1):
        out.append(f"${i}")
        out.append(part)
    return "".join(out).encode()


class Answer:
    """One statement's answer, read as a cursor is: ``fetchone``, ``fetchall``,
    iteration and ``rowcount``."""

    __slots__ = ("_i", "_rows", "rowcount")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._rows = rows
        self._i = 0
        self.rowcount = rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._i < len(self._rows):
            self._i += 1
            return self._rows[self._i - 1]
        return None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows = self._rows[self._i :]
        self._i = len(self._rows)
        return rows

    def __iter__(self) -> Any:
        return iter(self.fetchall())


_Key = tuple[str, tuple[int, ...]]
# Names unique in the process: one forgotten (or another cache's on the same
# connection) is never met again.
_NAMES = itertools.count()


class Prepared:
    """A connection's statements: those seen once, and those prepared (by name)."""

    __slots__ = ("names", "owed", "seen")

    def __init__(self) -> None:
        self.seen: OrderedDict[_Key, None] = OrderedDict()
        self.names: OrderedDict[_Key, bytes] = OrderedDict()
        self.owed: list[bytes] = []  # evicted: to deallocate in the next round trip

    def name_for(self, key: _Key) -> tuple[bytes | None, bool]:
        """The name to run ``key`` by (None: unnamed), and whether it must be
        prepared first."""
        name = self.names.get(key)
        if name is not None:
            self.names.move_to_end(key)
            return name, False
        if key not in self.seen:
            self.seen[key] = None
            if len(self.seen) > PREPARED_MAX:
                self.seen.popitem(last=False)
            return None, False
        del self.seen[key]
        name = b"mailer_%d" % next(_NAMES)
        self.names[key] = name
        if len(self.names) > PREPARED_MAX:
            self.owed.append(self.names.popitem(last=False)[1])
        return name, True

    def failed(self, key: _Key) -> None:
        """Its PREPARE did not run (the round trip failed before it): prepared
        at its next use."""
        if self.names.pop(key, None) is not None:
            self.seen[key] = None

    def forget(self) -> None:
        """The server has none of ours (or may not): prepare again."""
        self.names.clear()
        self.owed.clear()


def prepared(info: dict[Any, Any]) -> Prepared:
    """The connection's :class:`Prepared`, kept in its (SQLAlchemy) info dict,
    which lives as long as the connection."""
    got = info.get(_PREPARED)
    if got is None:
        got = info[_PREPARED] = Prepared()
    assert isinstance(got, Prepared)
    return got


def _begin(con: psycopg.Connection[Any]) -> bytes:
    """The BEGIN psycopg sends before a transaction's first statement."""
    parts = [b"BEGIN"]
    if con.isolation_level is not None:
        parts.append(b"ISOLATION LEVEL " + con.isolation_level.name.replace("_", " ").encode())
    if con.read_only is not None:
        parts.append(b"READ ONLY" if con.read_only else b"READ WRITE")
    if con.deferrable is not None:
        parts.append(b"DEFERRABLE" if con.deferrable else b"NOT DEFERRABLE")
    return b" ".join(parts)


# What each answer that comes back is: not the caller's (BEGIN, DEALLOCATE), a
# PREPARE (its key), or the caller's statement (its place).
_Plan = list[tuple[str, Any]]


class Sent:
    """Statements sent, their answers not read yet: :meth:`read`, once."""

    __slots__ = ("_cache", "_con", "_plan", "_tx")

    def __init__(
        self, con: psycopg.Connection[Any], tx: abc.Transformer, plan: _Plan, cache: Prepared
    ) -> None:
        self._con = con
        self._tx = tx
        self._plan = plan
        self._cache = cache

    def read(self) -> list[Answer]:
        """Every statement's answer, in order; the first error is raised (the
        server ran nothing after it: the statements after it are skipped, and a
        COMMIT among them)."""
        con = self._con
        answers: list[Answer] = []
        with con.lock:
            try:
                error = self._read(answers)
            except BaseException:
                _abandon(con, self._cache)
                raise
        if error is not None:
            if error.sqlstate == "26000":  # a prepared statement of ours is gone
                self._cache.forget()
            raise error
        return answers

    def _read(self, answers: list[Answer]) -> psycopg.Error | None:
        con, pg, tx = self._con, self._con.pgconn, self._tx
        error: psycopg.Error | None = None
        plan = iter(self._plan)
        while True:
            results = con.wait(generators.fetch_many(pg))
            if not results:
                continue
            res = results[-1]
            if res.status == pq.ExecStatus.PIPELINE_SYNC:
                break
            what, arg = next(plan)
            ok = res.status in _OK
            if not ok and res.status == pq.ExecStatus.FATAL_ERROR and error is None:
                error = errors.error_from_result(res, encoding=con.info.encoding)
            if what == "prepare":
                if not ok:
                    self._cache.failed(arg)
            elif what == "stmt":
                if res.status == pq.ExecStatus.TUPLES_OK:
                    tx.set_pgresult(res)
                    rows = tx.load_rows(0, res.ntuples, tuple)
                else:
                    rows = []
                count = res.command_tuples
                answers.append(Answer(rows, -1 if count is None else count))
        pg.exit_pipeline_mode()
        return error


def send(
    con: psycopg.Connection[Any],
    stmts: Sequence[tuple[str, Sequence[Any]]],
    cache: Prepared,
) -> Sent:
    """Send ``stmts`` (``?`` placeholders) at once, in a transaction begun as
    psycopg begins it if none is open; their answers are read by the
    :class:`Sent` returned, which must be read before the connection is used
    again."""
    pg = con.pgconn
    if pg.pipeline_status != pq.PipelineStatus.OFF:
        raise psycopg.ProgrammingError("a pipeline is already open on this connection")
    tx = Transformer(con)
    # Every parameter dumped before anything is queued: a value that cannot
    # be sent raises here, with nothing sent.
    dumped: list[tuple[str, Any, tuple[int, ...], Any]] = []
    for sql, params in stmts:
        if params:
            values = tx.dump_sequence(params, [_AUTO] * len(params))
            dumped.append((sql, values, tuple(tx.types or ()), list(tx.formats or ())))
        else:
            dumped.append((sql, None, (), None))
    plan: _Plan = []
    with con.lock:
        pg.enter_pipeline_mode()
        try:
            if pg.transaction_status == pq.TransactionStatus.IDLE and not con.autocommit:
                pg.send_query_params(_begin(con), None)
                plan.append(("own", None))
            for owed in cache.owed:
                pg.send_query_params(b"DEALLOCATE " + owed, None)
                plan.append(("own", None))
            cache.owed.clear()
            for i, (sql, values, types, formats) in enumerate(dumped):
                key = (sql, types)
                name: bytes | None = None
                new = False
                if sql not in _UNPREPARED:
                    name, new = cache.name_for(key)
                if name is None:
                    pg.send_query_params(query(sql), values, types or None, formats)
                else:
                    if new:
                        pg.send_prepare(name, query(sql), types or None)
                        plan.append(("prepare", key))
                    pg.send_query_prepared(name, values, formats)
                plan.append(("stmt", i))
            pg.pipeline_sync()
            con.wait(generators.send(pg))
        except BaseException:
            _abandon(con, cache)
            raise
    return Sent(con, tx, plan, cache)


def run(
    con: psycopg.Connection[Any],
    stmts: Sequence[tuple[str, Sequence[Any]]],
    cache: Prepared,
) -> list[Answer]:
    """:func:`send` and read at once."""
    return send(con, stmts, cache).read()


def _abandon(con: psycopg.Connection[Any], cache: Prepared) -> None:
    """Sending failed half way: the connection's state is not known, so it is
    closed (SQLAlchemy's pool lets it go) and the names go with it."""
    cache.forget()
    try:
        con.close()
    except Exception:  # noqa: BLE001 - already broken
        pass
