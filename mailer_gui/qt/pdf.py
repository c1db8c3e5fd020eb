"""Send reports as PDF, drawn with Qt's own QPdfWriter/QPainter (no extra
dependency). Importing this module registers "pdf" with the core's export
entry point (``mailer_gui.core.reports.export``).

The PDF holds the summary, the pause history (or daily totals) and a chart
of sends per hour; the per-recipient rows belong in CSV/XLSX. It needs a
QGuiApplication: from the CLI one is made on the offscreen platform.
Painting on a QPdfWriter is allowed off the GUI thread, so the export
dialog runs this in its worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from mailer_gui.core.reports import export
from mailer_gui.core.reports.data import CampaignReport, HourCount, ReportError
from mailer_gui.core.reports.formats import (
    Cancelled,
    ExportCancelled,
    ExportRequest,
    Progress,
    atomic_path,
)
from mailer_gui.core.reports.summary import summary_sections
from mailer_gui.core.reports.table import Report, Section, clean_text
from mailer_gui.qt.pdf_page import DPI, CellLayout, Page, pt, wrap

_app: QGuiApplication | None = None


# The cells of the last PDF drawn (tests measure them against their columns).
last_layout: list[CellLayout] = []


def ensure_gui_app() -> None:
    """Fonts and painting need a QGuiApplication; make an offscreen one if none."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication(["mailer-gui", "-platform", "offscreen"])


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


def _table(page: Page, section: Section, widths: list[float]) -> None:
    page.text(section.title, 12, bold=True, gap=3)
    rows = section.rows or [[page.labels.t("(none)")]]
    pad = pt(3)
    xs = [sum(widths[:i]) * page.width for i in range(len(widths))]
    for i, row in enumerate([list(section.columns), *rows]):
        fm = page.font(9, bold=i == 0)
        line = fm.height()
        cells = []
        for w, value in zip(widths, row, strict=False):
            text = str(value) if i == 0 else cell_text(value)
            cell = CellLayout(
                text, wrap(fm, text, w * page.width - 2 * pad), w * page.width - 2 * pad, fm
            )
            cells.append(cell)
        height = max(len(c.lines) for c in cells) * line + pt(3)
        page.ensure(height)
        page.font(9, bold=i == 0)
        if i == 0:
            page.p.fillRect(QRectF(0, page.y, page.width, height), QColor("#e8edf3"))
        for x, cell in zip(xs, cells, strict=False):
            for k, text in enumerate(cell.lines):
                page.p.drawText(
                    QPointF(x + pad, page.y + pt(1.5) + k * line + fm.ascent()), text.rstrip(" ")
                )
        page.cells.extend(cells)
        page.y += height
    page.y += pt(10)


def _hours_axis(hours: tuple[HourCount, ...]) -> list[tuple[datetime, int]]:
    """Every hour from the first to the last send, with zeros between; the count
    is every slot of the hour (what the hourly limit counts)."""
    if not hours:
        return []
    got = {h.hour: h.total for h in hours}
    out, t = [], hours[0].hour
    while t <= hours[-1].hour and len(out) < 24 * 400:
        out.append((t, got.get(t, 0)))
        t = (t + timedelta(hours=1)).astimezone(t.tzinfo)
    return out


_OWN, _TEST, _OTHER, _OVER = (
    QColor("#2e6da4"),
    QColor("#8fb8de"),
    QColor("#b0b0b0"),
    QColor("#c0392b"),
)


