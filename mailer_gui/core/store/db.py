"""The store: engine, sessions, write transactions and migrations.

The database is a SQLite file in the data folder (the default) or, in team
mode, a PostgreSQL database named by a SQLAlchemy URL
(``postgresql+psycopg://user@host:port/db``).

SQLite: write transactions start with ``BEGIN IMMEDIATE`` so that they hold
SQLite's write lock from their first statement (a deferred BEGIN that later
upgrades gets "database is locked" whatever the busy timeout). Reads use a
plain deferred BEGIN and never block the writer in WAL mode.

PostgreSQL: READ COMMITTED, and the first statement of every write
transaction is ``SELECT pg_advisory_xact_lock(WRITE_LOCK_KEY)``: writers are
serialised across every laptop on the database exactly as ``BEGIN IMMEDIATE``
serialises them on one file, so each check-and-reserve (count the window,
then insert the slot) is atomic with no change in the engine. The lock goes
with the transaction's end. Reads take no lock.

The password is never part of the URL kept, logged or shown: one typed in the
URL is used for the connection only; otherwise the OS keychain's
(:func:`password_account`), else libpq's own places (``PGPASSWORD``,
``~/.pgpass``, ``PGPASSFILE``, service files).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.store import hotsql

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
DB_FILENAME = "mailer.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# ``Session.info`` key: True only where reserved example domains may be queued
# (demo mode, whose server is local, and the test harness): see context.py.
ALLOW_RESERVED_DOMAINS = "allow_reserved_domains"

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# The advisory lock every PostgreSQL write transaction takes first (one fixed
# 64-bit key for the database: "MAILERWR" in ASCII).
WRITE_LOCK_KEY = 0x4D41494C45525752
_WRITE_LOCK = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
# Seconds a PostgreSQL connection attempt may take before "server unreachable".
CONNECT_TIMEOUT_S = 10
# A pooled PostgreSQL connection idle this long (seconds) is pinged when it is
# checked out again; one in steady use is not (a ping is a round trip, and the
# engine checks a connection out for every message).
PING_AFTER_IDLE_S = 2.0
_IDLE_SINCE = "mailer_idle_since"


class SecretStore(Protocol):
    """Where the database password may be kept (``core.config.secrets.SecretStore``;
    the store imports nothing above it)."""

    def get_token(self, account: str) -> str | None: ...


class DatabaseError(MailerError):
    """The database named by the URL cannot be used (unreachable, refused, missing)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


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
    conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == LOCK_WITH_FIRST else mode}")


# A PostgreSQL write transaction whose write lock goes with its first statement
# (the same round trip): the engine's step, whose first statement is its reads
# sent ahead (hotsql.PgCon). SQLite's BEGIN IMMEDIATE costs no round trip.
LOCK_WITH_FIRST = "WITH_FIRST"


def _on_begin_pg(conn: Any) -> None:
    # psycopg opens the transaction itself on the first statement: this one.
    # In pipeline mode its BEGIN and the lock go in one round trip.
    mode = conn.get_execution_options().get("mailer_begin", "IMMEDIATE")
    conn.info[hotsql.PGCON] = None  # the last transaction's
    conn.info[hotsql.LOCK_OWED] = _WRITE_LOCK if mode == LOCK_WITH_FIRST else None
    if mode not in ("DEFERRED", LOCK_WITH_FIRST):
        driver = conn.connection.driver_connection
        try:
            with driver.pipeline():
                driver.execute(_WRITE_LOCK)
        except Exception:
            # Again through SQLAlchemy, which wraps the driver's error and, for
            # a lost connection, invalidates it so the pool lets it go.
            conn.exec_driver_sql(_WRITE_LOCK)


def _before_statement_pg(
    conn: Any, cursor: Any, _sql: str, _params: Any, _context: Any, _many: bool
) -> None:
    """Before each statement SQLAlchemy runs on PostgreSQL: the reads this
    transaction sent ahead are dropped (it may change what they read), and a
    write lock still owed (LOCK_WITH_FIRST) is taken first."""
    info = conn.info
    pgcon = info.get(hotsql.PGCON)
    if pgcon is not None:
        pgcon.drop_ahead()
    lock = info.get(hotsql.LOCK_OWED)
    if lock:
        info[hotsql.LOCK_OWED] = None
        cursor.execute(lock)


# A SQLite connection whose automatic checkpoint is off for one write
# transaction (defer_checkpoint): the setting it had, restored at check-in.
_CHECKPOINT_WAS = "mailer_checkpoint_was"


def defer_checkpoint(session: Session) -> None:
    """SQLite: this write transaction's commit leaves its pages in the WAL for
    the next commit to copy into the database file.

    After a commit that leaves the WAL over 1,000 pages, SQLite copies them
    into the database file and syncs it (the automatic checkpoint), in the
    committing call. After a 100,000-row list import that copy is about a
    third of the commit. The import is followed at once by the search index's
    catch-up (``lists.index_new_contacts``: in the background in the window,
    in the same command in the CLI), whose first commit then makes the copy.
    Durability is unchanged: a commit is durable when its WAL frames are synced
    (``synchronous = FULL``), and readers read the WAL. The connection's
    setting is restored when it goes back to the pool. PostgreSQL: nothing."""
    conn = session.connection()
    if conn.dialect.name != SQLITE:
        return
    record_info = conn.connection.info
    if _CHECKPOINT_WAS not in record_info:
        was = int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        record_info[_CHECKPOINT_WAS] = was


