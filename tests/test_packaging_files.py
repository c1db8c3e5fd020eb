"""The packaging files are valid and consistent with each other and the app.

The bundle itself is built and smoke-tested by packaging/build.sh and
packaging/smoke.sh from .ci/run, not here (it takes minutes)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "mailer-gui.desktop"
METAINFO = PACKAGING / "io.github.mailer_gui.metainfo.xml"
ICONS = ROOT / "mailer_gui" / "resources" / "icons"
APP_ID = "io.github.mailer_gui"
SIZES = (16, 32, 48, 64, 128, 256)


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed (Debian package {package}); "
            f"`apt-get install {package}` to run this check"
        )
    return path


def test_desktop_file_validates() -> None:
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    out = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "error" not in out.stdout.lower(), out.stdout


def test_metainfo_validates() -> None:
    tool = _tool("appstreamcli", "appstream")
    out = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_desktop_metainfo_and_app_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Exec"] == "mailer-gui" and d["Icon"] == APP_ID
    assert entry["Desktop Action Demo"]["Exec"] == "mailer-gui --demo"
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.find("provides/binary").text == "mailer-gui"  # type: ignore[union-attr]
    versions = [r.get("version") for r in root.iter("release")]
    import mailer_gui

    assert versions[0] == mailer_gui.__version__
    # The app tells Wayland/X11 the same desktop file name (app.py).
    assert 'setDesktopFileName("mailer-gui")' in (
        ROOT / "mailer_gui" / "ui" / "window" / "app.py"
    ).read_text("utf-8")


def test_spec_bundles_what_the_app_looks_up() -> None:
    spec = (PACKAGING / "mailer-gui.spec").read_text("utf-8")
    # i18n.PACKAGE_QM_DIR, icons.ICON_DIR, db.MIGRATIONS_DIR
    for needle in (
        '"mailer_gui/translations"',
        '"mailer_gui/resources/icons"',
        'subdir="core/store/migrations"',
        'copy_metadata("mailer-gui")',
        'collect_submodules("mailer_gui"',
        '"mailer_gui/core/config"',  # presets.PRESETS_FILE
    ):
        assert needle in spec, needle
    # pip install . carries the presets too (package-data).
    assert '"core/config/presets.json"' in (ROOT / "pyproject.toml").read_text("utf-8")
    for script in ("build.sh", "smoke.sh"):
        assert os.access(PACKAGING / script, os.X_OK), f"{script} is not executable"


def test_cli_smoke_command_sends_through_the_demo_server(tmp_path: Path) -> None:
    """The self-check smoke.sh runs against the bundle, here from the sources."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MAILER_GUI_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "mailer_gui", "smoke", "--timeout", "30"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "main window shown" in out.stdout
    assert "test send through the engine caught as 0001.eml" in out.stdout


def test_cli_smoke_command_fails_with_a_reason(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MAILER_GUI_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "mailer_gui", "smoke", "--timeout", "0"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "smoke: FAILED: timed out after 0 s waiting for" in out.stderr
