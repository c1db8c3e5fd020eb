"""The layers hold (issue 10 item 3): import-linter's contracts in pyproject.toml
pass on the tree, and break when a module reaches across a layer (checked on a
copy of the package with one bad import added)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = (
    "The core imports no Qt and no front end",
    "The store imports nothing above it",
    "The window and the command line do not import each other",
    "Demo mode sits below the front ends",
    "The demo tools do not use the command line",
)


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} is missing: scripts/setup.sh --test installs import-linter")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_are_kept() -> None:
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in out.stdout, name


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/clock.py", "import PySide6.QtCore", CONTRACTS[0]),
        ("core/sending/limits.py", "import mailer_gui.ui.i18n", CONTRACTS[0]),
        ("core/store/models.py", "from mailer_gui.core import timefmt", CONTRACTS[1]),
        ("core/store/db.py", "import mailer_gui.core.sending.queue", CONTRACTS[1]),
        ("ui/icons.py", "import mailer_gui.cli.main", CONTRACTS[2]),
        ("cli/main.py", "import mailer_gui.ui.worker", CONTRACTS[2]),
        ("demo/mode.py", "import mailer_gui.ui.i18n", CONTRACTS[3]),
        ("demo/screenshots.py", "import mailer_gui.cli.main", CONTRACTS[4]),
    ],
)
def test_a_bad_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    shutil.copytree(
        ROOT / "mailer_gui",
        tmp_path / "mailer_gui",
        ignore=shutil.ignore_patterns("__pycache__", "resources", "*.qm"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "mailer_gui" / module).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{line}  # noqa: E402, F401\n")
    out = _lint(tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{broken} BROKEN" in out.stdout, out.stdout
