"""``python -m mailer_gui`` and the ``mailer-gui`` entry point.

With a command (``status``, ``run``, ``campaign`` ...) it is the headless CLI;
with none (or only GUI options such as ``--data-dir`` and ``--demo``) it
opens the window.
"""

from __future__ import annotations

import sys

# Options that belong to the window (with how many values each takes).
GUI_OPTIONS = {"--data-dir": 1, "--database-url": 1, "--demo": 0, "--smoke": 0}


def _wants_cli(argv: list[str]) -> bool:
    """A command word (``status``, ``run`` ...) or ``--help`` means the CLI.

    Decided without importing the CLI, which would cost the window's start-up.
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return True
        name = arg.split("=", 1)[0]
        if name in GUI_OPTIONS:
            i += 1 + (GUI_OPTIONS[name] if "=" not in arg else 0)
            continue
        if not arg.startswith("-"):
            return True
        i += 1
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_cli(argv):
        from mailer_gui.cli.main import main as cli_main

        return cli_main(argv)
    from mailer_gui.ui.window.app import main as gui_main

    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
