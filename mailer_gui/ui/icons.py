"""The app icon, shipped inside the package (``mailer_gui/resources/icons``).

Kept apart from the About dialog so that the window and the tray can set the
icon at start without importing what About needs (metadata, log setup).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "io.github.mailer_gui"
# ``pip install .`` (package-data) and the PyInstaller bundle both put the
# files here, next to this package's modules.
ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"


def icon_dirs() -> list[Path]:
    """Where the icon files are looked up."""
    return [ICON_DIR]


@lru_cache(maxsize=1)
def _icon_files() -> tuple[str, ...]:
    for folder in icon_dirs():
        pngs = tuple(str(p) for p in sorted(folder.glob(f"{ICON_NAME}-*.png")))
        if pngs:
            return pngs
        if (folder / f"{ICON_NAME}.svg").is_file():
            return (str(folder / f"{ICON_NAME}.svg"),)
    return ()


def app_icon() -> QIcon:
    """The app icon (every PNG size), else the SVG, else the desktop theme's."""
    files = _icon_files()
    if not files:
        return QIcon.fromTheme(ICON_NAME)
    icon = QIcon()
    for path in files:
        icon.addFile(path)
    return icon
