"""Changes heard across laptops: PostgreSQL's LISTEN/NOTIFY (team mode).

Each app tells its own listeners that something changed (``AppContext.emit``:
"queue", "settings"); they re-read the database. On a shared PostgreSQL
database the same word also goes to every other app on it, as a notification
on :data:`CHANNEL`, and each of them tells its listeners in turn: a campaign
queued, paused or sent on one laptop shows on the others at once, with no
polling. The periodic re-check each window already does stays as the
fallback (a listener that lost its connection says so in the log, reconnects
and then asks for a re-read, since a word may have been missed meanwhile).

Announcing never blocks the caller (the GUI thread, or the engine between two
messages): words are gathered and sent by one thread, at most one batch per
:data:`ANNOUNCE_GAP` seconds, each word once per batch, so a campaign streaming
hundreds of messages a second costs the others a few notifications a second.
``stop()`` sends what is still gathered before it returns, so a short CLI
command's change is not lost when the process exits. A notification carries
only the word and the sender's random id, never data.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from mailer_gui.core.store.db import Database

log = logging.getLogger(__name__)

CHANNEL = "mailer_changes"
ANNOUNCE_GAP = 0.1  # seconds between two batches of notifications from one app
LISTEN_POLL = 0.5  # seconds the listener waits before looking at stop()
RECONNECT_AFTER = 2.0


def _autocommit_connection(db: Database) -> Any:
    """A psycopg connection of its own (out of the pool), in autocommit."""
    raw = db.engine.raw_connection()
    con = raw.driver_connection
    raw.detach()  # ours until closed: never handed back to the pool
    if con is None:
        raise RuntimeError("the database connection has no driver connection")
    if con.info.transaction_status != 0:  # pq.TransactionStatus.IDLE
        con.rollback()
    con.autocommit = True
    return con


class ChangeFeed:
    """Announces this app's changes to the other apps on the database and hears theirs.

    ``on_heard(word)`` is called from the listener thread for each word another
    app announced (never for this one's own)."""

    def __init__(self, db: Database, on_heard: Callable[[str], None]) -> None:
        self.db = db
        self.origin = uuid.uuid4().hex[:12]
        self._on_heard = on_heard
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._announcer: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()  # set once LISTEN is in force

    # -- announcing ----------------------------------------------------------
    def announce(self, word: str) -> None:
        """Tell the other apps ``word`` (from any thread; never blocks)."""
        with self._lock:
            if self._stopping.is_set():
                return
            self._pending.add(word)
            if self._announcer is None:
                self._announcer = threading.Thread(
                    target=self._announce_loop, name="mailer-announce", daemon=True
                )
                self._announcer.start()
        self._wake.set()

    def _take(self) -> list[str]:
        with self._lock:
            words = sorted(self._pending)
            self._pending.clear()
            self._wake.clear()
        return words

    def _announce_loop(self) -> None:
        con: Any = None
        try:
            while True:
                self._wake.wait()
                words = self._take()
                if words:
                    con = self._send(con, words)
                if self._stopping.is_set():
                    if not self._pending:
                        return
                    continue
                self._stopping.wait(ANNOUNCE_GAP)
        finally:
            if con is not None:
                con.close()

    def _send(self, con: Any, words: list[str]) -> Any:
        for attempt in (1, 2):  # a connection the server dropped: once more on a new one
            try:
                if con is None:
                    con = _autocommit_connection(self.db)
                for word in words:
                    con.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{self.origin} {word}"))
                return con
            except Exception as exc:
                log.warning("could not tell the other apps (%s): %s", words, type(exc).__name__)
                if con is not None:
                    con.close()
                con = None
                if attempt == 2:
                    return None
        return con

    # -- listening -----------------------------------------------------------
    def listen(self) -> None:
        """Start hearing the other apps (idempotent, never blocks: the listener
        connects in its own thread; :attr:`listening` is set once LISTEN is on)."""
        with self._lock:
            if self._listener is not None or self._stopping.is_set():
                return
            self._listener = threading.Thread(
                target=self._listen_loop, name="mailer-listen", daemon=True
            )
            self._listener.start()

    def _listen_loop(self) -> None:
        missed = False
        while not self._stopping.is_set():
            con: Any = None
            try:
                con = _autocommit_connection(self.db)
                con.execute(f"LISTEN {CHANNEL}")
                self.listening.set()
                if missed:  # words may have gone by while we were away
                    self._on_heard("queue")
                    self._on_heard("settings")
                while not self._stopping.is_set():
                    for note in con.notifies(timeout=LISTEN_POLL):
                        origin, _, word = note.payload.partition(" ")
                        if origin != self.origin and word:
                            self._on_heard(word)
            except Exception as exc:
                self.listening.clear()
                if self._stopping.is_set():
                    break
                log.warning(
                    "lost the other apps' changes (%s); re-reading every few seconds "
                    "until the database answers",
                    type(exc).__name__,
                )
                missed = True
                self._stopping.wait(RECONNECT_AFTER)
            finally:
                if con is not None:
                    try:
                        con.close()
                    except Exception:
                        pass
        self.listening.clear()

    # -- the end -------------------------------------------------------------
    def stop(self, timeout: float = 5.0) -> None:
        """Send what is gathered, stop listening, close both connections."""
        with self._lock:
            self._stopping.set()
            announcer, listener = self._announcer, self._listener
        self._wake.set()
        for thread in (announcer, listener):
            if thread is not None:
                thread.join(timeout)
