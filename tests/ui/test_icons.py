"""The app icon: an SVG and a PNG of every size, rendered from it (moved here
from tests/test_packaging_files.py: it reads the PNGs with Qt)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from ..test_packaging_files import APP_ID, ICONS, PACKAGING, SIZES


def test_icons_svg_and_every_png_size() -> None:
    from PySide6.QtGui import QImage

    svg = ICONS / f"{APP_ID}.svg"
    assert ET.parse(svg).getroot().tag.endswith("svg")
    for size in SIZES:
        image = QImage(str(ICONS / f"{APP_ID}-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    # The PNGs are rendered from the SVG by packaging/make_icons.py.
    out = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
