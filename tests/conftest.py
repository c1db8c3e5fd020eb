"""Shared fixtures: a real SQLite file per test, a real SMTP server, an
in-memory keychain (the one thing this machine lacks), a simulated clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mailer_gui.core.clock import SimClock  # noqa: E402
from mailer_gui.core.config import settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.content import campaigns  # noqa: E402
from mailer_gui.core.context import AppContext, open_context  # noqa: E402
from mailer_gui.core.sending import queue  # noqa: E402

from .smtp_server import TestSmtpServer  # noqa: E402

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


@pytest.fixture(autouse=True, scope="session")
def _one_qapplication(qapp: Any) -> Any:
    """One QApplication for the whole run, made first: code that needs Qt outside
    a window (the PDF report) then uses it instead of making a bare
    QGuiApplication that later widget tests would trip over."""
    return qapp


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture
def clock() -> SimClock:
    return SimClock(WEDNESDAY_10_MSK)


@pytest.fixture
def ctx(tmp_path: Path, clock: SimClock) -> Iterator[AppContext]:
    # The test harness, like the demo, sends only to its own local server: reserved
    # example domains may be queued (see context.open_context).
    c = open_context(tmp_path / "data", clock=clock, secrets=SecretStore(use_env=False),
                     allow_reserved_domains=True)
    yield c
    c.close()


@pytest.fixture
def smtp_server() -> Iterator[TestSmtpServer]:
    server = TestSmtpServer().start()
    yield server
    server.stop()


def configure(ctx: AppContext, server: TestSmtpServer, **limit_changes: Any) -> None:
    """Point the app at the test server; limits default to SPEC's, all-day unless told."""
    with ctx.db.write() as s:
        settings.save_smtp(s, settings.SmtpSettings(
            host="127.0.0.1", port=server.port, security="none",
            from_addr="news@example.com", from_name="Example News", timeout=5))
        lim = settings.LimitSettings(**{"start": "00:00", "end": "24:00",
                                        "days": settings.DAY_NAMES, **limit_changes})
        settings.save_limits(s, lim)


def make_campaign(ctx: AppContext, n: int, enqueue: bool = True, name: str = "Promo",
                  domain: str = "example.org") -> int:
    """A campaign with ``n`` recipients r0@domain ... ; returns its id."""
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c = campaigns.create(s, name, "Hello {{ first_name }}",
                             "<p>Dear {{ first_name }},</p><p>News.</p>", None, now)
        campaigns.add_recipients(
            s, c.id, [(i + 2, f"r{i}@{domain}", {"first_name": f"Name{i}"}) for i in range(n)])
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


@pytest.fixture(autouse=True)
def _background_tasks_end_with_their_test() -> Iterator[None]:
    """A task left running would hold a pool thread (there are two) and starve
    the next test's tasks: wait for them here, and say which test left one."""
    yield
    from mailer_gui.ui.background_task import BackgroundTask

    pool = BackgroundTask._pool
    if pool is not None:
        assert pool.waitForDone(30_000), "a background task outlived its test"
