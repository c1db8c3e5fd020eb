"""The SQLite store: engine, sessions, write transactions and migrations.

Write transactions start with ``BEGIN IMMEDIATE`` so that they hold SQLite's
write lock from their first statement (a deferred BEGIN that later upgrades
gets "database is locked" whatever the busy timeout). Reads use a plain
deferred BEGIN and never block the writer in WAL mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000
DB_FILENAME = "mailer.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# ``Session.info`` key: True only where reserved example domains may be queued
# (demo mode, whose server is local, and the test harness): see context.py.
ALLOW_RESERVED_DOMAINS = "allow_reserved_domains"


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite recipe).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    # FULL in WAL: NORMAL may lose the last commits on power loss, and a lost
    # reservation could mean a duplicate.
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("mailer_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def reserved_domains_allowed(session: Session) -> bool:
    """True where reserved example domains may be queued: demo mode and the
    test harness only (``context.open_context``)."""
    return bool(session.info.get(ALLOW_RESERVED_DOMAINS))


class Database:
    """One SQLite file: ``write()`` and ``read()`` give sessions in a transaction."""

    def __init__(self, path: Path, allow_reserved_domains: bool = False) -> None:
        self.path = Path(path)
        info = {ALLOW_RESERVED_DOMAINS: allow_reserved_domains}
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._writer = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._reader = sessionmaker(
            self.engine.execution_options(mailer_begin="DEFERRED"),
            expire_on_commit=False,
            info=info,
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction holding the lock from its start; commits on success."""
        with self._writer() as session, session.begin():
            yield session

    def write_session(self) -> Session:
        """A session whose transaction starts with BEGIN IMMEDIATE on first use;
        the caller commits or closes it (the engine commits it from a helper
        thread while SMTP commands go out)."""
        session = self._writer()
        session.begin()
        return session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read snapshot; closed (never committed) at the end. Objects read
        stay usable, detached, after the block."""
        with self._reader() as session:
            session.begin()
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(db: Database) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{db.path}")
    return cfg


def _current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _head_revision(cfg: Any) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(cfg).get_current_head()


# The newest migration; a test checks it against Alembic's head. Knowing it
# lets an up-to-date database open without importing Alembic (start-up time).
SCHEMA_HEAD = "0007"


def _stored_revision(path: Path) -> str | None:
    """The revision recorded in the file, read with plain sqlite3 (no Alembic)."""
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return None if row is None else str(row[0])


def upgrade(db: Database) -> Path | None:
    """Bring the schema to the newest revision; returns the backup made, if any.

    An existing database whose revision is older is copied aside first, so a
    failed upgrade never costs the operator their data.
    """
    if _stored_revision(db.path) == SCHEMA_HEAD:
        return None
    from alembic import command

    cfg = _alembic_config(db)
    current = _current_revision(db)
    head = _head_revision(cfg)
    if current == head:
        return None
    backup: Path | None = None
    with db.engine.connect() as conn:
        has_tables = bool(inspect(conn).get_table_names())
    if has_tables:
        if current is None:
            raise RuntimeError(
                f"{db.path} is not a Mailer database (it has tables but no schema version); "
                "choose another data folder."
            )
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        backup = db.path.with_name(f"{db.path.name}.{current}.{stamp}.bak")
        # SQLite's online backup copies a consistent image, WAL content included.
        src, dst = sqlite3.connect(db.path), sqlite3.connect(backup)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup


def open_database(data_dir: Path, allow_reserved_domains: bool = False) -> Database:
    """Open (creating and upgrading as needed) the database in ``data_dir``."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(data_dir / DB_FILENAME, allow_reserved_domains)
    upgrade(db)
    return db


def sqlalchemy_version() -> str:
    """The SQLAlchemy version in use (for the diagnostics a support request carries)."""
    import sqlalchemy

    return str(sqlalchemy.__version__)
