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


def json_values_from(bind: Session | Connection, column: str, alias: str = "j") -> str:
    """A FROM item giving one row per value of the JSON object ``column``, as
    text in ``{alias}.value`` (``... FROM contacts c, <this>``): SQLite's
    ``json_each``, PostgreSQL's ``json_each_text`` (objects only)."""
    if is_pg(bind):
        return (
            f"json_each_text(CASE WHEN json_typeof({column}) = 'object'"
            f" THEN {column} END) AS {alias}(key, value)"
        )
    return f"json_each({column}) {alias}"


def json_array_from(bind: Session | Connection, array: str, alias: str = "") -> str:
    """A FROM item giving one row per element of the JSON array ``array`` (a
    bound parameter such as ``:ids`` or ``?``), the element as ``value`` (or
    ``{alias}.value``): SQLite's ``json_each`` (the element as its SQL value),
    PostgreSQL's ``jsonb_array_elements`` (the element as ``jsonb``: read it
    through :func:`json_int_sql` or :func:`json_item_sql`)."""
    if is_pg(bind):
        return f"jsonb_array_elements(CAST({array} AS jsonb)) AS {alias or 'j'}(value)"
    return f"json_each({array}) {alias}" if alias else f"json_each({array})"


def json_int_sql(bind: Session | Connection, value: str) -> str:
    """An element of :func:`json_array_from` that is a JSON integer, as an integer."""
    if is_pg(bind):
        return f"CAST({value} AS bigint)"
    return value


def json_item_sql(bind: Session | Connection, value: str, index: int, cast: str = "text") -> str:
    """Item ``index`` of the JSON array ``value`` (an element of
    :func:`json_array_from`): SQLite's ``json_extract(value, '$[i]')`` (its SQL
    value, the column's affinity does the rest), PostgreSQL's ``->>`` cast to
    ``cast`` (the column's type: ``bigint``, ``timestamp``, ``json``...)."""
    if is_pg(bind):
        item = f"({value} ->> {int(index)})"
        return item if cast == "text" else f"CAST({item} AS {cast})"
    return f"json_extract({value}, '$[{int(index)}]')"


def json_patch_sql(bind: Session | Connection, target: str, patch: str) -> str:
    """The JSON object ``target`` with the keys of ``patch`` set to ``patch``'s
    values: SQLite's ``json_patch``, PostgreSQL's ``jsonb`` ``||`` (top-level
    keys; a JSON null is kept as a value there, where json_patch removes the key)."""
    if is_pg(bind):
        return f"CAST(CAST({target} AS jsonb) || CAST({patch} AS jsonb) AS json)"
    return f"json_patch({target}, {patch})"


# ---------------------------------------------------------------- text

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def like_fold_sql(bind: Session | Connection, column: str) -> str:
    """``column`` as a ``LIKE`` compares it with :func:`like_fold` of the
    pattern, so that both dialects match alike: SQLite's ``LIKE`` ignores the
    case of ASCII letters only (others match as typed); on PostgreSQL the
    column's ASCII letters are lowered (``translate``: no locale, unlike
    ``lower``/``ILIKE``, which would also fold Cyrillic)."""
    if is_pg(bind):
        return f"translate({column}, '{_UPPER}', '{_UPPER.lower()}')"
    return column


def like_fold(bind: Session | Connection, pattern: str) -> str:
    """The ``LIKE`` pattern for a column given through :func:`like_fold_sql`."""
    if is_pg(bind):
        return pattern.translate(_ASCII_LOWER)
    return pattern


_ASCII_LOWER = str.maketrans(_UPPER, _UPPER.lower())


def true_sql(bind: Session | Connection) -> str:
    """A condition that always holds (an empty ``WHERE``): ``1`` on SQLite,
    ``true`` on PostgreSQL (a boolean)."""
    return "true" if is_pg(bind) else "1"
