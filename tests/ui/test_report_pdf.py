"""The PDF send report (drawn with QPdfWriter): its text agrees with the
database, and its first page renders (poppler's pdftotext/pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import mailer_gui.qt.pdf  # noqa: F401  (registers "pdf")
from mailer_gui.core.reports.export import export_report
from mailer_gui.core.reports.formats import ExportRequest
from mailer_gui.core.store.models import Recipient, SlotReservation

from ..report_state import build_campaign

pytestmark = [
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdftoppm)"
    ),
    # pytest-qt's QApplication first: a bare QGuiApplication made by the exporter
    # would outlive this module and make later widget tests abort.
    pytest.mark.usefixtures("qapp"),
]


def _text(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


@pytest.fixture
def built(ctx, smtp_server, clock):
    return build_campaign(ctx, smtp_server, clock)


def test_campaign_pdf_text_agrees_with_the_database(ctx, built, tmp_path):
    cid = built.campaign_id
    out = tmp_path / "campaign.pdf"
    pages = export_report(ctx, ExportRequest(fmt="pdf", out=out, campaign_id=cid))
    assert pages == 2 and out.read_bytes().startswith(b"%PDF")
    lines = _text(out)
    with ctx.db.read() as s:
        db = dict(
            s.execute(
                select(Recipient.status, func.count())
                .where(Recipient.campaign_id == cid, Recipient.test_entry_id.is_(None))
                .group_by(Recipient.status)
            ).all()
        )
    assert lines[0] == "Send report: Spring promo"
    # state, recipients, test sends
    for state in ("sent", "failed", "uncertain", "suppressed"):
        test_n = 1 if state == "sent" else 0
        assert f"{state} {db[state]} {test_n}" in lines
    assert "total 6 1" in lines
    assert "Queue status Completed with errors" in lines
    assert "Duration (h:mm:ss) 2:00:00" in lines
    assert "Sent per hour, over elapsed time 1.5" in lines
    # The two pauses cover the whole run (the simulated sends take no time).
    assert "Sent per hour of active sending \u2014" in lines
    assert "Limits in force 2/hour, 15000/month (from 2026-11-25 10:00)" in lines
    pauses = [ln for ln in lines if ln.startswith("Hourly limit reached ")]
    assert pauses == [
        "Hourly limit reached 2026-11-25 10:00 2026-11-25 11:00 1:00:00 hourly limit reached: 2/2",
        "Hourly limit reached 2026-11-25 11:00 2026-11-25 12:00 1:00:00 hourly limit reached: 2/2",
    ]
    assert "Sends per hour" in lines and "hourly limit 2" in lines
    assert any(ln.startswith("25.11 10:00 25.11 11:00 25.11 12:00") for ln in lines)


def test_period_pdf_text_and_first_page_png(ctx, built, tmp_path):
    out = tmp_path / "period.pdf"
    pages = export_report(
        ctx, ExportRequest(fmt="pdf", out=out, start=date(2026, 11, 1), end=date(2026, 11, 30))
    )
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
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(png)], check=True
    )
    (first,) = tmp_path.glob("page*.png")
    from PySide6.QtGui import QImage

    img = QImage(str(first))
    assert (img.width(), img.height()) == (496, 702)  # A4 at 60 dpi
    # The chart's bars are drawn in blue: some pixels of that colour exist.
    blue = sum(
        1
        for y in range(0, img.height(), 3)
        for x in range(0, img.width(), 3)
        if img.pixelColor(x, y).name() == "#2e6da4"
    )
    assert blue > 100
    shutil.copy(first, "/tmp/report_period_page1.png")


def test_pdf_of_a_campaign_that_never_sent(ctx, tmp_path):
    from ..conftest import make_campaign

    cid = make_campaign(ctx, 3, enqueue=False, name="Draft")
    out = tmp_path / "draft.pdf"
    export_report(ctx, ExportRequest(fmt="pdf", out=out, campaign_id=cid))
    lines = _text(out)
    assert "Queue status never queued" in lines and "No sends." in lines
    assert "waiting 3 0" in lines
    assert "Limits in force nothing sent yet" in lines


def _png_pages(pdf: Path, name: str, dpi: int = 70) -> list[Path]:
    """Every page as PNG, kept in /tmp/shots for a person to look at."""
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(shots / name)], check=True)
    return sorted(shots.glob(f"{name}*.png"))


CODES = (
    "hourly_limit",
    "completed_with_errors",
    "outside_hours",
    "monthly_quota",
    "pending",
    "suppressed_",
    "never_queued",
    "smtp_",
)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pdf_cuts_nothing_and_shows_words_not_codes(ctx, built, tmp_path, language):
    """Issue 9 item 8: every table cell's text fits its column (measured with the
    font metrics it is drawn with), nothing is elided, and no code shows."""
    from mailer_gui.qt import pdf as report_pdf

    cid = built.campaign_id
    with ctx.db.write() as s:  # a long-running pause, as in "0:00:24 (ongoing)"
        from mailer_gui.core.sending import queue

        queue.enqueue(s, make_campaign_for_pause(ctx, s), ctx.clock.now())
    for name, req in (
        (
            "campaign",
            ExportRequest(fmt="pdf", out=tmp_path / "c.pdf", campaign_id=cid, language=language),
        ),
        (
            "period",
            ExportRequest(
                fmt="pdf",
                out=tmp_path / "p.pdf",
                start=date(2026, 11, 25),
                end=date(2026, 11, 26),
                language=language,
            ),
        ),
    ):
        export_report(ctx, req)
        cells = list(report_pdf.last_layout)
        assert cells
        for c in cells:
            assert "\u2026" not in "".join(c.lines)
            assert "".join(c.lines) == c.text, c.text
            for line in c.lines:
                assert c.metrics.horizontalAdvance(line.rstrip(" ")) <= c.width + 0.01, line
        text = "\n".join(_text(req.out))
        assert "\u2026" not in text
        for code in CODES:
            assert code not in text, (code, name)
        _png_pages(req.out, f"report-{name}-{language}")


def make_campaign_for_pause(ctx, s) -> int:
    from mailer_gui.core.content import campaigns

    c = campaigns.create(
        s,
        "A campaign with a rather long name that needs two lines in the title of its report",
        "Hi",
        "<p>x</p>",
        None,
        ctx.clock.now(),
    )
    campaigns.add_recipients(s, c.id, [(2, "late@example.org", {})])
    return c.id


def test_cli_writes_a_pdf(ctx, built, tmp_path, capsys):
    """``report --format pdf`` (moved here from tests/test_reports.py, which has
    the CLI's CSV and XLSX: the PDF is drawn with Qt)."""
    from mailer_gui.cli import main as cli

    assert (
        cli.main(
            [
                "--data-dir",
                str(ctx.data_dir),
                "report",
                "--from",
                "2026-11-25",
                "--to",
                "2026-11-25",
                "--format",
                "pdf",
                "--out",
                str(tmp_path / "p.pdf"),
            ]
        )
        == 0
    )
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    assert "report written" in capsys.readouterr().out
