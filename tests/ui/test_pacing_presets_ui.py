"""Even pacing and provider presets in the window: the queue's "Sending · next
in 00:30", the Settings preset combo and pacing control (real SQLite, real
aiosmtpd, real widgets; screenshots in English and Russian under /tmp/shots)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from mailer_gui.core.config import settings
from mailer_gui.core.sending import snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.ui.dialogs.settings import SettingsDialog
from mailer_gui.ui.i18n_build import compile_translations
from mailer_gui.ui.queue.panel import COL_NEXT_RUN, COL_STATUS, QueuePanel

from ..conftest import configure, make_campaign

T0 = datetime(2026, 11, 25, 7, 0, 10, tzinfo=UTC)
SHOTS = Path("/tmp/shots")


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def russian(tmp_path):
    (qm,) = [p for p in compile_translations(tmp_path / "qm") if p.stem.endswith("_ru")]
    tr = QTranslator()
    assert tr.load(str(qm))

    def install() -> None:
        QCoreApplication.installTranslator(tr)

    yield install
    QCoreApplication.removeTranslator(tr)


def _paced_panel(qtbot, ctx, smtp_server, clock) -> tuple[QueuePanel, int]:
    configure(ctx, smtp_server, pacing="min_gap", min_gap=30.0)
    clock.set(T0)
    cid = make_campaign(ctx, 3)
    eng = Engine(ctx)
    eng.acquire()
    assert eng.run_until_idle()[-1].kind == "paced"
    eng.release()
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    with ctx.db.read() as s:
        panel.on_snapshot(snapshot.build(s, clock.now()))
    return panel, cid


def _cell(panel: QueuePanel, cid: int, col: int) -> str:
    row = next(r for r in range(panel.model.rowCount()) if panel.model.entry(r).campaign_id == cid)
    return panel.model.index(row, col).data()


def test_queue_shows_a_paced_wait_as_sending_with_a_countdown(qtbot, ctx, smtp_server, clock):
    panel, cid = _paced_panel(qtbot, ctx, smtp_server, clock)
    assert _cell(panel, cid, COL_STATUS) == "Sending · next in 00:30"
    assert _cell(panel, cid, COL_NEXT_RUN) == "00:30"
    panel.resize(1000, 220)
    panel.show()
    SHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SHOTS / "queue-paced-en.png"))


def test_paced_wait_in_russian(qtbot, ctx, smtp_server, clock, russian):
    russian()
    panel, cid = _paced_panel(qtbot, ctx, smtp_server, clock)
    assert _cell(panel, cid, COL_STATUS) == "Отправка · далее через 00:30"
    panel.resize(1000, 220)
    panel.show()
    SHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SHOTS / "queue-paced-ru.png"))


def _dialog(qtbot, ctx, qsettings) -> SettingsDialog:
    dlg = SettingsDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(dlg)
    return dlg


def _choose(dlg: SettingsDialog, preset_id: str) -> None:
    combo = dlg.smtp_page.preset
    combo.setCurrentIndex(combo.findData(preset_id))
    combo.activated.emit(combo.currentIndex())


def _shots(dlg: SettingsDialog, lang: str) -> None:
    dlg.show()
    SHOTS.mkdir(exist_ok=True)
    dlg.tabs.setCurrentIndex(0)
    dlg.grab().save(str(SHOTS / f"settings-preset-{lang}.png"))
    dlg.tabs.setCurrentWidget(dlg.limits_page)
    dlg.grab().save(str(SHOTS / f"settings-pacing-{lang}.png"))


def test_preset_fills_the_fields_and_the_limits_all_editable(qtbot, ctx, qsettings):
    dlg = _dialog(qtbot, ctx, qsettings)
    _choose(dlg, "microsoft-365")
    page, lim = dlg.smtp_page, dlg.limits_page
    assert (page.host.text(), page.port.value(), page.security.currentData()) == (
        "smtp.office365.com",
        587,
        "starttls",
    )
    assert (lim.per_minute.value(), lim.daily.value(), lim.hourly.value()) == (30, 10_000, 10_000)
    assert "learn.microsoft.com" in page.preset_info.text()
    # Edited after the preset: what is saved is what the operator left.
    page.port.setValue(2525)
    lim.daily.setValue(9_000)
    lim.pacing.setCurrentIndex(lim.pacing.findData("spread"))
    # 30 a minute: 2 s; 10,000 an hour: 0.36 s; 9,000 a day: 9.6 s.
    assert lim.pacing_info.text() == "At most one message every 9.6 s."
    assert not lim.min_gap.isEnabled()
    page.user.setText("news@example.com")
    page.password.setText("secret")
    page.from_addr.setText("news@example.com")
    _shots(dlg, "en")
    assert dlg.save() is True, dlg.marks.marked()
    with ctx.db.read() as s:
        st = settings.load(s)
    assert (st.smtp.host, st.smtp.port, st.smtp.signin) == ("smtp.office365.com", 2525, "microsoft")
    assert (st.limits.per_minute, st.limits.daily, st.limits.pacing) == (30, 9_000, "spread")


def test_pacing_and_sign_in_survive_a_save_of_something_else(qtbot, ctx, qsettings, smtp_server):
    configure(ctx, smtp_server, pacing="min_gap", min_gap=12.5)
    with ctx.db.write() as s:
        smtp = settings.load(s).smtp
        from dataclasses import replace

        settings.save_smtp(s, replace(smtp, signin="google"))
    dlg = _dialog(qtbot, ctx, qsettings)
    lim = dlg.limits_page
    assert (lim.pacing.currentData(), lim.min_gap.value()) == ("min_gap", 12.5)
    assert lim.min_gap.isEnabled() and lim.pacing_info.text() == "At most one message every 12.5 s."
    lim.hourly.setValue(50)
    assert dlg.save() is True, dlg.marks.marked()
    with ctx.db.read() as s:
        st = settings.load(s)
    assert (st.limits.hourly, st.limits.pacing, st.limits.min_gap) == (50, "min_gap", 12.5)
    assert st.smtp.signin == "google"


def test_settings_preset_and_pacing_in_russian(qtbot, ctx, qsettings, russian):
    russian()
    dlg = _dialog(qtbot, ctx, qsettings)
    _choose(dlg, "gmail")
    lim = dlg.limits_page
    assert lim.daily.value() == 500
    lim.pacing.setCurrentIndex(lim.pacing.findData("spread"))
    assert lim.pacing_info.text() == "Не больше одного письма каждые 172.8 с."
    assert "Заполнено по шаблону Gmail" in dlg.smtp_page.preset_info.text()
    _shots(dlg, "ru")