def _chart(page: Page, hours: tuple[HourCount, ...], default_limit: int, campaign: bool) -> None:
    """Bars of every slot in each hour (what the hourly limit counts): the
    report's own sends, test sends and (campaign reports) other campaigns' sends
    stacked; a dashed step line at the hourly limit in force in that hour."""
    t = page.labels.t
    page.text(t("Sends per hour"), 12, bold=True, gap=3)
    bars = _hours_axis(hours)
    height = pt(170)
    page.ensure(height + pt(60))
    if not bars:
        page.text(t("No sends."), 9)
        return
    by_hour = {h.hour: h for h in hours}
    limits = _limits_axis(bars, by_hour, default_limit)
    page.font(8)
    left, top = pt(34), page.y + pt(6)
    width, plot_h = page.width - left - pt(4), height - pt(30)
    plot = _Plot(
        left=left,
        base=top + plot_h,
        width=width,
        height=plot_h,
        top_value=max(max(limits), max(n for _, n in bars)),
        slot=width / len(bars),
    )
    _chart_axis(page.p, plot)
    _chart_bars(page.p, plot, bars, by_hour, limits, campaign)
    _chart_limit_line(page, plot, limits)
    _chart_time_labels(page.p, plot, bars)
    page.y = plot.base + pt(18)
    fm = _chart_legend(page, campaign)
    for text in wrap(fm, t("CHART_NOTE", zone=str(bars[0][0].tzinfo)), page.width):
        page.text(text.rstrip(" "), 7.5, gap=1)
    page.y += pt(8)


@dataclass(frozen=True)
class _Plot:
    """The chart's frame (device units): where the value 0 is (``base``), the
    plot's height, the value at its top, and the width of one hour's slot."""

    left: float
    base: float
    width: float
    height: float
    top_value: int
    slot: float

    def y(self, value: float) -> float:
        return self.base - self.height * value / self.top_value


