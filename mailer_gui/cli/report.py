"""``report``: send reports from the terminal.

    mailer-gui report ID --format csv|xlsx|pdf --out FILE [--delimiter ';'] [--fields a,b]
                     [--language en|ru]
    mailer-gui report --from 2026-11-01 --to 2026-11-30 --format xlsx --out nov.xlsx

Dates are local days in the settings' time zone, both ends included. The
format may be left out when the file name ends in .csv, .xlsx or .pdf.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from mailer_gui.core.context import AppContext
from mailer_gui.core.reports.data import ReportError
from mailer_gui.core.reports.export import export_report
from mailer_gui.core.reports.formats import DELIMITERS, FORMATS, ExportRequest
from mailer_gui.core.reports.labels import LANGUAGES


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _request(a: argparse.Namespace) -> ExportRequest:
    out = Path(a.out).expanduser()
    fmt = a.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ReportError(
            f"--format: cannot tell the format from {out.name!r}; add --format csv, xlsx or pdf"
        )
    fields = None
    if a.fields is not None:
        fields = tuple(f.strip() for f in a.fields.split(",") if f.strip())
    language = a.language
    if language is None:  # the app's language, as the window would use it
        from mailer_gui.cli.language import effective_language

        language = effective_language()
    return ExportRequest(
        fmt=fmt,
        out=out.resolve(),
        campaign_id=a.id,
        start=a.date_from,
        end=a.date_to,
        delimiter=a.delimiter,
        fields=fields,
        language=language,
    )


def cmd_report(ctx: AppContext, a: argparse.Namespace) -> int:
    request = _request(a)
    if request.fmt == "pdf":  # the PDF is drawn with Qt: load it only when asked
        import mailer_gui.qt.pdf  # noqa: F401  (registers "pdf")
    n = export_report(ctx, request)
    what = "page(s)" if request.fmt == "pdf" else "row(s)"
    print(f"report written: {request.out} ({n} {what})")
    return 0


def _checked(parser: argparse.ArgumentParser) -> Any:
    """The handler, after the checks argparse cannot express (usage errors exit 2)."""

    def handler(ctx: AppContext, a: argparse.Namespace) -> int:
        period = a.date_from is not None or a.date_to is not None
        if a.id is not None and period:
            parser.error("give a campaign ID or --from/--to, not both")
        if a.id is None and not (a.date_from and a.date_to):
            parser.error("give a campaign ID, or both --from and --to for a period report")
        return cmd_report(ctx, a)

    return handler


def register(sub: Any) -> None:
    """Add the ``report`` command (called by ``cli.build_parser``)."""
    p = sub.add_parser(
        "report",
        help="export a campaign or period send report",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("id", type=int, nargs="?", help="campaign id (`campaign list`)")
    p.add_argument(
        "--from",
        dest="date_from",
        type=_day,
        metavar="DATE",
        help="first day of the period, YYYY-MM-DD (settings' time zone)",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        type=_day,
        metavar="DATE",
        help="last day of the period, YYYY-MM-DD, included",
    )
    p.add_argument("--format", choices=FORMATS, help="default: from the --out file name")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument(
        "--delimiter",
        choices=DELIMITERS,
        default=",",
        help="CSV delimiter; ';' for locales where Excel expects it",
    )
    p.add_argument("--fields", help="personal fields to include, comma-separated (default: all)")
    p.add_argument(
        "--language", choices=LANGUAGES, help="words of the report (default: the app's language)"
    )
    p.set_defaults(func=_checked(p))
