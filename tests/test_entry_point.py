"""``mailer-gui`` with a command is the CLI; with window options only, the app."""

from __future__ import annotations

import pytest

from mailer_gui.__main__ import _wants_cli


@pytest.mark.parametrize(
    "argv,cli",
    [
        ([], False),
        (["--demo"], False),
        (["--data-dir", "/tmp/x"], False),
        (["--data-dir", "status"], False),  # a folder named like a command
        (["--data-dir=/tmp/x", "--smoke"], False),
        (["status"], True),
        (["--data-dir", "/tmp/x", "run", "--until-idle"], True),
        (["--data-dir=/tmp/x", "campaign", "list"], True),
        (["--help"], True),
    ],
)
def test_dispatch(argv, cli):
    assert _wants_cli(argv) is cli
