"""The shipped Russian catalogue: complete, placeholders intact, and really used.

The ``.ts`` is parsed as XML (what translators edit); the ``.qm`` is compiled
into a temporary folder by the same build step the wheel uses, so the test
does not depend on a stale build product in the checkout.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTranslator

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.ui.i18n_build import TS_DIR, compile_translations
from mailer_gui.ui.queue.panel import COL_REASON, COL_STATUS, QueuePanel
from mailer_gui.ui.queue.reasons import reason_text

from ..conftest import make_campaign

RU_TS = TS_DIR / "mailer_gui_ru.ts"
# {name} (str.format), %n (plural count), %1..%9 (QString::arg-style).
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}|%n|%[1-9]")
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")


def _messages() -> list[tuple[str, ET.Element]]:
    root = ET.parse(RU_TS).getroot()
    return [
        (ctx.findtext("name") or "", m) for ctx in root.iter("context") for m in ctx.iter("message")
    ]


def _translations(message: ET.Element) -> list[str]:
    """The translated text, or each plural form of a numerus entry."""
    tr = message.find("translation")
    assert tr is not None
    if message.get("numerus") == "yes":
        return [f.text or "" for f in tr.findall("numerusform")]
    return [tr.text or ""]


def _where(context: str, message: ET.Element) -> str:
    return f"{context}: {message.findtext('source')!r}"


@pytest.fixture(scope="module")
def ru_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qm")
    (qm,) = [p for p in compile_translations(out) if p.stem.endswith("_ru")]
    return qm


@pytest.fixture
def russian(ru_qm: Path) -> Iterator[QTranslator]:
    """Our Russian catalogue installed for one test, removed afterwards (the
    QApplication is shared by the whole run)."""
    tr = QTranslator()
    assert tr.load(str(ru_qm))
    QCoreApplication.installTranslator(tr)
    try:
        yield tr
    finally:
        QCoreApplication.removeTranslator(tr)


def test_the_ts_is_russian_and_has_entries():
    root = ET.parse(RU_TS).getroot()
    assert root.get("language") == "ru_RU"
    assert len(_messages()) > 300


def test_compiled_russian_catalogue_loads(ru_qm):
    tr = QTranslator()
    assert tr.load(str(ru_qm))
    assert not tr.isEmpty()
    assert tr.translate("SettingsDialog", "Settings") == "Настройки"


def test_no_entry_is_left_unfinished():
    left = [
        _where(c, m)
        for c, m in _messages()
        if m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not all(t.strip() for t in _translations(m))
    ]
    assert not left, f"{len(left)} untranslated: " + "; ".join(left[:20])


def test_numerus_entries_have_the_three_russian_forms():
    numerus = [(c, m) for c, m in _messages() if m.get("numerus") == "yes"]
    assert numerus
    for c, m in numerus:
        forms = _translations(m)
        assert len(forms) == 3, _where(c, m)
        assert all("%n" in f for f in forms), _where(c, m)


def test_every_translation_keeps_placeholders_tags_fields_and_accelerators():
    bad = []
    for c, m in _messages():
        src = m.findtext("source") or ""
        for text in _translations(m):
            if text == "":
                continue
            checks = (
                (Counter(PLACEHOLDER.findall(src)), Counter(PLACEHOLDER.findall(text))),
                (
                    Counter(t.split()[0].rstrip(">") for t in TAG.findall(src)),
                    Counter(t.split()[0].rstrip(">") for t in TAG.findall(text)),
                ),
                (src.count("{{"), text.count("{{")),
                (src.count("&"), text.count("&")),
                (src.count("\n"), text.count("\n")),
            )
            if any(a != b for a, b in checks):
                bad.append(f"{_where(c, m)} -> {text!r}")
    assert not bad, "\n".join(bad)


def test_queue_panel_shows_reasons_and_statuses_in_russian(qtbot, ctx, russian):
    now = ctx.clock.now()
    hourly = make_campaign(ctx, 2, name="A")
    paused = make_campaign(ctx, 2, name="B")
    with ctx.db.write() as s:
        queue.defer(s, queue.campaign_entry(s, hourly), "hourly_limit", now, now)
        queue.pause(s, paused, now)
        snap = snapshot.build(s, now)
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    panel.on_snapshot(snap)
    cells = {
        panel.model.entry(r).campaign_id: (
            panel.model.index(r, COL_STATUS).data(),
            panel.model.index(r, COL_REASON).data(),
            panel.model.index(r, COL_REASON).data(Qt.ItemDataRole.ToolTipRole),
        )
        for r in range(panel.model.rowCount())
    }
    assert cells[hourly][:2] == ("Ждёт", "Достигнут часовой лимит")
    assert "hourly_limit" in cells[hourly][2]  # the code stays in the tooltip
    assert cells[paused][:2] == ("Приостановлена", "Приостановлена вами")
    assert panel.model.headerData(COL_REASON, Qt.Orientation.Horizontal) == "Почему ждёт"
    assert reason_text("outside_hours") == "Вне рабочих часов"


def test_settings_dialog_and_editor_speak_russian(qtbot, ctx, tmp_path, russian):
    from mailer_gui.ui.dialogs.settings import SettingsDialog
    from mailer_gui.ui.editor.editor import CampaignEditor

    qsettings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Настройки"
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == [
        "Сервер",
        "Лимиты и рабочие часы",
        "Почтовый ящик",
        "Язык",
    ]
    assert dlg.test_button.text() == "Проверить подключение"

    editor = CampaignEditor(ctx)
    qtbot.addWidget(editor)
    assert editor.tabs.tabText(1) == "Получатели"
    assert editor.test_panel.button.text() == "Отправить тест"
    assert editor.enqueue_bar.button.text() == "Поставить в очередь"
    # Strings lupdate could miss (inside an f-string, behind a helper) are translated too.
    assert "Настройки…" in editor.sender.text()
    header: Any = editor.recipients.model.headerData
    assert header(2, Qt.Orientation.Horizontal) == "Состояние"


def test_no_self_tr_outside_a_qt_class() -> None:
    """``self.tr`` looks a string up under the instance's class name; ``lupdate``
    files it under the class it is written in. In a mixin (a class with no Qt
    base, e.g. ``editor/saving.py``) the two differ and the string would stay in
    English: such a class must spell out ``QCoreApplication.translate(...)``."""
    import ast

    ui = Path(__file__).resolve().parents[2] / "mailer_gui" / "ui"
    wrong = []
    for path in sorted(ui.rglob("*.py")):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            bases = [ast.unparse(b).split(".")[-1] for b in cls.bases]
            if any(b.startswith("Q") for b in bases):
                continue
            for node in ast.walk(cls):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "tr"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self"
                ):
                    wrong.append(f"{path.relative_to(ui)}:{node.lineno} ({cls.name})")
    assert not wrong, wrong
