"""scripts/setup.sh sets up only when something changed, and quietly;
scripts/start.sh speaks of a missing display only when it opens the window.

Run on a copy of the scripts in a fake checkout whose ``.venv/bin/python``
records its calls (so no real pip runs), with a ``dpkg-query`` that reports
every Debian package installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
[[ "${1:-}" == -c ]] || echo "$*" >> "$(dirname "$0")/../calls.txt"
if [[ "$*" == *"pip install"* && -n "${FAKE_PIP_FAILS:-}" ]]; then
  echo "ERROR: no matching distribution" >&2; exit 1
fi
if [[ "$*" == *"pip install"* ]]; then
  echo "  BuildBackendWarning: a long setuptools warning" >&2
fi
if [[ "$*" == *"mailer_gui.ui.i18n_build"* ]]; then
  for ts in resources/translations/*.ts; do : > "${ts%.ts}.qm"; done
fi
if [[ "${1:-}" == -c ]]; then  # start.sh asking the entry point's rule
  PYTHONPATH="{root}" exec "{python}" "$@"
fi
exit 0
"""

FAKE_APP = """#!/usr/bin/env bash
echo "app $* QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-}"
"""

FAKE_DPKG = """#!/usr/bin/env bash
shift 2
for p in "$@"; do echo "$p install ok installed"; done
"""


def _exe(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    co = tmp_path / "co"
    (co / "scripts").mkdir(parents=True)
    for name in ("setup.sh", "start.sh"):
        shutil.copy2(ROOT / "scripts" / name, co / "scripts" / name)
    shutil.copy2(ROOT / "pyproject.toml", co / "pyproject.toml")
    (co / "mailer_gui" / "ui").mkdir(parents=True)
    shutil.copy2(
        ROOT / "mailer_gui" / "ui" / "i18n_build.py", co / "mailer_gui" / "ui" / "i18n_build.py"
    )
    (co / "resources" / "translations").mkdir(parents=True)
    (co / "resources" / "translations" / "mailer_ru.ts").write_text("<TS/>")
    _exe(
        co / ".venv" / "bin" / "python",
        FAKE_PYTHON.replace("{root}", str(ROOT)).replace("{python}", sys.executable),
    )
    _exe(co / ".venv" / "bin" / "mailer-gui", FAKE_APP)
    _exe(tmp_path / "bin" / "dpkg-query", FAKE_DPKG)
    return co


def sh(co: Path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    base["PATH"] = f"{co.parent / 'bin'}:{base['PATH']}"
    return subprocess.run(
        [str(co / "scripts" / script), *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=60,
    )


def calls(co: Path) -> list[str]:
    f = co / ".venv" / "calls.txt"
    lines = f.read_text().splitlines() if f.exists() else []
    f.unlink(missing_ok=True)
    return lines


def test_second_call_runs_no_pip_and_prints_nothing(checkout):
    first = sh(checkout, "setup.sh")
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert len(first.stderr.splitlines()) == 1 and "Warning" not in first.stderr
    assert any("pip install" in c and "-e ." in c for c in calls(checkout))
    assert "BuildBackendWarning" in (checkout / ".venv" / "setup.log").read_text()

    again = sh(checkout, "setup.sh")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert calls(checkout) == []


def test_test_extras_need_their_own_setup_but_cover_the_app(checkout):
    sh(checkout, "setup.sh")
    calls(checkout)
    assert sh(checkout, "setup.sh", "--test").returncode == 0
    assert any("-e .[test]" in c for c in calls(checkout))
    assert sh(checkout, "setup.sh").stderr == ""
    assert sh(checkout, "setup.sh", "--test").stderr == ""
    assert calls(checkout) == []


@pytest.mark.parametrize("change", ["pyproject", "translation", "missing_qm", "force"])
def test_a_change_sets_up_again(checkout, change):
    sh(checkout, "setup.sh")
    calls(checkout)
    args: list[str] = []
    if change == "pyproject":
        with (checkout / "pyproject.toml").open("a") as f:
            f.write("\n# a new dependency\n")
    elif change == "translation":
        (checkout / "resources" / "translations" / "mailer_ru.ts").write_text("<TS>x</TS>")
    elif change == "missing_qm":
        (checkout / "resources" / "translations" / "mailer_ru.qm").unlink()
    else:
        args = ["--force"]
    assert sh(checkout, "setup.sh", *args).returncode == 0
    assert any("pip install" in c for c in calls(checkout))
    assert sh(checkout, "setup.sh").stderr == ""
    assert calls(checkout) == []


def test_a_failed_setup_shows_the_log_and_is_tried_again(checkout):
    bad = sh(checkout, "setup.sh", FAKE_PIP_FAILS="1")
    assert bad.returncode == 1
    assert "no matching distribution" in bad.stderr
    calls(checkout)
    good = sh(checkout, "setup.sh")
    assert good.returncode == 0
    assert any("pip install" in c for c in calls(checkout))


def test_start_speaks_of_the_display_only_before_opening_the_window(checkout):
    cli = sh(checkout, "start.sh", "--help")
    assert cli.returncode == 0
    assert "no display" not in cli.stderr
    assert cli.stdout.strip() == "app --help QT_QPA_PLATFORM=offscreen"
    window = sh(checkout, "start.sh")
    assert window.returncode == 0
    assert "no display found" in window.stderr
    assert window.stdout.strip() == "app --demo QT_QPA_PLATFORM=offscreen"
    shown = sh(checkout, "start.sh", DISPLAY=":0")
    assert "no display" not in shown.stderr
    assert shown.stdout.strip() == "app --demo QT_QPA_PLATFORM="
    data = sh(checkout, "start.sh", "--data-dir", "/tmp/x", "status")
    assert "no display" not in data.stderr


def test_licence_in_the_current_form():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "MIT"  # an SPDX string, not a table
    assert "setuptools>=77" in meta["build-system"]["requires"]  # reads that form


def test_zones_run_the_zone_sensitive_tests_west_and_east_of_utc(checkout):
    shutil.copy2(ROOT / "scripts" / "test.sh", checkout / "scripts" / "test.sh")
    (checkout / "tests").mkdir()
    for name in (
        "test_engine_basic",
        "test_lease",
        "test_processes",
        "test_simulation",
        "test_queue",
        "test_ui_only",
    ):
        (checkout / "tests" / f"{name}.py").write_text("")
    _exe(
        checkout / ".venv" / "bin" / "python",
        FAKE_PYTHON.replace("exit 0\n", 'echo "TZ=$TZ $*"\nexit 0\n', 1)
        .replace("{root}", str(ROOT))
        .replace("{python}", sys.executable),
    )
    out = sh(checkout, "test.sh", "--zones", "-x")
    assert out.returncode == 0, out.stderr
    runs = [line for line in out.stdout.splitlines() if "-m pytest" in line]
    assert [r.split()[0] for r in runs] == ["TZ=America/Los_Angeles", "TZ=Asia/Kolkata"]
    for r in runs:
        for name in (
            "test_engine_basic",
            "test_lease",
            "test_processes",
            "test_simulation",
            "test_queue",
        ):
            assert f"tests/{name}.py" in r
        assert "test_ui_only" not in r and r.endswith(" -x")
        assert "-p no:pytest-qt" in r  # core tests: one that imports Qt fails
    ci = (ROOT / ".ci" / "run").read_text()
    assert "TZ=UTC scripts/test.sh\n" in ci and "scripts/test.sh --zones" in ci
