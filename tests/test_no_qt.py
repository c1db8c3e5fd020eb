"""The tests outside tests/ui import no Qt (issue 10 item 7).

pytest-qt imports PySide6 when it loads, so these run pytest in a subprocess
without it (``-p no:pytest-qt``): every core test module must collect, and a
few must run, with PySide6 never imported. ``tests/conftest.py`` makes such a
run fail a test that imports PySide6, naming it; CI's runs in other time zones
(``scripts/test.sh --zones``) run their files the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run in full: the CLI (where a lazy Qt import would hide) and the queue.
RUN = ("tests/test_cli.py", "tests/test_queue.py")


def _pytest(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:pytest-qt",
            "-p",
            "no:cacheprovider",
            "-q",
            "-W",
            "ignore::pytest.PytestConfigWarning",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _said(out: subprocess.CompletedProcess[str]) -> str:
    return (out.stdout[-4000:] + out.stderr[-4000:]).strip()


def test_core_tests_collect_without_qt() -> None:
    out = _pytest("--collect-only", "tests", "--ignore=tests/ui")
    assert out.returncode == 0, _said(out)
    assert " collected" in out.stdout or "tests collected" in out.stdout, _said(out)


def test_core_tests_run_without_qt() -> None:
    # On SQLite only: whether Qt is imported does not depend on the database.
    out = _pytest(*RUN, "-k", "not postgresql")
    assert out.returncode == 0, _said(out)


def test_a_core_test_that_imports_qt_fails(tmp_path: Path) -> None:
    """The guard itself: tests/conftest.py's hooks, loaded as a plugin into a
    run of two throwaway tests, fail the one that imports PySide6."""
    (tmp_path / "test_throwaway.py").write_text(
        "def test_plain():\n    assert True\n\n\n"
        "def test_imports_qt():\n    import PySide6.QtCore  # noqa: F401\n",
        "utf-8",
    )
    out = _pytest(
        "-p", "tests.conftest", "--rootdir", str(tmp_path), str(tmp_path / "test_throwaway.py")
    )
    assert out.returncode == 1, _said(out)
    assert "1 failed, 1 passed" in out.stdout, _said(out)
    assert "test_imports_qt imported PySide6; Qt tests live in tests/ui" in out.stdout


def test_a_core_module_that_imports_qt_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "test_throwaway.py").write_text(
        "import PySide6.QtCore  # noqa: F401\n\n\ndef test_plain():\n    assert True\n", "utf-8"
    )
    out = _pytest(
        "-p", "tests.conftest", "--rootdir", str(tmp_path), str(tmp_path / "test_throwaway.py")
    )
    assert out.returncode != 0 and "PySide6 was imported while collecting" in _said(out)