def _chart_axis(p: QPainter, plot: _Plot) -> None:
    p.setPen(QPen(QColor("#999999"), pt(0.5)))
    p.drawLine(QPointF(plot.left, plot.base), QPointF(plot.left + plot.width, plot.base))
    for tick in sorted({0, plot.top_value // 2, plot.top_value}):
        y = plot.y(tick)
        p.drawText(
            QRectF(0, y - pt(6), plot.left - pt(4), pt(12)),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(tick),
        )


def _chart_bars(
    p: QPainter,
    plot: _Plot,
    bars: list[tuple[datetime, int]],
    by_hour: dict[datetime, HourCount],
    limits: list[int],
    campaign: bool,
) -> None:
    left, slot, plot_h, top_value = plot.left, plot.slot, plot.height, plot.top_value
    for i, (hour, n) in enumerate(bars):
        h = by_hour.get(hour)
        if not n or h is None:
            continue
        over = n > limits[i]
        parts = [
            (h.sends if campaign else h.sends - h.test_sends, _OVER if over else _OWN),
            (h.test_sends, _TEST),
            (h.other_sends, _OTHER),
        ]
        y = plot.base
        for value, color in parts:
            if value > 0:
                bar_h = plot_h * value / top_value
                p.fillRect(
                    QRectF(
                        left + i * slot + slot * 0.1, y - bar_h, max(slot * 0.8, pt(0.4)), bar_h
                    ),
                    color,
                )
                y -= bar_h


def _chart_limit_line(page: Page, plot: _Plot, limits: list[int]) -> None:
    p, left, slot = page.p, plot.left, plot.slot
    p.setPen(QPen(_OVER, pt(0.8), Qt.PenStyle.DashLine))
    for i, limit in enumerate(limits):
        ly = plot.y(limit)
        p.drawLine(QPointF(left + i * slot, ly), QPointF(left + (i + 1) * slot, ly))
        if i + 1 < len(limits) and limits[i + 1] != limit:
            ny = plot.y(limits[i + 1])
            p.drawLine(QPointF(left + (i + 1) * slot, ly), QPointF(left + (i + 1) * slot, ny))
    first_y = plot.y(limits[0])
    p.drawText(
        QPointF(left + pt(3), first_y - pt(2)),
        page.labels.t("hourly limit {limit}", limit=limits[0]),
    )


def _chart_time_labels(p: QPainter, plot: _Plot, bars: list[tuple[datetime, int]]) -> None:
    p.setPen(QColor("#000000"))
    step = max(1, len(bars) // 6)
    for i in range(0, len(bars), step):
        label = bars[i][0].strftime("%d.%m %H:00")
        p.drawText(
            QRectF(
                plot.left + i * plot.slot - pt(30), plot.base + pt(3), pt(60) + plot.slot, pt(12)
            ),
            Qt.AlignmentFlag.AlignHCenter,
            label,
        )


def _chart_legend(page: Page, campaign: bool) -> QFontMetricsF:
    t, p = page.labels.t, page.p
    legend = [
        (_OWN, t("this campaign") if campaign else t("campaign sends")),
        (_TEST, t("its test sends") if campaign else t("test sends")),
    ]
    if campaign:
        legend.append((_OTHER, t("other sends")))
    fm = page.font(7.5)
    x = 0.0
    for color, name in legend:
        p.fillRect(QRectF(x, page.y + pt(2), pt(8), pt(6)), color)
        p.drawText(QPointF(x + pt(11), page.y + fm.ascent()), name)
        x += pt(11) + fm.horizontalAdvance(name) + pt(12)
    page.y += fm.height() + pt(4)
    return fm


def _limits_axis(
    bars: list[tuple[datetime, int]], by_hour: dict[datetime, HourCount], default: int
) -> list[int]:
    """The hourly limit in force for each bar: recorded with its sends, else the
    one before it (hours without sends keep the last), else the settings'."""
    out: list[int] = []
    last: int | None = None
    for hour, _ in bars:
        h = by_hour.get(hour)
        if h is not None and h.hourly_limit is not None:
            last = h.hourly_limit
        out.append(last if last is not None else default)
    return out


_WIDTHS = {  # by the number of columns
    2: [0.34, 0.66],
    3: [0.4, 0.3, 0.3],
    4: [0.1, 0.5, 0.22, 0.18],
    5: [0.22, 0.19, 0.19, 0.13, 0.27],
    6: [0.2, 0.14, 0.16, 0.16, 0.18, 0.16],
}


def write_pdf(
    report: Report, out: Path, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> int:
    """Summary, pause history or daily totals, and the hourly chart; returns pages."""
    ensure_gui_app()
    s = report.summary
    labels = report.labels
    title = _title(report)
    with atomic_path(out) as tmp:
        writer = _writer(tmp, title)
        painter = QPainter()
        if not painter.begin(writer):
            raise ReportError(f"cannot write a PDF to {out}")
        try:
            page = Page(
                writer,
                painter,
                labels.t("Mailer desktop \u00b7 times in {zone}", zone=s.timezone),
                labels,
            )
            _draw(page, report, title, cancelled)
        finally:
            painter.end()
        pages = page.page
        last_layout.clear()
        last_layout.extend(page.cells)
    if progress is not None:
        progress(report.row_count, report.row_count)
    return pages


def _title(report: Report) -> str:
    labels = report.labels
    if isinstance(report, CampaignReport):
        return labels.t("Send report: {name}", name=clean_text(report.summary.name, 80))
    return labels.t(
        "Send report: {start} to {end}", start=report.summary.start, end=report.summary.end
    )


def _writer(tmp: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("Mailer desktop")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(16, 16, 16, 14),
            QPageLayout.Unit.Millimeter,
        )
    )
    return writer


def _draw(page: Page, report: Report, title: str, cancelled: Cancelled | None) -> None:
    """The title, then each summary section; the chart after the limits."""
    s = report.summary
    fm = page.font(17, bold=True)
    for line in wrap(fm, title, page.width):
        page.text(line.rstrip(" "), 17, bold=True, gap=2)
    page.y += pt(8)
    sections = summary_sections(report)
    campaign = isinstance(report, CampaignReport)
    for i, section in enumerate(sections):
        if cancelled is not None and cancelled():
            raise ExportCancelled("export cancelled")
        if not campaign and i == 3:  # hourly totals: the chart shows them
            continue
        _table(page, section, _WIDTHS.get(len(section.columns), [1.0]))
        if (campaign and i == 2) or (not campaign and i == 1):
            _chart(
                page,
                s.per_hour if isinstance(report, CampaignReport) else report.summary.hours,
                s.hourly_limit,
                campaign,
            )


def _write_pdf(
    report: Report, request: ExportRequest, progress: Progress | None, cancelled: Cancelled | None
) -> int:
    return write_pdf(report, request.out, progress, cancelled)


export.register("pdf", _write_pdf, counts="pages")
