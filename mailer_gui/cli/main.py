"""The headless front: the same core as the window, from a terminal.

Exit codes: 0 success, 2 usage error, 1 any other error (one line on stderr
saying what went wrong and how to fix it).

Each command group is a module of this package with ``register(subparsers)``,
which adds its parsers and sets ``func=handler(ctx, args) -> int`` on them:
``config``, ``campaign`` (and ``content``, which adds to that group), ``run``
(test-send, run, status), ``mailbox`` (inbox), ``report`` and ``app`` (smoke). This module only
builds the parser from them and runs the chosen handler.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from mailer_gui.cli import app, campaign, config, content, lists, mailbox, report, run
from mailer_gui.cli.common import UsageError
from mailer_gui.core.clock import Clock
from mailer_gui.core.context import (
    ENV_DATABASE_URL,
    default_database_url,
    default_log_dir,
    open_context,
)
from mailer_gui.core.errors import MailerError
from mailer_gui.core.store.db import lost_connection

log = logging.getLogger("mailer_gui.cli.main")
COMMAND_GROUPS = (config, campaign, run, content, lists, mailbox, report, app)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with one line
        self.exit(2, f"{self.prog}: usage error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mailer-gui", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        help="data folder (default: MAILER_GUI_HOME or the platform's user data folder)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="team mode: the PostgreSQL database, e.g. postgresql+psycopg://user@host:5432/mailer "
        f"(default: {ENV_DATABASE_URL}, else the SQLite file in the data folder); the password "
        "comes from `config database-password` (the keychain) or ~/.pgpass, never the URL",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for group in COMMAND_GROUPS:  # in this order: it is the order --help lists them
        group.register(sub)
    return parser


def main(
    argv: list[str] | None = None,
    *,
    allow_reserved_domains: bool = False,
    clock: Clock | None = None,
) -> int:
    """``allow_reserved_domains`` is for the test harness only (its SMTP server is
    local, like the demo's); the command line has no way to set it. ``clock``
    likewise (the team tests' laptop whose clock is wrong: tests/team_laptop.py);
    the command line uses the wall clock."""
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir) if args.data_dir else None
    url = args.database_url if args.database_url is not None else default_database_url()
    if getattr(args, "without_database", False):  # e.g. storing the database's password
        try:
            return int(args.func(url, args))
        except UsageError as exc:
            print(f"{parser.prog}: usage error: {exc} (see --help)", file=sys.stderr)
            return 2
        except MailerError as exc:
            print(f"mailer-gui: error: {exc}", file=sys.stderr)
            return 1
    try:
        ctx = open_context(
            data_dir, clock, allow_reserved_domains=allow_reserved_domains, database_url=url
        )
    except MailerError as exc:  # the database server down, refused, missing
        print(f"mailer-gui: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # unreadable folder, not a Mailer database...
        print(f"mailer-gui: error: cannot open the data folder: {exc}", file=sys.stderr)
        return 1
    logged = _start_log(data_dir)
    command = " ".join(str(w) for w in (args.command, getattr(args, "sub", None)) if w)
    log.info(
        "mailer-gui %s (data folder %s, %s database %s, pid %d)",
        command,
        ctx.data_dir,
        ctx.db.backend,
        ctx.db.where,
        os.getpid(),
    )
    try:
        code = int(args.func(ctx, args))
        log.info("mailer-gui %s: exit %d", command, code)
        if ctx.db.writes and ctx.feed is not None:
            # Team mode: a window on another laptop shows this change at once.
            ctx.emit("queue")
            ctx.emit("settings")
        return code
    except UsageError as exc:
        print(f"{parser.prog}: usage error: {exc} (see --help)", file=sys.stderr)
        log.warning("mailer-gui %s: usage error: %s", command, exc)
        return 2
    except (MailerError, ValueError) as exc:
        print(f"mailer-gui: error: {exc}", file=sys.stderr)
        log.warning("mailer-gui %s: error: %s", command, exc)
        return 1
    except Exception as exc:
        lost = lost_connection(ctx.db, exc)
        if lost is None:
            log.exception("mailer-gui %s: failed", command)
            raise
        print(f"mailer-gui: error: {lost}", file=sys.stderr)
        log.warning("mailer-gui %s: error: %s", command, lost)
        return 1
    finally:
        ctx.close()
        if logged:
            from mailer_gui.logsetup import stop_logging

            stop_logging()


def _start_log(data_dir: Path | None) -> bool:
    """Log to ``logs/`` in the data folder (README's table), redacted."""
    from mailer_gui.logsetup import setup_logging

    try:
        setup_logging(default_log_dir(data_dir))
    except OSError as exc:
        print(f"mailer-gui: warning: no log file ({exc})", file=sys.stderr)
        return False
    return True
