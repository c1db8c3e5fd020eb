"""README's "Map of the code" matches the tree (issue 10): it names every
package of mailer_gui, and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _map() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("\n## Map of the code\n")
    return text[start : text.index("\n## ", start + 1)]


def test_every_package_is_on_the_map() -> None:
    named = set(re.findall(r"`(mailer_gui/[\w/]*?)/?`", _map()))
    packages = {
        str(p.parent.relative_to(ROOT))
        for p in (ROOT / "mailer_gui").rglob("__init__.py")
        if p.parent != ROOT / "mailer_gui"
    }
    assert packages - named == set(), "packages missing from README's map"


def test_every_path_on_the_map_exists() -> None:
    for path in re.findall(r"`(mailer_gui/[\w/.]*)`", _map()):
        assert (ROOT / path).exists(), path
