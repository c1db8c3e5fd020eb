"""The one export entry point, and the registry of the formats it writes.

The core registers ``csv`` and ``xlsx`` here. The PDF is drawn with Qt, so its
writer lives in the Qt front end (``mailer_gui.qt.pdf``), which
registers ``pdf`` when it is imported: a headless ``report --format csv`` never
loads Qt, and asking for a format nobody registered is a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mailer_gui.core.context import AppContext
from mailer_gui.core.reports.data import ReportError
from mailer_gui.core.reports.formats import (
    Cancelled,
    ExportRequest,
    Progress,
    open_report,
    write_csv,
    write_xlsx,
)
from mailer_gui.core.reports.table import Report

# (report, request, progress, cancelled) -> rows written or pages drawn
WriterFn = Callable[[Report, ExportRequest, Progress | None, Cancelled | None], int]


@dataclass(frozen=True)
class Writer:
    fmt: str
    write: WriterFn
    counts: str  # what the returned number counts: "rows" or "pages"


_WRITERS: dict[str, Writer] = {}
# Formats whose writer lives outside the core, and where it is.
_PROVIDED_BY = {"pdf": "mailer_gui.qt.pdf (the Qt front end)"}


def register(fmt: str, write: WriterFn, counts: str = "rows") -> None:
    """Make ``fmt`` exportable with ``write`` (registering it again replaces it)."""
    _WRITERS[fmt] = Writer(fmt, write, counts)


def registered() -> tuple[str, ...]:
    return tuple(_WRITERS)


def writer_for(fmt: str) -> Writer:
    try:
        return _WRITERS[fmt]
    except KeyError:
        where = _PROVIDED_BY.get(fmt)
        hint = (
            f"its writer is in {where}, which is not loaded"
            if where
            else f"the formats are {', '.join(_WRITERS)}"
        )
        raise ReportError(f"format {fmt!r} cannot be written here: {hint}") from None


def export_report(
    ctx: AppContext,
    request: ExportRequest,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Export as the request says, with the writer registered for its format.

    Returns the rows written (CSV/XLSX) or the pages drawn (PDF).
    """
    request.validate()
    writer = writer_for(request.fmt)
    with open_report(ctx.db, request, ctx.clock.now()) as report:
        return writer.write(report, request, progress, cancelled)


register(
    "csv",
    lambda report, req, progress, cancelled: write_csv(
        report, req.out, req.delimiter, progress, cancelled
    ),
)
register(
    "xlsx",
    lambda report, req, progress, cancelled: write_xlsx(report, req.out, progress, cancelled),
)
