"""Run a plain function off the GUI thread and post its result back.

Picard's ``run_task`` pattern: a QRunnable calls the function in a pool
thread; the result (plain data only) travels to the GUI thread as a queued
signal, so no widget is ever touched from the worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.delivered = False  # the result reached the GUI thread

    @Slot(object)
    def mark_delivered(self, _result: object) -> None:
        self.delivered = True


class _Runnable(QRunnable):
    def __init__(self, task: BackgroundTask) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self.task
        try:
            try:
                result = task.func(task)
            except BaseException as exc:  # reported to the GUI thread, never lost
                task.signals.failed.emit(exc)
            else:
                task.signals.done.emit(result)
        except RuntimeError:
            pass  # the receiver side is gone (the app is quitting): nobody to tell
        finally:
            task.finished_event.set()


class BackgroundTask:
    """``func(task)`` runs in a pool thread; it may call ``task.report(done, total)``
    and poll ``task.cancelled``. ``on_done``/``on_error``/``on_progress`` run in
    the GUI thread (queued connections to methods of a QObject receiver)."""

    _pool: QThreadPool | None = None

    def __init__(
        self,
        func: Callable[[BackgroundTask], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.func = func
        self.signals = _Signals()
        # Connected first, so it runs (in the GUI thread) just before the
        # receiver's slot: from then on the task is not ``running``.
        for signal in (self.signals.done, self.signals.failed):
            signal.connect(self.signals.mark_delivered, Qt.ConnectionType.QueuedConnection)
        self.signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(on_error, Qt.ConnectionType.QueuedConnection)
        if on_progress is not None:
            self.signals.progress.connect(on_progress, Qt.ConnectionType.QueuedConnection)
        self._cancel = threading.Event()
        self.finished_event = threading.Event()

    @classmethod
    def pool(cls) -> QThreadPool:
        if cls._pool is None:
            cls._pool = QThreadPool()
            cls._pool.setMaxThreadCount(2)
        return cls._pool

    def start(self) -> BackgroundTask:
        self.pool().start(_Runnable(self))
        return self

    def report(self, done: int, total: int) -> None:
        try:
            self.signals.progress.emit(int(done), int(total))
        except RuntimeError:
            self._cancel.set()  # the dialog is gone: stop the work

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        """True until the result (or the error) has reached the GUI thread.

        Judged in the GUI thread, not by the pool thread's ``finished_event``:
        the result may be handled before the pool thread gets to mark the task
        finished, and a new task asked for in that slot must start, not be
        ignored as if this one still ran."""
        return not self.signals.delivered

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the function returned (for closing a dialog cleanly)."""
        return self.finished_event.wait(timeout)
