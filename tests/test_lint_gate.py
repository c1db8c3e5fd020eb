"""scripts/lint.sh, the gate CI runs before the tests (issue 10 item 5): quiet
when every tool passes; otherwise each failing tool's words and exit 1, every
step run. On a fake checkout whose tools record their calls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .test_setup_script import ROOT, _exe, sh
from .test_setup_script import checkout as checkout  # the fake checkout, a fixture

FAKE_TOOL = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$(dirname "$0")/../tools.txt"
if [[ " ${FAILING:-} " == *" $(basename "$0") "* ]]; then
  echo "$(basename "$0") found a problem in core/x.py"; exit 1
fi
exit 0
"""

TOOLS = ("ruff", "mypy", "lint-imports")


def _gate(co: Path) -> Path:
    shutil.copy2(ROOT / "scripts" / "lint.sh", co / "scripts" / "lint.sh")
    for tool in TOOLS:
        _exe(co / ".venv" / "bin" / tool, FAKE_TOOL)
    sh(co, "setup.sh", "--test")  # the first set-up; lint.sh's own call is then silent
    return co / ".venv" / "tools.txt"


def test_quiet_when_every_tool_passes(request: pytest.FixtureRequest) -> None:
    checkout = request.getfixturevalue("checkout")
    calls = _gate(checkout)
    out = sh(checkout, "lint.sh")
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert [c.strip() for c in calls.read_text().splitlines()] == [
        "ruff check --quiet --output-format concise .",
        "ruff format --check --output-format concise .",
        "mypy --strict",
        "lint-imports",
    ]


def test_each_failing_tool_is_shown_and_every_step_runs(request: pytest.FixtureRequest) -> None:
    checkout = request.getfixturevalue("checkout")
    calls = _gate(checkout)
    out = sh(checkout, "lint.sh", FAILING="mypy lint-imports")
    assert out.returncode == 1
    assert "lint.sh: mypy --strict (core) failed" in out.stderr
    assert "mypy found a problem in core/x.py" in out.stderr
    assert "lint.sh: import-linter failed" in out.stderr
    assert "lint-imports found a problem" in out.stderr
    assert "ruff" not in out.stderr.replace(".venv/bin/ruff", "")
    assert len(calls.read_text().splitlines()) == 4


def test_ci_runs_the_gate_before_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("\nscripts/lint.sh") < ci.index("\nTZ=UTC scripts/test.sh")


def test_the_gate_tools_are_test_extras() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    names = {e.split(">")[0].split("<")[0].split("=")[0] for e in extras}
    assert {"ruff", "mypy", "types-openpyxl", "import-linter"} <= names
