"""Qt for the widget tests: offscreen, one QApplication for the run, and no
background task outliving its test. Only the tests under ``tests/ui`` get
these; the core tests above run without Qt (see ``tests/conftest.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _one_qapplication(qapp: Any) -> Any:
    """One QApplication for the whole run, made before the first widget test:
    code that needs Qt outside a window (the PDF report) then uses it instead
    of making a bare QGuiApplication that later widget tests would trip over."""
    return qapp


@pytest.fixture(autouse=True)
def _background_tasks_end_with_their_test() -> Iterator[None]:
    """A task left running would hold a pool thread (there are two) and starve
    the next test's tasks: wait for them here, and say which test left one."""
    yield
    from mailer_gui.ui.background_task import BackgroundTask

    pool = BackgroundTask._pool
    if pool is not None:
        assert pool.waitForDone(30_000), "a background task outlived its test"
