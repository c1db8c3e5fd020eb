"""Import wizard on the file shapes marketers get: cp1251 with ``;``."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from mailer_gui.core.content import campaigns
from mailer_gui.core.store.models import Recipient, Suppression
from mailer_gui.ui.dialogs.import_wizard import ImportWizard


def _campaign(ctx) -> int:
    with ctx.db.write() as s:
        cid = campaigns.create(
            s, "Promo", "Hi {{ first_name }}", "<p>Hi</p>", None, ctx.clock.now()
        ).id
        s.add(
            Suppression(
                email_norm="gone@example.org", reason="unsubscribed", added_at=ctx.clock.now()
            )
        )
    return cid


def _cp1251_file(folder: Path, n: int = 12) -> Path:
    lines = ["Эл. почта;Имя;Фамилия;Компания"]
    lines += [f"user{i}@example.org;Иван{i};Петров;ООО «Ромашка»" for i in range(n)]
    lines += [
        "не-адрес;Ольга;Сидорова;ИП",
        "USER1@Example.org;Дубль;Дублев;X",
        "gone@example.org;Ушёл;Ушедший;Y",
    ]
    path = folder / "клиенты.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def _statuses(ctx, cid) -> dict[str, int]:
    with ctx.db.read() as s:
        return dict(
            s.execute(
                select(Recipient.status, func.count())
                .where(Recipient.campaign_id == cid)
                .group_by(Recipient.status)
            ).all()
        )


def test_cp1251_semicolon_file_shows_the_right_counts(qtbot, ctx, tmp_path):
    cid = _campaign(ctx)
    wizard = ImportWizard(ctx, cid, _cp1251_file(tmp_path))
    qtbot.addWidget(wizard)
    fp = wizard.file_page
    assert fp.encoding.currentText() == "cp1251"
    assert fp.delimiter.currentData() == ";"
    assert fp.mapping["email"].currentData() == "Эл. почта"
    assert fp.mapping["first_name"].currentData() == "Имя"
    assert fp.preview_model.rowCount() == 15
    assert fp.preview_model.headerData(3, Qt.Orientation.Horizontal) == "Компания"
    assert fp.preview_model.rows()[0] == ["user0@example.org", "Иван0", "Петров", "ООО «Ромашка»"]
    assert wizard.import_button.isEnabled()

    with qtbot.waitSignal(wizard.imported, timeout=10_000) as got:
        wizard.start_import()
    result = got.args[0]
    assert (result.imported, result.invalid, result.duplicate, result.suppressed) == (12, 1, 1, 1)
    text = wizard.result_page.counts.text()
    assert "<b>12</b> imported" in text and "<b>1</b> invalid" in text
    assert "<b>1</b> duplicate" in text and "<b>1</b> on the suppression list" in text
    rejects = wizard.result_page.rejects_model.rows()
    assert [r[0] for r in rejects] == [14, 15]  # file rows of the bad address and the duplicate
    assert rejects[0][1] == "не-адрес"
    assert _statuses(ctx, cid) == {"pending": 12, "suppressed": 1}
    with ctx.db.read() as s:
        fields = s.scalar(select(Recipient.fields).where(Recipient.email == "user0@example.org"))
    assert fields["first_name"] == "Иван0" and fields["компания"] == "ООО «Ромашка»"

    out = wizard.export_rejects(tmp_path / "rejects.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "value", "reason"] and len(rows) == 3


def test_delimiter_override_and_missing_email_column(qtbot, ctx, tmp_path):
    cid = _campaign(ctx)
    wizard = ImportWizard(ctx, cid, _cp1251_file(tmp_path))
    qtbot.addWidget(wizard)
    fp = wizard.file_page
    fp.delimiter.setCurrentIndex(fp.delimiter.findData(","))
    fp.delimiter.activated.emit(fp.delimiter.currentIndex())
    assert fp.preview_model.columnCount() == 1  # read with "," the row is one cell
    fp.mapping["email"].setCurrentIndex(0)
    wizard.start_import()
    assert wizard.stack.currentIndex() == wizard.PAGE_FILE
    assert "email address" in fp.error.text()
    assert _statuses(ctx, cid) == {}


def test_cancel_leaves_nothing_behind(qtbot, ctx, tmp_path):
    cid = _campaign(ctx)
    path = tmp_path / "big.csv"
    path.write_text(
        "email;name\n" + "".join(f"u{i}@example.org;N{i}\n" for i in range(20_000)),
        encoding="utf-8",
    )
    wizard = ImportWizard(ctx, cid, path)
    qtbot.addWidget(wizard)
    wizard.start_import()
    assert wizard.stack.currentIndex() == wizard.PAGE_PROGRESS
    wizard.cancel_import()
    qtbot.waitUntil(lambda: not wizard.running, timeout=10_000)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == wizard.PAGE_FILE, timeout=5_000)
    assert "cancelled" in wizard.file_page.error.text()
    assert wizard.result is None
    assert _statuses(ctx, cid) == {}


def test_xlsx_sheet_choice(qtbot, ctx, tmp_path):
    from openpyxl import Workbook

    cid = _campaign(ctx)
    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    sheet = wb.create_sheet("Clients")
    sheet.append(["E-mail", "First name", "City"])
    for i in range(4):
        sheet.append([f"c{i}@example.org", f"Name{i}", "Kazan"])
    wb.save(tmp_path / "list.xlsx")
    wizard = ImportWizard(ctx, cid, tmp_path / "list.xlsx")
    qtbot.addWidget(wizard)
    fp = wizard.file_page
    assert fp.error.text().startswith("No column looks like an email address")
    fp.sheet.setCurrentText("Clients")
    fp.sheet.textActivated.emit("Clients")
    assert fp.error.isHidden()
    assert fp.chosen_mapping() == {"email": "E-mail", "first_name": "First name"}
    with qtbot.waitSignal(wizard.imported, timeout=10_000) as got:
        wizard.start_import()
    assert got.args[0].imported == 4
    assert _statuses(ctx, cid) == {"pending": 4}
