"""``python -m mailer_gui`` and the ``mailer-gui`` entry point.

With a command (``status``, ``run``, ``campaign`` ...) it is the headless CLI;
with none (or only GUI options such as ``--data-dir`` and ``--demo``) it
opens the window.
"""

from __future__ import annotations

import sys


def _wants_cli(argv: list[str]) -> bool:
    from .cli import build_parser

    parser = build_parser()
    commands: set[str] = set()
    for action in parser._subparsers._group_actions if parser._subparsers else []:  # noqa: SLF001
        commands.update(getattr(action, "choices", {}) or {})
    return any(arg in commands for arg in argv) or any(a in ("-h", "--help") for a in argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_cli(argv):
        from .cli import main as cli_main

        return cli_main(argv)
    from .ui.app import main as gui_main

    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
