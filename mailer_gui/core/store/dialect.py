"""Where SQLite's SQL and PostgreSQL's differ: small functions the callers use.

Each takes the session (or connection) the statement runs on and returns the
SQL text (or a SQLAlchemy expression) for its dialect, so a caller writes one
statement for both. SQLite's text is exactly what the callers wrote before.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, func
from sqlalchemy.orm import Session

from mailer_gui.core.store.hotsql import pg_sql

POSTGRESQL = "postgresql"


def name(bind: Session | Connection) -> str:
    """``sqlite`` or ``postgresql``."""
    return str(bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name)


def is_pg(bind: Session | Connection) -> bool:
    return name(bind) == POSTGRESQL


def native(bind: Session | Connection, sql: str) -> str:
    """A driver-level statement written with ``?`` placeholders (sqlite3's), in the
    form the connection's driver takes (``%s`` for psycopg), for ``exec_driver_sql``."""
    return pg_sql(sql) if is_pg(bind) else sql


def driver_cursor(bind: Session) -> Any:
    """A cursor of the session's DBAPI connection (its transaction begun)."""
    return bind.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def named(bind: Session | Connection, sql: str) -> str:
    """A driver-level statement with ``:name`` parameters (sqlite3's named style)
    in the driver's form (``%(name)s`` for psycopg; ``::`` casts left alone)."""
    if not is_pg(bind):
        return sql
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


# ---------------------------------------------------------------- times


def minute_sql(bind: Session | Connection, column: str) -> str:
    """The stored UTC time ``column`` as ``YYYY-MM-DD HH:MM`` text."""
    if is_pg(bind):
        return f"to_char({column}, 'YYYY-MM-DD HH24:MI')"
    return f"strftime('%Y-%m-%d %H:%M', {column})"


def minute_expr(bind: Session | Connection, column: Any) -> Any:
    """:func:`minute_sql` as a SQLAlchemy expression."""
    if is_pg(bind):
        return func.to_char(column, "YYYY-MM-DD HH24:MI")
    return func.strftime("%Y-%m-%d %H:%M", column)


def shifted_seconds_sql(bind: Session | Connection, column: str, seconds: int) -> str:
    """``column`` (stored UTC) plus ``seconds``, as ``YYYY-MM-DD HH:MM:SS`` text
    (the fraction dropped)."""
    if is_pg(bind):
        return f"to_char({column} + interval '{seconds:+d} seconds', 'YYYY-MM-DD HH24:MI:SS')"
    return f"datetime(substr({column}, 1, 19), '{seconds:+d} seconds')"


def distinct_from(bind: Session | Connection) -> str:
    """The null-safe "differs" operator: SQLite's ``IS NOT``, PostgreSQL's
    ``IS DISTINCT FROM``."""
    return "IS DISTINCT FROM" if is_pg(bind) else "IS NOT"


# ---------------------------------------------------------------- inserts


def insert_ignore(bind: Session | Connection) -> tuple[str, str]:
    """``(head, tail)`` of an insert that skips rows breaking a unique index:
    ``INSERT OR IGNORE ... `` on SQLite, ``INSERT ... ON CONFLICT DO NOTHING`` on
    PostgreSQL (the tail goes after the VALUES or SELECT)."""
    if is_pg(bind):
        return "INSERT", " ON CONFLICT DO NOTHING"
    return "INSERT OR IGNORE", ""


# ---------------------------------------------------------------- JSON


def json_field_sql(bind: Session | Connection, column: str, param: str) -> str:
    """The JSON object ``column``'s value at the key bound as ``:param`` (pass
    :func:`json_key_param`), as SQL text (a string as text, NULL if missing):
    SQLite's ``json_extract``, PostgreSQL's ``->>``."""
    if is_pg(bind):
        return f"({column} ->> :{param})"
    return f"json_extract({column}, :{param})"


def json_key_param(bind: Session | Connection, key: str) -> str:
    """The bound value :func:`json_field_sql` and :func:`json_is_text_sql` take for
    ``key``: a JSON path on SQLite (``$."key"``), the key itself on PostgreSQL."""
    return key if is_pg(bind) else "$." + json.dumps(key)


def json_is_text_sql(bind: Session | Connection, column: str, param: str) -> str:
    """True where the value at the key bound as ``:param`` is a JSON string."""
    if is_pg(bind):
        return f"(json_typeof({column} -> :{param}) = 'string')"
    return f"(json_type({column}, :{param}) = 'text')"


def json_keys_from(bind: Session | Connection, column: str, alias: str = "j") -> str:
    """A FROM item giving one row per key of the JSON object ``column``, its key as
    ``{alias}.key`` (``SELECT ... FROM recipients r, <this>``): SQLite's
    ``json_each``, PostgreSQL's ``json_object_keys`` (objects only)."""
    if is_pg(bind):
        return (
            f"json_object_keys(CASE WHEN json_typeof({column}) = 'object'"
            f" THEN {column} END) AS {alias}(key)"
        )
    return f"json_each({column}) {alias}"


def json_is_object_sql(bind: Session | Connection, column: str) -> str:
    """True where ``column`` holds a JSON object (``{...}``)."""
    if is_pg(bind):
        return f"(json_typeof({column}) = 'object')"
    return f"({column} LIKE '{{%')"
