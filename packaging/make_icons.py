"""Render mailer_gui/resources/icons/io.github.mailer_gui.svg to the PNG sizes desktops ask for.

    python packaging/make_icons.py [--check]

Uses Qt's own SVG renderer (QtSvg ships with PySide6-Essentials), so the
PNGs match what the app draws from the SVG. ``--check`` exits 1 if a PNG is
missing or older than the SVG, without writing anything.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "mailer_gui" / "resources" / "icons"
NAME = "io.github.mailer_gui"
SIZES = (16, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"{NAME}-{size}.png"


def render(svg: Path = ICONS / f"{NAME}.svg") -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - keeps Qt alive
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG for Qt")
    out = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = png_path(size)
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"cannot write {path}")
        out.append(path)
    return out


def main(argv: list[str]) -> int:
    svg = ICONS / f"{NAME}.svg"
    if "--check" in argv:
        stale = [p for p in map(png_path, SIZES)
                 if not p.exists() or p.stat().st_mtime < svg.stat().st_mtime]
        for p in stale:
            print(f"missing or older than the SVG: {p}", file=sys.stderr)
        return 1 if stale else 0
    for p in render(svg):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
