"""The layers: the front ends (``ui/``, ``cli/``) reach the database only through
named core functions, exports without a PDF load no Qt, and no two modules of
``mailer_gui`` import each other as they load.

The rule the front ends follow (README, "Architecture"): they may open a unit
of work (``with ctx.db.read()/write() as s:``) and hand ``s`` to core
functions, and read the rows those return; they never build a query, call a
Session method, or set a model's attribute.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONT_ENDS = ("mailer_gui/ui", "mailer_gui/cli")

# What SQL in a front end looks like (comments and docstrings are not exempt:
# a front end has no reason to spell SQL at all).
SQL_PATTERNS = {
    "imports sqlalchemy": re.compile(r"^\s*(?:from|import)\s+sqlalchemy\b", re.M),
    "builds a query": re.compile(
        r"(?<![.\w])(?<!def )(?:select|delete|update|insert|func\.\w+|text)\("
    ),
    "calls a Session method": re.compile(
        r"\b(?:s|session|ses)\.(?:get|add|add_all|delete|flush|execute|scalars?|query|merge"
        r"|commit|rollback|refresh|connection)\("
    ),
    "writes SQL": re.compile(r"json_each|json_extract|\bSELECT\s+\w|\bGROUP BY\b|\bWHERE\b"),
    "loads a model to change it": re.compile(
        r"from mailer_gui\.core\.store\.models import [^\n]*\b(?:Attachment|Recipient|"
        r"Notification|QueueEntry|SlotReservation|Setting)\b"
    ),
}


def sql_in_front_ends(root: Path) -> list[str]:
    """Every line of ``ui/`` and ``cli/`` under ``root`` that reaches past the core."""
    found = []
    for front in FRONT_ENDS:
        for path in sorted((root / front).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for what, pattern in SQL_PATTERNS.items():
                for m in pattern.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    found.append(f"{path.relative_to(root)}:{line}: {what}: {m.group(0)!r}")
    return found


def test_front_ends_run_no_sql():
    assert sql_in_front_ends(ROOT) == []


def test_the_scan_finds_sql(tmp_path):
    """The scan itself: each kind of reaching past the core is caught."""
    ui = tmp_path / "mailer_gui" / "ui"
    ui.mkdir(parents=True)
    (tmp_path / "mailer_gui" / "cli").mkdir()
    (ui / "bad.py").write_text(
        "from sqlalchemy import select\n"
        "from mailer_gui.core.store.models import Campaign, Recipient\n"
        "def load(s):\n"
        "    row = s.get(Campaign, 1)\n"
        "    n = s.scalar(select(func.count()))\n"
        "    names = s.scalars(text('SELECT key FROM json_each(fields)'))\n"
        "    def select(self): ...\n"  # a method of that name is fine
        "    self.list.select(3)\n",
        encoding="utf-8",
    )
    kinds = {line.split(": ")[1] for line in sql_in_front_ends(tmp_path)}
    assert kinds == set(SQL_PATTERNS)
    assert not any(":7:" in f or ":8:" in f for f in sql_in_front_ends(tmp_path))


def test_no_import_cycles():
    """``scripts/import_cycles.py``: no cycle, counting the imports inside functions."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_cycles.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (out.returncode, out.stdout) == (0, "")


def test_the_cycle_check_finds_a_cycle(tmp_path):
    pkg = tmp_path / "mailer_gui"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "a.py").write_text("from mailer_gui.core import b\n")
    (pkg / "core" / "b.py").write_text(
        "from mailer_gui.core.a import thing\ndef f():\n    from mailer_gui.core import c\n"
    )
    (pkg / "core" / "c.py").write_text("import mailer_gui.core.b\n")
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_cycles.py"), str(pkg)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    # b's import of c runs only when f() does: still a cycle.
    assert (
        out.stdout == "import cycle: mailer_gui.core.a <-> mailer_gui.core.b <-> "
        "mailer_gui.core.c\n"
    )
    loading = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_cycles.py"), "--load-time", str(pkg)],
        capture_output=True,
        text=True,
    )
    assert loading.stdout == "import cycle: mailer_gui.core.a <-> mailer_gui.core.b\n"


HEADLESS = """
import sys
from mailer_gui.cli.main import main
code = main(sys.argv[1:])
qt = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')
print('QT:' + ','.join(qt))
raise SystemExit(code)
"""


@pytest.fixture()
def report_data(tmp_path):
    """A data folder with one campaign of three recipients, made in a subprocess."""
    data = tmp_path / "data"
    setup = (
        "from mailer_gui.core.context import open_context\n"
        "from mailer_gui.core.content import campaigns\n"
        "from datetime import UTC, datetime\n"
        f"ctx = open_context({str(data)!r}, allow_reserved_domains=True)\n"
        "with ctx.db.write() as s:\n"
        "    c = campaigns.create(s, 'News', 'Hi', '<p>Hi</p>', None, datetime.now(UTC))\n"
        "    campaigns.add_recipients(s, c.id, [(2, 'a@example.com', {'n': '1'}),\n"
        "                                       (3, 'b@example.com', {'n': '2'})])\n"
        "print(c.id)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", setup], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return data, int(out.stdout.strip())


def _report(data: Path, cid: int, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": "/usr/bin:/bin",
        "HOME": str(data.parent),
        "XDG_CONFIG_HOME": str(data.parent / "config"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            HEADLESS,
            "--data-dir",
            str(data),
            "report",
            str(cid),
            "--out",
            str(out),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", [None, "ru"])
def test_headless_export_loads_no_qt(report_data, tmp_path, fmt, language):
    data, cid = report_data
    out = tmp_path / f"r.{fmt}"
    done = _report(data, cid, out, "--format", fmt, *(["--language", language] if language else []))
    assert done.returncode == 0, done.stderr
    assert f"report written: {out} (2 row(s))" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "QT:"  # no PySide6 module at all
    assert out.stat().st_size > 0


def test_pdf_export_still_draws_with_qt(report_data, tmp_path):
    data, cid = report_data
    out = tmp_path / "r.pdf"
    done = _report(data, cid, out)  # the format from the file name
    assert done.returncode == 0, done.stderr
    assert f"report written: {out} (1 page(s))" in done.stdout
    assert "PySide6.QtGui" in done.stdout.strip().splitlines()[-1]
    assert out.read_bytes().startswith(b"%PDF")


SAME_LANGUAGE = """
from mailer_gui.cli import language
from mailer_gui.ui import i18n
if CHOICE:
    i18n.set_language_choice(CHOICE)
print(language.effective_language(), i18n.effective_language())
"""


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="there the CLI asks Qt")
@pytest.mark.parametrize(
    ("choice", "env"),
    [
        ("", {"LANG": "ru_RU.UTF-8"}),
        ("", {"LANG": "en_US.UTF-8"}),
        ("", {"LANG": "C"}),
        ("", {}),
        ("", {"LANGUAGE": "de:ru", "LANG": "de_DE.UTF-8"}),
        ("", {"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}),
        ("", {"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}),
        ("ru", {"LANG": "en_US.UTF-8"}),
        ("en", {"LANG": "ru_RU.UTF-8"}),
        ("system", {"LANG": "ru_RU.UTF-8"}),
    ],
)
def test_the_terminal_reads_the_language_as_the_window_does(tmp_path, choice, env):
    """``cli.language`` (no Qt) gives the language ``ui.i18n`` (Qt) gives."""
    run_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", f"CHOICE = {choice!r}\n" + SAME_LANGUAGE],
        capture_output=True,
        text=True,
        env=run_env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    ours, qts = out.stdout.split()
    assert ours == qts
