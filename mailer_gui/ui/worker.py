"""The worker thread: runs the engine loop and reports plain data to the GUI.

It sleeps inside ``Engine.run_forever`` until the earliest ``next_run_at``, a
wake-up (queue or settings changed: ``ctx.listeners`` -> ``engine.wake()``)
or the engine's periodic re-check. After each step it builds a status
snapshot *in this thread* and emits it as the plain ``Snapshot`` dataclass,
plus new notification rows as plain dicts; GUI-side slots fill the models.

No APScheduler: the engine recomputes the next wake-up from the queue table
after every step and waits on a ``threading.Event`` with that timeout, capped
by a 30-second re-check. That is all a scheduler would do here, and a timeout
re-evaluated on every loop cannot miss a run after sleep or a clock jump
(Vorta replaced APScheduler's Qt scheduler with single-shot timers for that
reason). A scheduler would be a second place holding time state.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread, Signal

from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import LeaseHeldError
from mailer_gui.core.sending import notices, snapshot
from mailer_gui.core.sending.notices import notification_dict
from mailer_gui.core.store.db import lost_connection
from mailer_gui.ui import messages

if TYPE_CHECKING:
    from mailer_gui.core.sending.engine import Engine, StepResult

log = logging.getLogger(__name__)

LEASE_RETRY_SECONDS = 3.0
ERROR_RETRY_SECONDS = 5.0
# While messages stream out, one snapshot per this many seconds is plenty.
SNAPSHOT_MIN_INTERVAL = 0.25


class EngineWorker(QThread):
    """One engine per window; ``stop_and_wait()`` stops after the current message."""

    snapshotReady = Signal(object)  # snapshot.Snapshot
    notificationsReady = Signal(list)  # list[dict]
    leaseHeld = Signal(str)  # "" when this window holds the lease
    # Who holds it: "host (label)" of the other Mailer, "" when this window does.
    leaseHolder = Signal(str)
    stepped = Signal(object)  # engine.StepResult
    failed = Signal(str)

    def __init__(self, ctx: AppContext, engine: Engine | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("EngineWorker")
        self.ctx = ctx
        self._engine = engine
        self._stopping = threading.Event()
        self._engine_lock = threading.Lock()
        self._poke = threading.Event()
        self._last_snapshot = 0.0
        self._last_note_id = self._max_notification_id()
        self._thread_ident: int | None = None
        self._repeats: Any = None  # the RepeatScheduler, while this window holds the lease
        ctx.listeners.append(self._on_event)

    @property
    def last_notification_id(self) -> int:
        """Notifications after this id reach the window through this worker."""
        return self._last_note_id

    @property
    def engine(self) -> Engine:
        """Made on first use, normally in the worker thread once the window is
        up: the engine's imports (templates, SMTP) need not delay the start."""
        with self._engine_lock:
            if self._engine is None:
                from mailer_gui.core.sending.engine import Engine

                self._engine = Engine(self.ctx, label="gui")
                if self._stopping.is_set():  # stop() came before there was an engine
                    self._engine.stop()
            return self._engine

    # -- called from any thread --------------------------------------------
    def _on_event(self, event: str) -> None:
        if threading.get_ident() == self._thread_ident:
            return  # the engine's own step: the snapshot follows anyway
        if self._engine is not None:  # none yet: it starts awake anyway
            self._engine.wake()
        self._poke.set()

    def wake(self) -> None:
        self._on_event("wake")

    def stop(self) -> None:
        """Ask the loop to end after the current SMTP transaction is recorded."""
        self._stopping.set()
        if self._engine is not None:
            self._engine.stop()
        self._poke.set()

    def stop_and_wait(self, timeout_ms: int = 120_000) -> bool:
        self.stop()
        done = self.wait(timeout_ms) if self.isRunning() else True
        if self._on_event in self.ctx.listeners:
            self.ctx.listeners.remove(self._on_event)
        return bool(done)

    # -- the thread ----------------------------------------------------------
    def run(self) -> None:
        self._thread_ident = threading.get_ident()
        try:
            while not self._stopping.is_set():
                if not self._acquire():
                    continue
                self._run_engine()
        finally:
            self._release()

    def _acquire(self) -> bool:
        try:
            self.engine.acquire()
        except LeaseHeldError as exc:
            self.leaseHeld.emit(messages.text(exc))
            params = getattr(exc.args[0] if exc.args else None, "params", {})
            self.leaseHolder.emit(f"{params.get('host', '?')} ({params.get('label', '?')})")
            self._publish(force=True)
            self._sleep(LEASE_RETRY_SECONDS)
            return False
        except Exception as exc:  # the DB may be busy or broken: say so, retry
            log.exception("could not take the sending lease")
            self.failed.emit(self._worded(exc))
            self._sleep(ERROR_RETRY_SECONDS)
            return False
        self.leaseHeld.emit("")
        self.leaseHolder.emit("")
        self._start_repeats()
        self._publish(force=True)
        return True

    def _start_repeats(self) -> None:
        """The lease holder wakes the recurring sends; the first sync (catch-ups,
        plans) runs here, before the engine's first step."""
        if self._repeats is not None:
            return
        from mailer_gui.core.sending.repeat_scheduler import RepeatScheduler

        try:
            self._repeats = RepeatScheduler(self.ctx, on_change=self.wake)
            self._repeats.start()
        except Exception:
            log.exception("could not start the repeat scheduler")

    def _run_engine(self) -> None:
        try:
            self.engine.run_forever(on_step=self._after_step)
        except Exception as exc:
            log.exception("the send loop failed; retrying")
            self.failed.emit(self._worded(exc))
            self._sleep(ERROR_RETRY_SECONDS)

    def _worded(self, exc: Exception) -> str:
        """The error for the status line: a database server lost (team mode)
        named as such, with what is kept and that the worker tries again; any
        other as it words itself."""
        return messages.text(lost_connection(self.ctx.db, exc, ERROR_RETRY_SECONDS) or exc)

    def _after_step(self, result: StepResult) -> None:
        self.stepped.emit(result)
        streaming = result.kind == "sent" and not self._stopping.is_set()
        self._publish(force=not streaming)

    def _sleep(self, seconds: float) -> None:
        """Wait (read-only or after an error), still publishing when poked."""
        end = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < end:
            if self._poke.wait(max(0.0, end - time.monotonic())):
                self._poke.clear()
                if not self._stopping.is_set():
                    self._publish(force=True)

    def _release(self) -> None:
        if self._repeats is not None:
            self._repeats.stop()
            self._repeats = None
        try:
            self.engine.release()
        except Exception:
            log.exception("could not release the sending lease")
        self._publish(force=True)

    # -- plain data out --------------------------------------------------------
    def _publish(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_snapshot < SNAPSHOT_MIN_INTERVAL:
            return
        self._last_snapshot = now
        try:
            with self.ctx.db.read() as s:
                snap = snapshot.build(s, self.ctx.clock.now())
                notes = self._new_notifications(s, snap.timezone)
        except Exception as exc:
            log.exception("could not read the status")
            self.failed.emit(self._worded(exc))
            return
        self.snapshotReady.emit(snap)
        if notes:
            self.notificationsReady.emit(notes)

    def _max_notification_id(self) -> int:
        with self.ctx.db.read() as s:
            return notices.last_id(s)

    def _new_notifications(self, s: Any, zone: str) -> list[dict[str, Any]]:
        out = []
        for n in notices.newer_than(s, self._last_note_id):
            self._last_note_id = max(self._last_note_id, n.id)
            out.append(_worded(notification_dict(s, n, zone)))
        return out


def notification_history(ctx: AppContext, up_to_id: int | None = None) -> list[dict[str, Any]]:
    """The latest notifications from the database, oldest first, as plain data."""
    from mailer_gui.core.config import settings as settings_mod

    with ctx.db.read() as s:
        zone = settings_mod.load(s).limits.timezone
        return [_worded(notification_dict(s, n, zone)) for n in notices.history(s, up_to_id)]


def _worded(d: dict[str, Any]) -> dict[str, Any]:
    """The notification's text in the UI language, beside the stored one."""
    d["worded"] = messages.text(d["text"])
    return d