def _restore_checkpoint(dbapi_conn: Any, record: Any) -> None:
    was = record.info.pop(_CHECKPOINT_WAS, None)
    if was is not None and dbapi_conn is not None:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint = {int(was)}")


def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_idle(engine: Engine) -> Any:
    """SQLAlchemy's pessimistic disconnect handling (``pool_pre_ping``), for idle
    connections only: one back in the pool for PING_AFTER_IDLE_S or more is
    pinged (the dialect's own ping) when checked out, and a dead one is
    replaced (the pool connects anew on DisconnectionError)."""

    def on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: the pool discards it and connects anew
            raise DisconnectionError(type(exc).__name__) from None

    return on_checkout


def reserved_domains_allowed(session: Session) -> bool:
    """True where reserved example domains may be queued: demo mode and the
    test harness only (``context.open_context``)."""
    return bool(session.info.get(ALLOW_RESERVED_DOMAINS))


def hide_password(url: str | URL) -> str:
    """The URL as it may be shown or logged: any password as ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def password_account(url: URL) -> str:
    """The keychain account of a PostgreSQL database's password: ``user@host:port/db``."""
    return f"postgresql:{where(url)}"


def where(url: URL) -> str:
    """``user@host:port/db`` (no password), as status and diagnostics name a database."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def parse_url(value: str | URL) -> URL:
    """A database URL checked for what the app supports (SQLite or PostgreSQL through
    psycopg); a bare ``postgresql://`` or ``postgres://`` gets the psycopg driver."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise DatabaseError(Message("db.bad_url", url=hide_password(str(value)))) from None
    backend = url.get_backend_name()
    if backend in ("postgres", POSTGRESQL):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != SQLITE:
        raise DatabaseError(Message("db.bad_url", url=hide_password(url)))
    if url.get_backend_name() == POSTGRESQL and not url.database:
        raise DatabaseError(Message("db.bad_url", url=hide_password(url)))
    return url


