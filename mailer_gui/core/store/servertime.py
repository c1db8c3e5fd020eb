"""The database server's clock, for team mode.

Several laptops on one PostgreSQL database judge the lease's age and count
the limit windows on one clock, the server's, whatever their own clocks say
(:class:`mailer_gui.core.clock.CorrectedClock` follows it). A SQLite file has
no server: its clock is the laptop's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from mailer_gui.core.store import dialect
from mailer_gui.core.store.db import Database

# clock_timestamp(), not now(): now() is the transaction's start, and a lease
# heartbeat or a clock reading must be the moment it is taken.
_NOW = text("SELECT clock_timestamp()")


def in_session(s: Session) -> datetime | None:
    """The server's time in ``s``'s transaction (aware UTC), or None on SQLite."""
    if not dialect.is_pg(s):
        return None
    value: datetime = s.execute(_NOW).scalar_one()
    return value.astimezone(UTC)


def server_now(db: Database) -> datetime:
    """The PostgreSQL server's time now, read in a short transaction that takes
    no write lock (so it may be called while this process holds it)."""
    with db.read() as s:
        value = in_session(s)
    if value is None:
        raise ValueError("a SQLite database has no server clock")
    return value
