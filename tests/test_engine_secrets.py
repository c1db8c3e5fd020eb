"""The engine reads the keychain with no write transaction open: a keychain
waiting on an unlock prompt must not hold every writer (issue 9, item 6)."""

from __future__ import annotations

import sqlite3

import keyring
import pytest

from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SERVICE, UNSUBSCRIBE_ACCOUNT
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine

from .conftest import MemoryKeyring, make_campaign
from .smtp_server import TestSmtpServer


class ProbingKeyring(MemoryKeyring):
    """A keychain that, while it is being read, has another connection take
    the write lock and commit: that works only if nobody holds the lock."""

    def __init__(self, db_path) -> None:
        super().__init__()
        self.db_path = db_path
        self.reads: list[str] = []  # password reads: "committed" or the other writer's error
        self.key_reads: list[str] = []  # the same for the unsubscribe key

    def get_password(self, service: str, username: str) -> str | None:
        if service == SERVICE:
            con = sqlite3.connect(self.db_path, timeout=0, isolation_level=None)
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute("UPDATE lease SET label = label WHERE id = 1")
                con.execute("COMMIT")
                result = "committed"
            except sqlite3.OperationalError as exc:
                result = str(exc)
            finally:
                con.close()
            (self.key_reads if username == UNSUBSCRIBE_ACCOUNT else self.reads).append(result)
        return super().get_password(service, username)


@pytest.fixture
def auth_server():
    server = TestSmtpServer(user="marketer", password="right").start()
    yield server
    server.stop()


def _configure(ctx, server, user="marketer"):
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="127.0.0.1",
                port=server.port,
                security="none",
                from_addr="news@example.com",
                user=user,
                timeout=5,
            ),
        )
        settings.save_limits(
            s, settings.LimitSettings(start="00:00", end="24:00", days=settings.DAY_NAMES)
        )
        return settings.load(s).smtp


def test_keychain_is_read_with_no_write_lock_held(ctx, auth_server):
    smtp = _configure(ctx, auth_server)
    kr = ProbingKeyring(ctx.db.path)
    keyring.set_keyring(kr)
    ctx.secrets.set_password(smtp.keyring_account, "right")
    make_campaign(ctx, 5)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.run_until_idle()
    finally:
        eng.release()
    assert len(auth_server.received) == 5
    # Another writer committed while the keychain was read; and it is read once
    # for the run, not once per message. The unsubscribe key too is read with
    # no write lock held.
    assert kr.reads == ["committed"]
    assert kr.key_reads and set(kr.key_reads) == {"committed"}


def test_a_new_password_is_read_after_the_hold_is_released(ctx, auth_server):
    """The same engine (as the window's worker keeps it) reads the keychain
    again once the queue went idle: a corrected password is used."""
    smtp = _configure(ctx, auth_server)
    kr = ProbingKeyring(ctx.db.path)
    keyring.set_keyring(kr)
    ctx.secrets.set_password(smtp.keyring_account, "wrong")
    cid = make_campaign(ctx, 2)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.run_until_idle()
        with ctx.db.read() as s:
            assert queue.campaign_entry(s, cid).reason_code == "smtp_auth_failed"
        ctx.secrets.set_password(smtp.keyring_account, "right")
        with ctx.db.write() as s:
            queue.release_operator_holds(s, ctx.clock.now())
        eng.wake()
        eng.run_until_idle()
    finally:
        eng.release()
    assert len(auth_server.received) == 2
    assert kr.reads == ["committed", "committed"]


def test_changed_smtp_settings_read_the_keychain_again(ctx, auth_server):
    smtp = _configure(ctx, auth_server)
    kr = ProbingKeyring(ctx.db.path)
    keyring.set_keyring(kr)
    ctx.secrets.set_password(smtp.keyring_account, "right")
    make_campaign(ctx, 4)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.step()
        eng.step()
        # The operator switches to another login in the middle of the run.
        other = _configure(ctx, auth_server, user="someone-else")
        ctx.secrets.set_password(other.keyring_account, "nope")
        eng.run_until_idle()
    finally:
        eng.release()
    assert kr.reads == ["committed", "committed"]
    assert len(auth_server.received) == 2  # the other login is refused
