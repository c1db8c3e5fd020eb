"""Build step for translations: ``.ts`` sources to compiled ``.qm`` catalogues.

Used two ways, so that nothing is compiled when the app starts:

* as the setuptools ``build_py`` command (``pyproject.toml``), which writes
  ``mailer_gui/translations/*.qm`` into every wheel and ``pip install .``;
* as ``python -m mailer_gui.ui.i18n_build [--update] [--out DIR]`` from a
  checkout, CI or the packaging script (``--update`` first re-runs
  ``pyside6-lupdate`` over ``mailer_gui/ui/**/*.py`` and ``core/messages_en.py``).

Only the standard library is imported here; the Qt tools come from the
PySide6 package (``PySide6/lrelease``, ``PySide6/lupdate``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from setuptools.command.build_py import build_py as _build_py

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"
UI_DIR = ROOT / "mailer_gui" / "ui"
# The core's operator messages: English templates marked with QT_TRANSLATE_NOOP.
CORE_MESSAGES = ROOT / "mailer_gui" / "core" / "messages_en.py"
_TOOL = "from PySide6.scripts.pyside_tool import {0}; {0}()"


def _qt_tool(name: str, args: list[str]) -> None:
    subprocess.run(
        [sys.executable, "-c", _TOOL.format(name), *args], check=True, stdout=subprocess.DEVNULL
    )


def compile_translations(out_dir: Path, ts_dir: Path = TS_DIR) -> list[Path]:
    """Compile every ``*.ts`` in ``ts_dir`` into ``out_dir``; returns the ``.qm`` paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for ts in sorted(ts_dir.glob("*.ts")):
        qm = out_dir / (ts.stem + ".qm")
        _qt_tool("lrelease", ["-silent", str(ts), "-qm", str(qm)])
        made.append(qm)
    return made


def update_sources(ts_dir: Path = TS_DIR, ui_dir: Path = UI_DIR) -> None:
    """Re-extract the strings of ``mailer_gui/ui/**/*.py`` and the core's message
    templates (``core/messages_en.py``) into every ``.ts`` (keeps translations)."""
    sources = [str(p) for p in sorted(ui_dir.rglob("*.py")) if p.name != Path(__file__).name]
    sources.append(str(CORE_MESSAGES))
    for ts in sorted(ts_dir.glob("*.ts")):
        _qt_tool("lupdate", ["-no-obsolete", "-locations", "none", *sources, "-ts", str(ts)])


class BuildPy(_build_py):
    """``build_py`` that also puts the compiled catalogues in the package."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            compile_translations(Path(self.build_lib) / "mailer_gui" / "translations")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--update", action="store_true", help="run lupdate before compiling")
    p.add_argument("--out", type=Path, default=TS_DIR, help="folder for the .qm files")
    args = p.parse_args(argv)
    if args.update:
        update_sources()
    for qm in compile_translations(args.out):
        print(qm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
