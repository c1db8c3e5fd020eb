"""The app's language for the terminal, without loading Qt where that can be
avoided: the choice saved by the window (``ui/language`` in the GUI's own
preferences file), else the system's UI language, as ``ui.i18n`` reads them.

On Linux and other Unix systems both come from plain files and the
environment, read here as Qt reads them (the INI file QSettings writes, then
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). On Windows and macOS
the system language comes from the OS, so Qt's own answer is used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SUPPORTED = ("en", "ru")
_CHOICES = ("system", *SUPPORTED)


def _ini_path() -> Path:
    """Where QSettings keeps the GUI's preferences (IniFormat, user scope)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mailer-gui" / "mailer-gui.ini"


def saved_choice() -> str:
    """``system``, ``en`` or ``ru``, as the window saved it (``system`` if unset)."""
    try:
        lines = _ini_path().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return "system"
    group = ""
    for raw in lines:
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif "=" in line and group == "ui":
            key, value = (p.strip() for p in line.split("=", 1))
            if key == "language":
                value = value.strip('"')
                return value if value in _CHOICES else "system"
    return "system"


def _system_languages() -> list[str]:
    """The UI languages Qt reads from the environment on Unix."""
    languages = os.environ.get("LANGUAGE", "")
    if languages:
        return languages.split(":")
    return [
        os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or "C"
    ]


def effective_language(choice: str | None = None) -> str:
    """The language the window would use: the saved choice, else the system's."""
    choice = choice or saved_choice()
    if choice != "system":
        return choice
    if sys.platform in ("win32", "darwin"):  # no LANGUAGE/LANG there: ask Qt
        from mailer_gui.qt.language import system_language

        return system_language(SUPPORTED)
    for name in _system_languages():
        code = name.split("-")[0].split("_")[0].split(".")[0].lower()
        if code in SUPPORTED:
            return code
    return "en"
