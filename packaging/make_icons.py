"""Render mailer_gui/resources/icons/io.github.mailer_gui.svg to the PNG sizes desktops ask for.

    python packaging/make_icons.py [--check]

Uses Qt's own SVG renderer (QtSvg ships with PySide6-Essentials), so the
PNGs match what the app draws from the SVG. ``--check`` exits 1 if a PNG is
missing, of the wrong size, or no longer what the SVG renders to (compared
pixel by pixel with a small tolerance, not by file times, which a fresh
clone does not keep), without writing anything.
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


def _images(svg: Path) -> dict[int, object]:
    """QImage renderings of ``svg`` at every size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - keeps Qt alive
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG for Qt")
    images: dict[int, object] = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        images[size] = image
    return images


def render(svg: Path = ICONS / f"{NAME}.svg") -> list[Path]:
    out = []
    for size, image in _images(svg).items():
        path = png_path(size)
        if not image.save(str(path), "PNG"):  # type: ignore[attr-defined]
            raise SystemExit(f"cannot write {path}")
        out.append(path)
    return out


def _mean_difference(a: object, b: object) -> float:
    """Mean absolute difference per channel (0-255) of two same-size images."""
    from PySide6.QtGui import QImage

    fmt = QImage.Format.Format_RGBA8888
    x, y = a.convertToFormat(fmt), b.convertToFormat(fmt)  # type: ignore[attr-defined]
    da, db = bytes(x.constBits()), bytes(y.constBits())
    return sum(abs(p - q) for p, q in zip(da, db, strict=True)) / max(1, len(da))


def stale(svg: Path = ICONS / f"{NAME}.svg") -> list[str]:
    """What is wrong with the committed PNGs (empty when they match the SVG)."""
    from PySide6.QtGui import QImage

    problems = []
    for size, fresh in _images(svg).items():
        path = png_path(size)
        stored = QImage(str(path))
        if stored.isNull():
            problems.append(f"missing or unreadable: {path}")
        elif (stored.width(), stored.height()) != (size, size):
            problems.append(f"{path} is {stored.width()}x{stored.height()}, not {size}x{size}")
        elif _mean_difference(stored, fresh) > 2.0:
            problems.append(f"{path} no longer matches the SVG; run packaging/make_icons.py")
    return problems


def main(argv: list[str]) -> int:
    svg = ICONS / f"{NAME}.svg"
    if "--check" in argv:
        problems = stale(svg)
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    for p in render(svg):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
