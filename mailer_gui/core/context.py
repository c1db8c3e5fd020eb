"""One explicit context object passed to what needs it (no globals)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mailer_gui.core.clock import Clock, CorrectedClock, RealClock
from mailer_gui.core.config.oauth import OAuthBroker
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.messages import Message
from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store import servertime
from mailer_gui.core.store.changes import ChangeFeed
from mailer_gui.core.store.db import Database, open_database

ENV_HOME = "MAILER_GUI_HOME"
# Team mode: the database as a SQLAlchemy URL (postgresql+psycopg://user@host:port/db).
ENV_DATABASE_URL = "MAILER_GUI_DATABASE_URL"


def default_database_url() -> str | None:
    """``MAILER_GUI_DATABASE_URL`` if set (team mode), else None: the SQLite file."""
    return os.environ.get(ENV_DATABASE_URL) or None


def store_database_password(secrets: SecretStore, url: str, password: str) -> tuple[str, bool]:
    """Keep the password of the PostgreSQL database ``url`` names in the OS keychain
    (keyed by ``user@host:port/db``); returns that name and True if it went to the
    keychain (False: none here, kept for this session only). A password typed in
    the URL itself is ignored: the URL is never stored."""
    parsed = dbmod.parse_url(url)
    if parsed.get_backend_name() != dbmod.POSTGRESQL:
        raise dbmod.DatabaseError(Message("db.password_sqlite"))
    return dbmod.where(parsed), secrets.set_password(dbmod.password_account(parsed), password)


def default_data_dir() -> Path:
    """``MAILER_GUI_HOME`` if set, else platformdirs' user data folder."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mailer-gui", appauthor=False))


def default_log_dir(data_dir: Path | None = None) -> Path:
    if os.environ.get(ENV_HOME) or data_dir is not None:
        return (data_dir or default_data_dir()) / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir("mailer-gui", appauthor=False))


@dataclass
class AppContext:
    """Database, secrets, clock and a tiny event hub, shared by UI, CLI and engine."""

    data_dir: Path
    db: Database
    secrets: SecretStore
    clock: Clock
    listeners: list[Callable[[str], None]] = field(default_factory=list)
    # Demo mode (its SMTP server is a local catcher) and the test harness only:
    # preflight then lets recipients at reserved example domains through. Never
    # a setting or a command-line option; see open_context.
    allow_reserved_domains: bool = False
    # Sign-in grants (Microsoft, Google) and their access tokens in memory.
    oauth: OAuthBroker = field(init=False, repr=False)
    # Team mode (PostgreSQL): the other apps on the database hear each emit()
    # and this one hears theirs once listen() is called (core/store/changes.py).
    feed: ChangeFeed | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.oauth = OAuthBroker(self.db, self.secrets, self.clock)
        if self.db.is_postgresql:
            self.feed = ChangeFeed(self.db, self.tell)

    def emit(self, event: str) -> None:
        """Tell listeners something changed ("queue", "settings"); they re-read the DB.
        In team mode the other apps on the database are told too."""
        self.tell(event)
        if self.feed is not None:
            self.feed.announce(event)

    def tell(self, event: str) -> None:
        """Tell this app's listeners only (what another app announced)."""
        for listener in list(self.listeners):
            listener(event)

    def listen(self) -> None:
        """Hear the other apps' changes from now on (team mode; nothing on SQLite).
        The window and ``run`` call it; a one-shot command need not."""
        if self.feed is not None:
            self.feed.listen()

    def database_json(self) -> dict[str, str]:
        """Which database this is, as ``status --json`` says it (no password)."""
        return {"backend": self.db.backend, "where": self.db.where}

    def close(self) -> None:
        if self.feed is not None:
            self.feed.stop()
        self.db.dispose()


def open_context(
    data_dir: Path | None = None,
    clock: Clock | None = None,
    secrets: SecretStore | None = None,
    *,
    allow_reserved_domains: bool = False,
    database_url: str | None = None,
    database_clock: bool = True,
) -> AppContext:
    """The context for a data folder.

    ``allow_reserved_domains`` is True only for demo mode (``--demo``, the smoke
    run: the demo's own server on 127.0.0.1 catches every message) and for the
    test harness, whose SMTP server is local too. Everywhere else preflight
    refuses recipients at the reserved domains of RFC 2606/6761 (example.com,
    .test, ...), which reach nobody: the sample campaign cannot go out through
    the operator's real account.

    ``database_url`` names a PostgreSQL database for team mode (the front ends
    pass ``--database-url`` or ``MAILER_GUI_DATABASE_URL``: see
    :func:`default_database_url`; demo mode never does); without one, the
    SQLite file in the data folder.
    The data folder holds logs and local preferences either way.

    On PostgreSQL the clock (``clock`` or the wall clock) is set right by the
    database server's (:class:`CorrectedClock`), so laptops whose clocks differ
    count one budget; ``database_clock=False`` keeps ``clock`` as given (tests
    that move a simulated clock by hand).
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    secrets = secrets or SecretStore()
    url = database_url or None
    db = open_database(data_dir, allow_reserved_domains, url=url, secrets=secrets)
    clock = clock or RealClock()
    if db.is_postgresql and database_clock:
        clock = CorrectedClock(clock, lambda: servertime.server_now(db))
    return AppContext(
        data_dir=data_dir,
        db=db,
        secrets=secrets,
        clock=clock,
        allow_reserved_domains=allow_reserved_domains,
    )
