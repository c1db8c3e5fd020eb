"""Where SQLite's SQL and PostgreSQL's differ: small functions the callers use.

Each takes the session (or connection) the statement runs on and returns the
SQL text (or a SQLAlchemy expression) for its dialect, so a caller writes one
statement for both. SQLite's text is exactly what the callers wrote before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
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
