"""XLSX layout of a send report (openpyxl write-only: rows go straight to disk).

Campaign: a "Summary" sheet (summary, recipients by state, pause history)
and a "Recipients" sheet. Period: "Summary" (summary, sends by result),
"Daily", "Hourly" and "Sends". Row sheets have a frozen header, a filter and
fixed column widths (write-only mode cannot measure the cells afterwards).

Only openpyxl's public write-only API: ``Workbook(write_only=True)``,
``create_sheet``, ``append``, ``WriteOnlyCell`` for styled cells, and the
sheet's ``column_dimensions``, ``freeze_panes`` and ``auto_filter``, which a
write-only sheet takes as long as they are set before its first row.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.filters import AutoFilter

from mailer_gui.core.reports.data import CampaignReport
from mailer_gui.core.reports.summary import summary_sections
from mailer_gui.core.reports.table import Report, Section, xlsx_header

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
FIELD_WIDTH = 16


class _Sheet(Protocol):
    """What this module uses of a write-only sheet (``Workbook.create_sheet``
    is typed ``Any``, as it returns one of two sheet classes)."""

    freeze_panes: str | None

    @property
    def column_dimensions(self) -> DimensionHolder[str, ColumnDimension]: ...

    @property
    def auto_filter(self) -> AutoFilter: ...

    def append(self, row: list[Any]) -> None: ...


def _sheet(wb: Workbook, title: str) -> _Sheet:
    ws: _Sheet = wb.create_sheet(title)
    return ws


def _styled(ws: _Sheet, value: Any, font: Font | None = None) -> Cell:
    # The stubs ask for openpyxl's (private) sheet base class, which ``ws`` is.
    cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
    if font is not None:
        cell.font = font
    if hasattr(value, "hour"):
        cell.number_format = TIME_FORMAT
    elif hasattr(value, "day"):
        cell.number_format = DATE_FORMAT
    return cell


def _widths(ws: _Sheet, widths: Iterable[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _section(ws: _Sheet, section: Section, with_title: bool, none: str) -> None:
    if with_title:
        ws.append([_styled(ws, section.title, TITLE)])
    ws.append([_styled(ws, c, BOLD) for c in section.columns])
    for row in section.rows:
        ws.append([_styled(ws, v) for v in row])
    if not section.rows:
        ws.append([none])
    ws.append([])


def _table_sheet(wb: Workbook, title: str, section: Section, none: str) -> None:
    ws = _sheet(wb, title)
    _widths(ws, [20, 12, 14, 14, 14, 14])
    ws.freeze_panes = "A2"
    _section(ws, section, with_title=False, none=none)


def _summary_sheets(wb: Workbook, report: Report) -> None:
    sections = summary_sections(report)
    t = report.labels.t
    ws = _sheet(wb, t("Summary"))
    _widths(ws, [34, 40, 22, 16, 60])
    # Period: daily and hourly totals get sheets of their own.
    own_sheets = (
        dict(zip((t("Daily"), t("Hourly")), sections[2:4], strict=True))
        if not isinstance(report, CampaignReport)
        else {}
    )
    for section in sections:
        if section not in own_sheets.values():
            _section(ws, section, with_title=True, none=t("(none)"))
    for name, section in own_sheets.items():
        _table_sheet(wb, name, section, t("(none)"))


def _row_widths(report: Report) -> list[float]:
    if isinstance(report, CampaignReport):
        return [34, *([FIELD_WIDTH] * len(report.field_names)), 14, 20, 9, 40, 46, 60, 9]
    return [20, 12, 28, 14, 34, 16, 46, 60, 12, 12]


def write(report: Report, path: Path, rows: Iterable[list[Any]]) -> int:
    """Write the workbook to ``path``; ``rows`` is the row table (cancel/progress wired)."""
    wb = Workbook(write_only=True)
    try:
        return _fill(wb, report, path, rows)
    except BaseException:
        _discard(wb)
        raise


class _Nowhere:
    """A write-only file that keeps nothing (a cancelled workbook is saved here)."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


def _discard(wb: Workbook) -> None:
    """Delete openpyxl's temporary sheet files (cancel, error).

    A write-only sheet streams its rows into a temporary file that only
    ``save`` removes, so the unfinished workbook is saved into nothing. Should
    that fail too (the error broke a sheet's stream), openpyxl removes its
    temporary files when the process exits.
    """
    with suppress(Exception):
        wb.save(_Nowhere())


def _fill(wb: Workbook, report: Report, path: Path, rows: Iterable[list[Any]]) -> int:
    _summary_sheets(wb, report)
    cols = xlsx_header(report)
    t = report.labels.t
    ws = _sheet(wb, t("Recipients") if isinstance(report, CampaignReport) else t("Sends"))
    _widths(ws, _row_widths(report))
    ws.freeze_panes = "A2"
    ws.append([_styled(ws, c, BOLD) for c in cols])
    n = 0
    for row in rows:
        # Naive local datetimes get openpyxl's date-time format on their own.
        ws.append(row)
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
    wb.save(path)
    return n
