"""CSV and XLSX writers for send reports, and what every export asks for.

The cells come from :mod:`~mailer_gui.core.reports.table` (untrusted text made
safe there). Files are written next to the target and renamed into place at
the end, so a cancelled or failed export leaves no half file. The one entry
point for every format is :func:`mailer_gui.core.reports.export.export_report`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.campaign import campaign_report
from mailer_gui.core.reports.data import CampaignReport, ReportError
from mailer_gui.core.reports.labels import LANGUAGES, Labels
from mailer_gui.core.reports.period import period_report
from mailer_gui.core.reports.table import Report, campaign_csv_rows, header, table_rows
from mailer_gui.core.store.db import Database

FORMATS = ("csv", "xlsx", "pdf")
DELIMITERS = (",", ";")
PROGRESS_EVERY = 1000
T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelled(MailerError):
    """The operator cancelled the export; no file was written."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a campaign (``campaign_id``) or local days ``start``..``end``."""

    fmt: str
    out: Path
    campaign_id: int | None = None
    start: date | None = None
    end: date | None = None
    delimiter: str = ","
    fields: tuple[str, ...] | None = None
    language: str = "en"  # the words of the report (``labels.LANGUAGES``)

    def validate(self) -> None:
        if self.fmt not in FORMATS:
            raise ReportError(f"format {self.fmt!r}: choose one of {', '.join(FORMATS)}")
        if self.language not in LANGUAGES:
            raise ReportError(f"language {self.language!r}: choose one of {', '.join(LANGUAGES)}")
        if self.delimiter not in DELIMITERS:
            raise ReportError(f"delimiter {self.delimiter!r}: choose ',' or ';'")
        if (self.campaign_id is None) == (self.start is None or self.end is None):
            raise ReportError("give either a campaign id or a period (from and to dates)")
        if not Path(self.out).parent.is_dir():
            raise ReportError(f"{Path(self.out).parent} is not a folder; choose where to save")


@contextmanager
def open_report(db: Database, request: ExportRequest, now: datetime) -> Iterator[Report]:
    """The campaign or period report the request asks for (see ``reports``)."""
    request.validate()
    labels = Labels(request.language)
    if request.campaign_id is not None:
        with campaign_report(db, request.campaign_id, now, request.fields, labels) as rep:
            yield rep
    else:
        assert request.start is not None and request.end is not None
        with period_report(db, request.start, request.end, now, labels) as prep:
            yield prep


def chunked(
    rows: Iterator[T], total: int, progress: Progress | None, cancelled: Cancelled | None
) -> Iterator[list[T]]:
    """Rows in lists of ``PROGRESS_EVERY``, honouring cancel and reporting progress
    between lists (bounded memory; writers hand each list to C in one call)."""
    done = 0
    while True:
        if cancelled is not None and cancelled():
            raise ExportCancelled("export cancelled")
        chunk = list(islice(rows, PROGRESS_EVERY))
        if not chunk:
            break
        yield chunk
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    if progress is not None and done == 0:
        progress(0, total)


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed to ``out`` only on success."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        yield tmp
        os.replace(tmp, out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


# ------------------------------------------------------------------ writers


def write_csv(
    report: Report,
    out: Path,
    delimiter: str = ",",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """The row table as CSV (UTF-8 with BOM so Excel opens it); returns the row count."""
    n = 0
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header(report))
        if isinstance(report, CampaignReport):
            # Finished lines (text) and rows for the writer, kept in order.
            for items in chunked(
                campaign_csv_rows(report, delimiter), report.row_count, progress, cancelled
            ):
                lines: list[str] = []
                for item in items:
                    if type(item) is str:
                        lines.append(item)
                    else:
                        fh.write("".join(lines))
                        lines.clear()
                        w.writerow(item)
                fh.write("".join(lines))
                n += len(items)
            return n
        for chunk in chunked(
            table_rows(report, as_text=True), report.row_count, progress, cancelled
        ):
            w.writerows(chunk)
            n += len(chunk)
    return n


def write_xlsx(
    report: Report, out: Path, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> int:
    """Summary sheet(s) and a row sheet, openpyxl write-only; returns the row count."""
    from mailer_gui.core.reports import xlsx as report_xlsx

    with atomic_path(out) as tmp:
        rows = chunked(table_rows(report, as_text=False), report.row_count, progress, cancelled)
        return report_xlsx.write(report, tmp, (row for chunk in rows for row in chunk))


def write(
    report: Report,
    request: ExportRequest,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Write ``report`` as ``request.fmt`` (csv or xlsx); returns the row count."""
    if request.fmt == "csv":
        return write_csv(report, request.out, request.delimiter, progress, cancelled)
    if request.fmt == "xlsx":
        return write_xlsx(report, request.out, progress, cancelled)
    raise ReportError(f"{request.fmt}: the core writes csv and xlsx; PDF needs the Qt front")
