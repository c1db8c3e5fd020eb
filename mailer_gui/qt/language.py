"""The system's UI language as Qt reads it (the window and, on Windows and
macOS, the command line ask the same question)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QLocale


def system_language(supported: Iterable[str], default: str = "en") -> str:
    """The first of the system's UI languages that is ``supported``, else ``default``."""
    wanted = set(supported)
    for name in QLocale.system().uiLanguages():
        code = name.split("-")[0].split("_")[0].lower()
        if code in wanted:
            return code
    return default
