"""The scheduler that wakes the repeats (APScheduler's BackgroundScheduler).

It holds no state of its own (docs/spec.md#d-the-queue-table-is-the-truth):
its jobs are rebuilt from the database after every wake-up
(:func:`repeats.wake_times`), and each only calls :func:`repeats.sync`, which
recomputes from the tables. A periodic check covers a sleep or a clock jump
that made a wake-up late. Jobs coalesce, with a misfire grace, so a late
wake-up runs once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import repeats

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(minutes=5)


class RepeatScheduler:
    """:meth:`start` syncs first (the rebuild at start); :meth:`stop` at the end."""

    def __init__(self, ctx: AppContext, on_change: Callable[[], None] | None = None) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self.ctx = ctx
        self.on_change = on_change
        self._lock = threading.Lock()
        self._sched: Any = BackgroundScheduler(daemon=True, timezone="UTC")

    def start(self) -> list[str]:
        """Sync the repeats with the clock (catch-ups, plans) and start waking them."""
        from apscheduler.triggers.interval import IntervalTrigger

        said = self.wake()
        self._sched.add_job(
            self.wake,
            IntervalTrigger(seconds=CHECK_EVERY.total_seconds()),
            id="check",
            coalesce=True,
            misfire_grace_time=None,
        )
        self._sched.start()
        return said

    def wake(self) -> list[str]:
        with self._lock:
            try:
                with self.ctx.db.write() as s:
                    said = repeats.sync(s, self.ctx.clock.now())
                    times = repeats.wake_times(s)
            except Exception:
                log.exception("repeats: sync failed")
                return []
            self._rebuild(times)
        if self.on_change is not None:
            self.on_change()
        return said

    def _rebuild(self, times: list[tuple[int, Any]]) -> None:
        # Trigger objects, not the "date"/"interval" aliases: those are found
        # through package entry points, which a frozen app may not carry.
        from apscheduler.triggers.date import DateTrigger

        now = self.ctx.clock.now()
        for job in self._sched.get_jobs():
            if job.id != "check":
                job.remove()
        for i, (template_id, at) in enumerate(times):
            if at <= now:
                continue
            self._sched.add_job(
                self.wake,
                DateTrigger(run_date=at),
                id=f"repeat-{template_id}-{i}",
                coalesce=True,
                misfire_grace_time=3600,
            )

    def stop(self) -> None:
        if self._sched.running:
            self._sched.shutdown(wait=False)
