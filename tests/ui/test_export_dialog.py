"""The export dialog, for real: real widgets offscreen, a real database built by
the real engine and SMTP server, the export running in the pool thread."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from mailer_gui.ui.dialogs.export import ExportDialog

from ..conftest import make_campaign
from ..report_state import build_campaign, insert_recipients


class _UrlCatcher(QObject):
    """Receives file:// URLs through Qt's own handler hook instead of a file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def built(ctx, smtp_server, clock):
    return build_campaign(ctx, smtp_server, clock)


def _dialog(qtbot, ctx, campaign_id, out: Path, fmt: str = "csv") -> ExportDialog:
    dlg = ExportDialog(ctx, campaign_id)
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(out))
    dlg.format_combo.setCurrentIndex(dlg.format_combo.findData(fmt))
    dlg.show()
    return dlg


def test_campaign_export_then_open_folder(qtbot, ctx, built, tmp_path):
    dlg = _dialog(qtbot, ctx, built.campaign_id, tmp_path / "r.csv")
    dlg.delimiter_combo.setCurrentIndex(dlg.delimiter_combo.findData(";"))
    assert not dlg.open_folder_button.isEnabled()
    with qtbot.waitSignal(dlg.export_finished, timeout=15000) as sig:
        dlg.export_button.click()
        assert not dlg.export_button.isEnabled() and dlg.cancel_button.text() == "Cancel"
    assert sig.args == ["done"]
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == 7 and rows[0][0] == "address"
    assert "6 rows" in dlg.status_label.text()
    assert dlg.progress.value() == dlg.progress.maximum()
    assert dlg.open_folder_button.isEnabled() and dlg.cancel_button.text() == "Close"
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        dlg.open_folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(tmp_path)]


def test_format_choice_sets_suffix_and_separator(qtbot, ctx, built, tmp_path):
    dlg = _dialog(qtbot, ctx, built.campaign_id, tmp_path / "r.csv", fmt="xlsx")
    assert dlg.path_edit.text().endswith("r.xlsx") and not dlg.delimiter_combo.isEnabled()
    with qtbot.waitSignal(dlg.export_finished, timeout=15000):
        dlg.export_button.click()
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames == ["Summary", "Recipients"]
    dlg.format_combo.setCurrentIndex(dlg.format_combo.findData("pdf"))
    assert dlg.path_edit.text().endswith("r.pdf")
    with qtbot.waitSignal(dlg.export_finished, timeout=15000):
        dlg.export_button.click()
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "2 pages" in dlg.status_label.text()  # the definitions take a second page


def test_period_export_with_date_pickers(qtbot, ctx, built, tmp_path):
    dlg = _dialog(qtbot, ctx, None, tmp_path / "p.csv")
    # Defaults: from the first of the month to today (the simulated clock's day).
    assert dlg.from_edit.date().toPython() == date(2026, 11, 1)
    assert dlg.to_edit.date().toPython() == date(2026, 11, 25)
    with qtbot.waitSignal(dlg.export_finished, timeout=15000):
        dlg.export_button.click()
    rows = list(csv.reader((tmp_path / "p.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 1 + 6  # five campaign slots and the test send
    dlg.from_edit.setDate(dlg.to_edit.date().addDays(1))
    with qtbot.waitSignal(dlg.export_finished, timeout=15000) as sig:
        dlg.export_button.click()
    assert sig.args == ["failed"] and "before it starts" in dlg.status_label.text()


def test_cancel_stops_a_large_export_and_writes_nothing(qtbot, ctx, tmp_path):
    cid = make_campaign(ctx, 0, enqueue=False)
    insert_recipients(ctx, cid, 60_000)
    out = tmp_path / "big.xlsx"
    dlg = _dialog(qtbot, ctx, cid, out, fmt="xlsx")
    cancelled: list[int] = []

    def on_progress(value: int) -> None:
        if value and not cancelled:  # cancel once the first thousand rows are reported
            cancelled.append(value)
            dlg.cancel_button.click()

    dlg.progress.valueChanged.connect(on_progress)
    with qtbot.waitSignal(dlg.export_finished, timeout=60000) as sig:
        dlg.export_button.click()
    assert sig.args == ["cancelled"], dlg.status_label.text()
    assert cancelled and not out.exists() and list(tmp_path.glob("*big*")) == []
    assert "no file was written" in dlg.status_label.text()
    assert dlg.export_button.isEnabled() and not dlg.open_folder_button.isEnabled()


def test_missing_folder_is_reported_without_starting(qtbot, ctx, built, tmp_path):
    dlg = _dialog(qtbot, ctx, built.campaign_id, tmp_path / "nope" / "r.csv")
    dlg.export_button.click()
    assert dlg.task is None
    assert "is not a folder" in dlg.status_label.text()


def test_screenshot(qtbot, ctx, built, tmp_path):
    dlg = _dialog(qtbot, ctx, built.campaign_id, tmp_path / "r.csv")
    with qtbot.waitSignal(dlg.export_finished, timeout=15000):
        dlg.export_button.click()
    img = dlg.grab()
    assert img.width() >= 520 and img.save("/tmp/export_dialog.png")


def test_export_clicked_as_soon_as_the_last_one_finished_starts(
    qtbot, ctx, built, tmp_path, monkeypatch
):
    """The result reaches the dialog before the pool thread marks its task
    finished; an Export clicked in between must start, not be ignored. Here the
    pool thread marks it finished only once the test has clicked again."""
    import threading

    from mailer_gui.ui import background_task

    clicked = threading.Event()

    class LateEvent(threading.Event):
        def set(self) -> None:
            clicked.wait(30)
            super().set()

    original = background_task.BackgroundTask.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self.finished_event = LateEvent()

    monkeypatch.setattr(background_task.BackgroundTask, "__init__", init)
    dlg = _dialog(qtbot, ctx, None, tmp_path / "p.csv")
    with qtbot.waitSignal(dlg.export_finished, timeout=15000):
        dlg.export_button.click()
    dlg.from_edit.setDate(dlg.to_edit.date().addDays(1))
    with qtbot.waitSignal(dlg.export_finished, timeout=15000) as sig:
        dlg.export_button.click()
        clicked.set()
    assert sig.args == ["failed"] and "before it starts" in dlg.status_label.text()
