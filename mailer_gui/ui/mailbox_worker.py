"""The mailbox worker: checks the IMAP folder every few minutes and on demand,
in a thread of its own (never the GUI thread), and reports plain data.

Like the engine's worker it holds no schedule of its own beyond "the next
check is due ``check_minutes`` after the last one": it waits on an event with
that timeout, so a missed wake-up (laptop asleep) costs a delay, never a lost
or doubled check (the check itself is idempotent). ``check_now()`` wakes it at
once; a settings change wakes it to re-read the interval and the account.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QThread, Signal

from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.context import AppContext
from mailer_gui.ui import messages

log = logging.getLogger(__name__)

NOT_CONFIGURED_RECHECK = 60.0  # seconds: Settings wakes it sooner


class MailboxWorker(QThread):
    """``checked`` carries ``CheckResult.to_json()`` plus ``checked_at`` (ISO, UTC);
    ``failed`` the worded error; ``started_check`` fires as a check begins."""

    checked = Signal(dict)
    failed = Signal(str)
    started_check = Signal()

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("MailboxWorker")
        self.ctx = ctx
        self._stopping = threading.Event()
        self._poke = threading.Event()
        self._now_asked = False
        self._last_check = 0.0  # monotonic; 0: check soon after start
        ctx.listeners.append(self._on_event)

    # -- any thread --------------------------------------------------------------
    def _on_event(self, event: str) -> None:
        if event == "settings":
            self._poke.set()

    def check_now(self) -> None:
        """Check at once (the menu's "Check mailbox now")."""
        self._now_asked = True
        self._poke.set()

    def stop(self) -> None:
        self._stopping.set()
        self._poke.set()

    def stop_and_wait(self, timeout_ms: int = 60_000) -> bool:
        self.stop()
        done = self.wait(timeout_ms) if self.isRunning() else True
        if self._on_event in self.ctx.listeners:
            self.ctx.listeners.remove(self._on_event)
        return bool(done)

    # -- the thread ----------------------------------------------------------------
    def run(self) -> None:
        while not self._stopping.is_set():
            wait = self._seconds_to_next()
            if wait > 0 and not self._now_asked:
                self._poke.wait(wait)
                self._poke.clear()
                continue
            self._now_asked = False
            self._check()

    def _seconds_to_next(self) -> float:
        try:
            with self.ctx.db.read() as s:
                configured = imap_settings.load_imap(s) is not None
                minutes = imap_settings.load_mailbox(s).check_minutes
        except Exception:
            log.exception("could not read the mailbox settings")
            return NOT_CONFIGURED_RECHECK
        if not configured:
            return NOT_CONFIGURED_RECHECK if not self._now_asked else 0.0
        if self._last_check == 0.0:
            return 0.0
        return max(0.0, self._last_check + minutes * 60 - time.monotonic())

    def _check(self) -> None:
        from mailer_gui.core.mailbox import check

        self._last_check = time.monotonic()
        self.started_check.emit()
        try:
            result = check.check_once(self.ctx)
        except Exception as exc:  # the network, the account: say so, try later
            log.warning("mailbox check failed: %s", exc)
            self.failed.emit(messages.text(exc))
            return
        out = result.to_json()
        out["checked_at"] = self.ctx.clock.now().isoformat()
        self.checked.emit(out)
        if result.more:  # a backlog (the first check of a full INBOX): go on at once
            self._now_asked = True
