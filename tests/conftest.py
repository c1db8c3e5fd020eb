"""Shared fixtures: a real SQLite file per test, a real SMTP server, an
in-memory keychain (the one thing this machine lacks), a simulated clock.

Both backends: a module marked ``pytestmark = pytest.mark.backends`` runs each
test that uses ``ctx`` twice, on a SQLite file and on a real PostgreSQL (one
throwaway cluster per test session or xdist worker, started by the first test
that needs it; a template database migrated once; a fresh copy per test).

No Qt here: the tests outside ``tests/ui`` exercise the Qt-free core and the
CLI, and import no PySide6 (``tests/ui/conftest.py`` owns the QApplication).
Run without pytest-qt (``-p no:pytest-qt``, as ``tests/test_no_qt.py`` does),
a test that imports PySide6 fails, named (see ``pytest_runtest_call``).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from mailer_gui.core.clock import SimClock
from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import ENV_DATABASE_URL, AppContext, open_context
from mailer_gui.core.sending import queue
from mailer_gui.core.store import db as dbmod

from .imap_server import TestImapServer, dovecot_available
from .pg_server import PgCluster, start_cluster
from .smtp_server import TestSmtpServer

BACKENDS = ("sqlite", "postgresql")
PG_TEMPLATE = "mailer_template"

# Wednesday 2026-11-25 10:00 in Moscow (07:00 UTC): inside default working hours.
WEDNESDAY_10_MSK = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


class MemoryKeyring(KeyringBackend):
    """An in-memory keychain standing in for the OS one."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def _qt_is_loaded_by_pytest(config: pytest.Config) -> bool:
    return config.pluginmanager.has_plugin("pytest-qt")


def pytest_collection_finish(session: pytest.Session) -> None:
    if not _qt_is_loaded_by_pytest(session.config) and "PySide6" in sys.modules:
        raise pytest.UsageError(
            "PySide6 was imported while collecting the tests outside tests/ui (by a test "
            "module, a conftest or the code they import at module level); move the Qt test "
            "to tests/ui or make the import lazy in the front end"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Without pytest-qt, a test that imports PySide6 fails (it belongs in tests/ui)."""
    qt_before = "PySide6" in sys.modules
    result = yield
    if not qt_before and "PySide6" in sys.modules and not _qt_is_loaded_by_pytest(item.config):
        pytest.fail(f"{item.nodeid} imported PySide6; Qt tests live in tests/ui", pytrace=False)
    return result


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_team_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``MAILER_GUI_DATABASE_URL`` of the shell running the tests never leaks in:
    only the fixtures below (and tests) set it."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)


@pytest.fixture
def clock() -> SimClock:
    return SimClock(WEDNESDAY_10_MSK)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked ``backends``: each test using ``ctx`` (or ``backend``) runs on both;
    one of its tests marked ``sqlite_only`` (about SQLite itself) runs on SQLite alone."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("backends"):
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", BACKENDS[:1] if only else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` unless the module opted in to both (``pytest.mark.backends``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the session (per xdist worker), with a
    template database migrated to the head once."""
    import psycopg

    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.conninfo, autocommit=True) as con:
            con.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        url = cluster.url_for(PG_TEMPLATE).replace("@", f":{cluster.password}@", 1)
        db = dbmod.Database(url=url)
        try:
            dbmod.upgrade(db)
        finally:
            db.dispose()
        yield cluster
    finally:
        cluster.stop()


_PG_DATABASES = itertools.count(1)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (a copy of the template) for one test:
    its URL, without the password (``pg_cluster.password``)."""
    import psycopg

    name = f"t{next(_PG_DATABASES)}"
    with psycopg.connect(pg_cluster.conninfo, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    yield pg_cluster.url_for(name)
    with psycopg.connect(pg_cluster.conninfo, autocommit=True) as con:
        con.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest,
    backend: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> str | None:
    """None (the SQLite file in the data folder) or a fresh PostgreSQL database's
    URL, its password in the (memory) keychain as ``config database-password``
    keeps it. On PostgreSQL ``MAILER_GUI_DATABASE_URL`` names it too, so the CLI
    a test runs (``--data-dir`` only) works on the same database as ``ctx``."""
    if backend == "sqlite":
        monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
        return None
    url: str = request.getfixturevalue("pg_url")
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    account = dbmod.password_account(dbmod.parse_url(url))
    memory_keyring.set_password("mailer-gui", account, cluster.password)
    monkeypatch.setenv(ENV_DATABASE_URL, url)
    return url


@pytest.fixture
def ctx(tmp_path: Path, clock: SimClock, database_url: str | None) -> Iterator[AppContext]:
    # The test harness, like the demo, sends only to its own local server: reserved
    # example domains may be queued (see context.open_context).
    c = open_context(
        tmp_path / "data",
        clock=clock,
        secrets=SecretStore(use_env=False),
        allow_reserved_domains=True,
        database_url=database_url,
        database_clock=False,  # the simulated clock is the one clock here
    )
    yield c
    c.close()


@pytest.fixture
def smtp_server() -> Iterator[TestSmtpServer]:
    server = TestSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def imap_server() -> Iterator[TestImapServer]:
    """Dovecot on 127.0.0.1 in a temporary folder (tests/imap_server.py)."""
    if not dovecot_available():
        pytest.fail("dovecot is not installed: run scripts/setup.sh --test (dovecot-imapd)")
    server = TestImapServer().start()
    yield server
    server.stop()


def configure(ctx: AppContext, server: TestSmtpServer, **limit_changes: Any) -> None:
    """Point the app at the test server; limits default to the spec's
    (docs/spec.md), all-day unless told."""
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="127.0.0.1",
                port=server.port,
                security="none",
                from_addr="news@example.com",
                from_name="Example News",
                timeout=5,
            ),
        )
        lim = settings.LimitSettings(
            **{"start": "00:00", "end": "24:00", "days": settings.DAY_NAMES, **limit_changes}
        )
        settings.save_limits(s, lim)


def make_campaign(
    ctx: AppContext, n: int, enqueue: bool = True, name: str = "Promo", domain: str = "example.org"
) -> int:
    """A campaign with ``n`` recipients r0@domain ... ; returns its id."""
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c = campaigns.create(
            s,
            name,
            "Hello {{ first_name }}",
            "<p>Dear {{ first_name }},</p><p>News.</p>",
            None,
            now,
        )
        campaigns.add_recipients(
            s, c.id, [(i + 2, f"r{i}@{domain}", {"first_name": f"Name{i}"}) for i in range(n)]
        )
        if enqueue:
            queue.enqueue(s, c.id, now)
        return c.id


def drain(ctx: AppContext, max_steps: int = 200) -> list[Any]:
    """Take the lease, send whatever can be sent now, give the lease back."""
    from mailer_gui.core.sending.engine import Engine

    eng = Engine(ctx)
    eng.acquire()
    try:
        return eng.run_until_idle(max_steps=max_steps)
    finally:
        eng.release()
