"""Send reports as PDF, drawn with Qt's own QPdfWriter/QPainter (no extra
dependency), and the one export entry point for every format.

The PDF holds the summary, the pause history (or daily totals) and a chart
of sends per hour; the per-recipient rows belong in CSV/XLSX. It needs a
QGuiApplication: from the CLI one is made on the offscreen platform.
Painting on a QPdfWriter is allowed off the GUI thread, so the export
dialog runs this in its worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from .core.context import AppContext
from .core.report_formats import (
    Cancelled,
    ExportCancelled,
    ExportRequest,
    Progress,
    Report,
    Section,
    atomic_path,
    clean_text,
    open_report,
    summary_sections,
    write,
)
from .core.reports import CampaignReport, HourCount, ReportError

DPI = 300
_app: QGuiApplication | None = None


def ensure_gui_app() -> None:
    """Fonts and painting need a QGuiApplication; make an offscreen one if none."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["mailer-gui", "-platform", "offscreen"])


def pt(x: float) -> float:
    """Points (1/72 inch) to device units."""
    return x * DPI / 72


def cell_text(value: Any) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return clean_text(value, 300)


class _Page:
    """A cursor down A4 pages: ``ensure`` starts a new page when space runs out."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, footer: str) -> None:
        self.w, self.p, self.footer = writer, painter, footer
        rect = writer.pageLayout().paintRectPixels(DPI)
        self.width, self.bottom = float(rect.width()), float(rect.height()) - pt(28)
        self.y = 0.0
        self.page = 1
        self._footer()

    def font(self, size: float, bold: bool = False) -> QFontMetricsF:
        f = QFont("DejaVu Sans")
        f.setPointSizeF(size)
        f.setBold(bold)
        # No "fi"/"fl" ligatures: text copied from the report should match the data.
        f.setFeature(QFont.Tag("liga"), 0)
        self.p.setFont(f)
        return QFontMetricsF(f, self.w)

    def _footer(self) -> None:
        self.font(7.5)
        self.p.setPen(QColor("#666666"))
        self.p.drawText(QRectF(0, self.bottom + pt(10), self.width, pt(14)),
                        Qt.AlignmentFlag.AlignLeft, self.footer)
        self.p.drawText(QRectF(0, self.bottom + pt(10), self.width, pt(14)),
                        Qt.AlignmentFlag.AlignRight, f"page {self.page}")
        self.p.setPen(QColor("#000000"))

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.w.newPage()
            self.page += 1
            self.y = 0.0
            self._footer()

    def text(self, text: str, size: float, bold: bool = False, gap: float = 4) -> None:
        fm = self.font(size, bold)
        self.ensure(fm.height() + pt(gap))
        self.p.drawText(QPointF(0, self.y + fm.ascent()), text)
        self.y += fm.height() + pt(gap)


def _table(page: _Page, section: Section, widths: list[float]) -> None:
    page.text(section.title, 12, bold=True, gap=3)
    rows = section.rows or [["(none)"]]
    fm = page.font(9)
    line = fm.height() + pt(3)
    xs = [sum(widths[:i]) * page.width for i in range(len(widths))]
    for i, row in enumerate([list(section.columns), *rows]):
        page.ensure(line)
        page.font(9, bold=i == 0)
        if i == 0:
            page.p.fillRect(QRectF(0, page.y, page.width, line), QColor("#e8edf3"))
        for x, w, value in zip(xs, widths, row, strict=False):
            text = value if i == 0 else cell_text(value)
            shown = fm.elidedText(str(text), Qt.TextElideMode.ElideRight, w * page.width - pt(6))
            page.p.drawText(QPointF(x + pt(3), page.y + pt(1.5) + fm.ascent()), shown)
        page.y += line
    page.y += pt(10)


def _hours_axis(hours: tuple[HourCount, ...]) -> list[tuple[datetime, int]]:
    """Every hour from the first to the last send, with zeros between."""
    if not hours:
        return []
    got = {h.hour: h.sends for h in hours}
    out, t = [], hours[0].hour
    while t <= hours[-1].hour and len(out) < 24 * 400:
        out.append((t, got.get(t, 0)))
        t = (t + timedelta(hours=1)).astimezone(t.tzinfo)
    return out


def _chart(page: _Page, hours: tuple[HourCount, ...], limit: int) -> None:
    page.text("Sends per hour", 12, bold=True, gap=3)
    bars = _hours_axis(hours)
    height = pt(170)
    page.ensure(height + pt(40))
    if not bars:
        page.text("No sends.", 9)
        return
    p = page.p
    page.font(8)
    left, top = pt(34), page.y + pt(6)
    width, plot_h = page.width - left - pt(4), height - pt(30)
    top_value = max(limit, max(n for _, n in bars))
    base = top + plot_h
    p.setPen(QPen(QColor("#999999"), pt(0.5)))
    p.drawLine(QPointF(left, base), QPointF(left + width, base))
    for tick in sorted({0, top_value // 2, top_value}):
        y = base - plot_h * tick / top_value
        p.drawText(QRectF(0, y - pt(6), left - pt(4), pt(12)),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(tick))
    slot = width / len(bars)
    for i, (_, n) in enumerate(bars):
        if n:
            h = plot_h * n / top_value
            p.fillRect(QRectF(left + i * slot + slot * 0.1, base - h, max(slot * 0.8, pt(0.4)),
                              h), QColor("#c0392b") if n > limit else QColor("#2e6da4"))
    pen = QPen(QColor("#c0392b"), pt(0.8), Qt.PenStyle.DashLine)
    p.setPen(pen)
    ly = base - plot_h * limit / top_value
    p.drawLine(QPointF(left, ly), QPointF(left + width, ly))
    p.drawText(QPointF(left + pt(3), ly - pt(2)), f"hourly limit {limit}")
    p.setPen(QColor("#000000"))
    step = max(1, len(bars) // 6)
    for i in range(0, len(bars), step):
        label = bars[i][0].strftime("%d.%m %H:00")
        p.drawText(QRectF(left + i * slot - pt(30), base + pt(3), pt(60) + slot, pt(12)),
                   Qt.AlignmentFlag.AlignHCenter, label)
    page.y = base + pt(22)
    page.text(f"Messages handed to the server per hour (each counts against the limits), "
              f"local time ({bars[0][0].tzinfo}).", 7.5)


_WIDTHS = {
    "Summary": [0.38, 0.62],
    "Recipients by state": [0.4, 0.3, 0.3],
    "Pause history": [0.18, 0.19, 0.19, 0.16, 0.28],
    "Sends by result": [0.5, 0.5],
    "Daily totals": [0.2, 0.14, 0.16, 0.16, 0.18, 0.16],
}


def write_pdf(report: Report, out: Path, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> int:
    """Summary, pause history or daily totals, and the hourly chart; returns pages."""
    ensure_gui_app()
    s = report.summary
    if isinstance(report, CampaignReport):
        title = f"Send report: {clean_text(report.summary.name, 80)}"
    else:
        title = f"Send report: {report.summary.start} to {report.summary.end}"
    with atomic_path(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(DPI)
        writer.setTitle(title)
        writer.setCreator("Mailer desktop")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(16, 16, 16, 14), QPageLayout.Unit.Millimeter))
        painter = QPainter()
        if not painter.begin(writer):
            raise ReportError(f"cannot write a PDF to {out}")
        try:
            page = _Page(writer, painter, f"Mailer desktop \u00b7 times in {s.timezone}")
            page.text(title, 17, bold=True, gap=10)
            sections = summary_sections(report)
            for section in sections:
                if cancelled is not None and cancelled():
                    raise ExportCancelled("export cancelled")
                if section.title == "Hourly totals":
                    continue
                _table(page, section, _WIDTHS.get(section.title, [1.0]))
                if section.title in ("Recipients by state", "Sends by result"):
                    _chart(page, s.per_hour if isinstance(report, CampaignReport)
                           else report.summary.hours, s.hourly_limit)
        finally:
            painter.end()
        pages = page.page
    if progress is not None:
        progress(report.row_count, report.row_count)
    return pages


def export_report(ctx: AppContext, request: ExportRequest,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> int:
    """Export as the request says (CSV/XLSX through the core, PDF here).

    Returns the rows written (CSV/XLSX) or the pages drawn (PDF).
    """
    with open_report(ctx.db, request, ctx.clock.now()) as report:
        if request.fmt == "pdf":
            return write_pdf(report, request.out, progress, cancelled)
        return write(report, request, progress, cancelled)
