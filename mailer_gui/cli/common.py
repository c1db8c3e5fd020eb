"""What the command modules share: the one-line error, reading a file, times."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from mailer_gui.core import timefmt
from mailer_gui.core.clock import utc
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError

Handler = Callable[[AppContext, argparse.Namespace], int]


class CliError(MailerError):
    """A one-line error for the operator."""


class UsageError(CliError):
    """A command line that does not say what to do (exit 2, as argparse's own)."""


def read_text_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"{what}: {path} does not exist") from None
    except UnicodeDecodeError:
        raise CliError(f"{what}: {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise CliError(f"{what}: cannot read {path}: {exc.strerror}") from None


def parse_time(value: str, what: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"{what}: {value!r} is not an ISO 8601 time, e.g. 2026-12-01T09:00:00+03:00"
        ) from None
    if dt.tzinfo is None:
        raise CliError(f"{what}: {value!r} has no UTC offset; add one, e.g. +03:00")
    return utc(dt)


def time_text(dt: datetime | None, zone: str) -> str:
    """A time for people (not ``--json``): in the settings' zone, labelled when
    the laptop's differs, e.g. ``2026-12-02 09:00 MSK``."""
    return timefmt.local_time(dt, zone, timefmt.FULL_FORMAT)
