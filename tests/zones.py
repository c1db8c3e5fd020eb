"""The laptop's time zone for one test: the process's ``TZ`` and ``tzset``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture(name="laptop_zone")
def laptop_zone_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``laptop_zone("America/Los_Angeles")`` puts the laptop there until the test ends."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()
