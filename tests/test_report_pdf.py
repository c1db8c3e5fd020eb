"""The PDF send report (drawn with QPdfWriter): its text agrees with the
database, and its first page renders (poppler's pdftotext/pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mailer_gui.core.models import Recipient, SlotReservation
from mailer_gui.core.report_formats import ExportRequest
from mailer_gui.report_pdf import export_report

from .report_state import build_campaign

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="needs poppler-utils (pdftotext, pdftoppm)"),
    # pytest-qt's QApplication first: a bare QGuiApplication made by the exporter
    # would outlive this module and make later widget tests abort.
    pytest.mark.usefixtures("qapp"),
]


def _text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


@pytest.fixture
def built(ctx, smtp_server, clock):
    return build_campaign(ctx, smtp_server, clock)


def test_campaign_pdf_text_agrees_with_the_database(ctx, built, tmp_path):
    cid = built.campaign_id
    out = tmp_path / "campaign.pdf"
    pages = export_report(ctx, ExportRequest(fmt="pdf", out=out, campaign_id=cid))
    assert pages == 1 and out.read_bytes().startswith(b"%PDF")
    lines = _text(out)
    with ctx.db.read() as s:
        db = dict(s.execute(select(Recipient.status, func.count())
                            .where(Recipient.campaign_id == cid,
                                   Recipient.test_entry_id.is_(None))
                            .group_by(Recipient.status)).all())
    assert lines[0] == "Send report: Spring promo"
    # state, recipients, test sends
    for state in ("sent", "failed", "uncertain", "suppressed"):
        test_n = 1 if state == "sent" else 0
        assert f"{state} {db[state]} {test_n}" in lines
    assert "total 6 1" in lines
    assert "Queue status completed_with_errors" in lines
    assert "Duration (h:mm:ss) 2:00:00" in lines and "Average rate (sent per hour) 1.5" in lines
    pauses = [ln for ln in lines if ln.startswith("hourly_limit ")]
    assert pauses == [
        "hourly_limit 2026-11-25 10:00 2026-11-25 11:00 1:00:00 hourly limit reached: 2/2",
        "hourly_limit 2026-11-25 11:00 2026-11-25 12:00 1:00:00 hourly limit reached: 2/2"]
    assert "Sends per hour" in lines and "hourly limit 2" in lines
    assert any(ln.startswith("25.11 10:00 25.11 11:00 25.11 12:00") for ln in lines)


def test_period_pdf_text_and_first_page_png(ctx, built, tmp_path):
    out = tmp_path / "period.pdf"
    pages = export_report(ctx, ExportRequest(fmt="pdf", out=out, start=date(2026, 11, 1),
                                             end=date(2026, 11, 30)))
    assert pages == 2  # thirty daily rows do not fit under the chart
    lines = _text(out)
    with ctx.db.read() as s:
        ledger = s.scalar(select(func.count()).select_from(SlotReservation))
    assert lines[0] == "Send report: 2026-11-01 to 2026-11-30"
    assert f"Sends (slots the provider counts) {ledger}" in lines
    assert "of which test sends 1" in lines and "Hours over the hourly limit 0" in lines
    assert "2026-11-25 6 2 2 6 15000" in lines
    assert "2026-11-30 0 0 2 6 15000" in lines
    assert "page 2" in " ".join(lines)
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(png)],
                   check=True)
    (first,) = tmp_path.glob("page*.png")
    from PySide6.QtGui import QImage

    img = QImage(str(first))
    assert (img.width(), img.height()) == (496, 702)  # A4 at 60 dpi
    # The chart's bars are drawn in blue: some pixels of that colour exist.
    blue = sum(1 for y in range(0, img.height(), 3) for x in range(0, img.width(), 3)
               if img.pixelColor(x, y).name() == "#2e6da4")
    assert blue > 100
    shutil.copy(first, "/tmp/report_period_page1.png")


def test_pdf_of_a_campaign_that_never_sent(ctx, tmp_path):
    from .conftest import make_campaign

    cid = make_campaign(ctx, 3, enqueue=False, name="Draft")
    out = tmp_path / "draft.pdf"
    export_report(ctx, ExportRequest(fmt="pdf", out=out, campaign_id=cid))
    lines = _text(out)
    assert "Queue status never queued" in lines and "No sends." in lines
    assert "pending 3 0" in lines