class Database:
    """One database: ``write()`` and ``read()`` give sessions in a transaction.

    ``Database(path)`` is the SQLite file at ``path``; ``Database(url=...)`` any
    supported URL (a password in it is used, never kept in :attr:`url`)."""

    def __init__(
        self,
        path: Path | None = None,
        allow_reserved_domains: bool = False,
        *,
        url: str | URL | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        if url is None:
            if path is None:
                raise ValueError("Database needs a path or a URL")
            url = URL.create("sqlite", database=str(Path(path)))
        full = parse_url(url)
        self.backend: str = full.get_backend_name()
        # Never the password: the URL kept, shown and logged.
        self.url: URL = URL.create(
            full.drivername, full.username, None, full.host, full.port, full.database, full.query
        )
        info = {ALLOW_RESERVED_DOMAINS: allow_reserved_domains}
        self.path: Path | None
        if self.backend == SQLITE:
            self.path = Path(full.database or "")
            self.engine: Engine = create_engine(
                self.url,
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            )
            event.listen(self.engine, "connect", _on_connect)
            event.listen(self.engine, "begin", _on_begin)
            event.listen(self.engine, "checkin", _restore_checkpoint)
        else:
            self.path = None
            # prepare_threshold=None: hotsql prepares its statements itself
            # (pgpipe); psycopg, once it had prepared one of its own, would
            # deallocate all of them after every rollback, ours with them.
            connect_args: dict[str, Any] = {
                "connect_timeout": CONNECT_TIMEOUT_S,
                "prepare_threshold": None,
            }
            password = full.password
            if password is None and secrets is not None:
                password = secrets.get_token(password_account(self.url))
            if password is not None:
                connect_args["password"] = str(password)
            # Without one, libpq looks in PGPASSWORD, ~/.pgpass, PGPASSFILE, services.
            self.engine = create_engine(
                self.url,
                connect_args=connect_args,
                isolation_level="READ COMMITTED",
            )
            event.listen(self.engine, "begin", _on_begin_pg)
            event.listen(self.engine, "before_cursor_execute", _before_statement_pg)
            event.listen(self.engine, "checkin", _on_checkin)
            event.listen(self.engine, "checkout", _ping_idle(self.engine))
        self._writer = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._first_writer = sessionmaker(
            self.engine.execution_options(mailer_begin=LOCK_WITH_FIRST),
            expire_on_commit=False,
            info=info,
        )
        # Write transactions committed through write() (a CLI command that
        # changed something tells the other apps: cli/main.py).
        self.writes = 0
        self._reader = sessionmaker(
            self.engine.execution_options(mailer_begin="DEFERRED"),
            expire_on_commit=False,
            info=info,
        )

    @property
    def where(self) -> str:
        """The SQLite file's path, or ``user@host:port/db`` (no password)."""
        return str(self.path) if self.path is not None else where(self.url)

    @property
    def is_postgresql(self) -> bool:
        return self.backend == POSTGRESQL

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction holding the lock from its start; commits on success."""
        with self._writer() as session, session.begin():
            yield session
        self.writes += 1

    def write_session(self, lock_with_first: bool = False) -> Session:
        """A session whose transaction starts with BEGIN IMMEDIATE (SQLite) or the
        write lock (PostgreSQL) on first use; the caller commits or closes it (the
        engine's COMMIT runs while SMTP commands go out).
        ``lock_with_first``: on PostgreSQL the lock goes in the round trip of
        the transaction's first statement, made through ``hotsql.driver`` or
        SQLAlchemy (never through a raw cursor of the driver connection)."""
        session = (self._first_writer if lock_with_first else self._writer)()
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


def _server_error(db: Database, code: str, exc: BaseException, **more: Any) -> DatabaseError:
    """``code``'s message naming the server, port, database and user, with the
    first line of the driver's text (which names no password, nor, unlike
    SQLAlchemy's own text, the statement and its values)."""
    url = db.url
    detail = str(getattr(exc, "orig", None) or exc).strip()
    return DatabaseError(
        Message(
            code,
            host=url.host or "localhost",
            port=url.port or 5432,
            database=url.database or "",
            user=url.username or "",
            detail=detail.splitlines()[0] if detail else type(exc).__name__,
            **more,
        )
    )


def connection_error(db: Database, exc: BaseException) -> DatabaseError:
    """One clear message for a PostgreSQL connection that failed: which database,
    what went wrong, what to do (never the password)."""
    low = str(getattr(exc, "orig", None) or exc).lower()
    if "password" in low or "authentication" in low:
        code = "db.auth_failed"
    elif "does not exist" in low and "database" in low:
        code = "db.no_database"
    else:
        code = "db.unreachable"
    return _server_error(db, code, exc)


def lost_connection(
    db: Database, exc: BaseException, retry_s: float | None = None
) -> DatabaseError | None:
    """A PostgreSQL server lost in the middle of a command (stopped, crashed,
    the network gone) as one clear error; None for any other error, which is a
    bug to report. Never the password, nor the statement and its values.
    ``retry_s``: the caller tries again by itself that often (the window), and
    the message says so, short enough for a status line."""
    from sqlalchemy.exc import DBAPIError

    if db.backend != "postgresql" or not isinstance(exc, DBAPIError):
        return None
    if not (exc.connection_invalidated or isinstance(exc, OperationalError)):
        return None
    if retry_s is not None:
        return _server_error(db, "db.lost_retrying", exc, seconds=f"{retry_s:g}")
    return _server_error(db, "db.lost", exc)


def _alembic_config(db: Database) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic runs on the connection handed in; the URL is only a fallback.
    cfg.set_main_option("sqlalchemy.url", hide_password(db.url).replace("%", "%%"))
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
SCHEMA_HEAD = "0010"


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


def _stored_revision_pg(db: Database) -> str | None:
    """The revision recorded in the PostgreSQL database (None: no version table)."""
    with db.engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def upgrade(db: Database) -> Path | None:
    """Bring the schema to the newest revision; returns the backup made, if any.

    SQLite: an existing database whose revision is older is copied aside first,
    so a failed upgrade never costs the operator their data. PostgreSQL: no
    file to copy; the operator runs ``pg_dump`` before upgrading (README), and
    the upgrade runs in one transaction holding the write lock.
    """
    if db.path is None:
        try:
            if _stored_revision_pg(db) == SCHEMA_HEAD:
                return None
            _upgrade_pg(db)
        except OperationalError as exc:
            raise connection_error(db, exc) from None
        return None
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


def _upgrade_pg(db: Database) -> None:
    from alembic import command

    cfg = _alembic_config(db)
    with db.engine.connect() as conn:
        current = _current_revision(db)
        has_tables = bool(inspect(conn).get_table_names())
    if current is None and has_tables:
        raise DatabaseError(Message("db.not_mailer", where=db.where))
    head = _head_revision(cfg)
    if current == head:
        return
    log.info(
        "upgrading the PostgreSQL database %s from %s to %s (no backup is made: "
        "pg_dump it before upgrading)",
        db.where,
        current,
        head,
    )
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(
    data_dir: Path,
    allow_reserved_domains: bool = False,
    url: str | URL | None = None,
    secrets: SecretStore | None = None,
) -> Database:
    """Open (creating and upgrading as needed) the database: the SQLite file in
    ``data_dir``, or the one ``url`` names (the data folder still holds logs
    and local preferences)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if url is None:
        db = Database(data_dir / DB_FILENAME, allow_reserved_domains)
    else:
        db = Database(url=url, allow_reserved_domains=allow_reserved_domains, secrets=secrets)
    try:
        upgrade(db)
    except BaseException:
        db.dispose()
        raise
    return db


def sqlalchemy_version() -> str:
    """The SQLAlchemy version in use (for the diagnostics a support request carries)."""
    import sqlalchemy

    return str(sqlalchemy.__version__)
