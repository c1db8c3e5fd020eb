"""The page primitives of the PDF report: device units (``pt``), the page cursor
(``Page``: fonts, the footer, new pages when space runs out) and word wrapping."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPdfWriter

from mailer_gui.core.reports.labels import Labels

DPI = 300


@dataclass
class CellLayout:
    """One table cell as drawn: its text, the lines it was wrapped into, and the
    width available (device units). Kept so tests can check nothing is cut."""

    text: str
    lines: list[str]
    width: float
    metrics: QFontMetricsF


def pt(x: float) -> float:
    """Points (1/72 inch) to device units."""
    return x * DPI / 72


class Page:
    """A cursor down A4 pages: ``ensure`` starts a new page when space runs out."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, footer: str, labels: Labels) -> None:
        self.w, self.p, self.footer, self.labels = writer, painter, footer, labels
        rect = writer.pageLayout().paintRectPixels(DPI)
        self.width, self.bottom = float(rect.width()), float(rect.height()) - pt(28)
        self.y = 0.0
        self.page = 1
        self.cells: list[CellLayout] = []
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
        self.p.drawText(
            QRectF(0, self.bottom + pt(10), self.width, pt(14)),
            Qt.AlignmentFlag.AlignLeft,
            self.footer,
        )
        self.p.drawText(
            QRectF(0, self.bottom + pt(10), self.width, pt(14)),
            Qt.AlignmentFlag.AlignRight,
            self.labels.t("page {n}", n=self.page),
        )
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


def wrap(fm: QFontMetricsF, text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``: broken at spaces, a word too long
    for a line broken between characters. Nothing is dropped: the lines joined
    (with the spaces they were broken at) give the text back."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for word in para.split(" "):
            candidate = word if not current else f"{current} {word}"
            if fm.horizontalAdvance(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current + " ")
            current = word
            while fm.horizontalAdvance(current) > width and len(current) > 1:
                cut = len(current) - 1
                while cut > 1 and fm.horizontalAdvance(current[:cut]) > width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines
