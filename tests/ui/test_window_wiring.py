"""What the window shows before anyone clicks: the demo's sample campaign and
banner, the app icon, a dock layout that keeps the queue in view, and the
queue panel's Export action (real window, real demo server, real SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.core.sending import snapshot
from mailer_gui.demo import mode as demo_mod
from mailer_gui.ui import icons
from mailer_gui.ui.dialogs import export as export_dialog
from mailer_gui.ui.queue.campaign_list import COL_NAME
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.queue.panel import QueuePanel
from mailer_gui.ui.window.main_window import MainWindow

from ..conftest import make_campaign
from .gui_helpers import gui_settings_dir_fixture, live_ctx_fixture  # noqa: F401 (fixtures)


@pytest.fixture
def demo(tmp_path: Path, gui_settings_dir: Path) -> Iterator[demo_mod.DemoSession]:
    d = demo_mod.start_demo(tmp_path / "demo")
    yield d
    d.stop()


def _open(qtbot: Any, ctx: AppContext, **kwargs: Any) -> MainWindow:
    # No worker: these checks are about what the window is built with.
    w = MainWindow(ctx, notifier=Notifier(use_system_tray=False), start_worker=False, **kwargs)

    def shut_down(win: MainWindow) -> None:
        win.quit_app()
        qtbot.waitUntil(lambda: win._closed, timeout=10_000)  # noqa: SLF001

    qtbot.addWidget(w, before_close_func=shut_down)
    with qtbot.waitSignal(w.shown, timeout=5000):
        w.show()
    return w


@pytest.fixture
def demo_window(qtbot: Any, demo: demo_mod.DemoSession) -> Iterator[MainWindow]:
    ctx = open_context(
        demo.data_dir, secrets=SecretStore(use_env=False), allow_reserved_domains=True
    )  # as the app in demo mode
    yield _open(qtbot, ctx, demo=demo)
    ctx.close()


def test_demo_opens_on_its_sample_campaign(
    demo_window: MainWindow, demo: demo_mod.DemoSession
) -> None:
    w = demo_window
    assert w.stack.currentWidget() is w.editor_page
    assert w.editor.campaign_id == demo.campaign_id
    assert w.editor.name.text().startswith("Sample")
    assert w.campaign_list.current_id() == demo.campaign_id
    assert not w.editor.is_dirty()


def test_demo_banner_in_the_status_bar_opens_the_outbox(
    qtbot: Any, demo_window: MainWindow, demo: demo_mod.DemoSession
) -> None:
    w = demo_window
    label = w.demo_label
    assert label is not None and label.isVisible()
    assert w.statusBar().isAncestorOf(label)
    assert "DEMO" in label.text() and "stay on this computer" in label.text()
    assert str(demo.port) in label.toolTip()
    # A permanent widget: a passing status message does not hide it.
    w.statusBar().showMessage("something happened", 5000)
    assert label.isVisible()
    assert w._outbox is None  # noqa: SLF001
    label.linkActivated.emit("outbox")
    qtbot.waitUntil(
        lambda: w._outbox is not None and w._outbox.isVisible(),  # noqa: SLF001
        timeout=3000,
    )
    w._outbox.close()  # noqa: SLF001


def test_no_demo_banner_outside_the_demo(qtbot: Any, live_ctx: AppContext) -> None:
    w = _open(qtbot, live_ctx)
    assert w.demo_label is None
    assert "demo" not in w.windowTitle().lower()


def test_the_window_carries_the_packaged_app_icon(qtbot: Any, live_ctx: AppContext) -> None:
    assert (icons.ICON_DIR / f"{icons.ICON_NAME}.svg").is_file()
    assert icons.ICON_DIR.parent.parent.name == "mailer_gui"  # inside the package
    icon = icons.app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 64, 128, 256}
    w = _open(qtbot, live_ctx)
    assert not w.windowIcon().isNull()
    assert w.windowIcon().cacheKey() != 0


def test_default_layout_keeps_the_queue_in_view(qtbot: Any, live_ctx: AppContext) -> None:
    make_campaign(live_ctx, 1, name="Sample: spring newsletter", enqueue=False)
    w = _open(qtbot, live_ctx)
    qtbot.wait(50)
    assert w.tabifiedDockWidgets(w.queue_dock) == []
    assert w.tabifiedDockWidgets(w.notes_dock) == []
    for dock in (w.campaigns_dock, w.queue_dock, w.notes_dock):
        assert dock.isVisible() and not dock.visibleRegion().isEmpty(), dock.objectName()
    assert w.queue_panel.view.height() >= 150
    # A notification without a tray shows the list but does not cover the queue.
    w.notifier.on_notifications([{"id": 1, "at": None, "kind": "info", "text": "hello"}])
    qtbot.wait(20)
    assert not w.queue_dock.visibleRegion().isEmpty()
    assert not w.notes_dock.visibleRegion().isEmpty()
    # The campaign's name fits its column at the default size.
    view = w.campaign_list.view
    needed = QFontMetrics(view.font()).horizontalAdvance("Sample: spring newsletter")
    assert view.columnWidth(COL_NAME) >= needed + 8


def test_old_saved_layout_with_tabbed_docks_is_not_restored(
    qtbot: Any, live_ctx: AppContext
) -> None:
    w = _open(qtbot, live_ctx)
    w.tabifyDockWidget(w.queue_dock, w.notes_dock)
    from mailer_gui.ui import i18n

    s = i18n.gui_settings()
    s.setValue("main/state", w.saveState())  # version 0: what older builds saved
    s.sync()
    w.quit_app()
    qtbot.waitUntil(lambda: w._closed, timeout=10_000)  # noqa: SLF001
    s.setValue("main/state", w.saveState())  # closing saved the new version: undo that
    s.sync()
    w2 = _open(qtbot, live_ctx)
    assert w2.tabifiedDockWidgets(w2.queue_dock) == []


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The campaign id of every Export dialog opened (not shown: it is modal)."""
    opened: list[int | None] = []

    def fake_exec(dialog: export_dialog.ExportDialog) -> int:
        opened.append(dialog.campaign_id)
        return 0

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", fake_exec)
    return opened


def test_queue_panel_exports_the_selected_campaign_or_a_period(
    qtbot: Any, ctx: AppContext, exports: list[int | None]
) -> None:
    first = make_campaign(ctx, 2, name="First")
    second = make_campaign(ctx, 2, name="Second")
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    with ctx.db.read() as s:
        panel.on_snapshot(snapshot.build(s, ctx.clock.now()))
    assert panel.act_export in panel.toolbar.actions()
    assert panel.act_export.isEnabled()
    assert "period" in panel.act_export.toolTip()
    dialog = panel.export_selected()
    assert dialog is not None and dialog.campaign_id is None
    panel.select_campaign(second)
    assert "selected campaign" in panel.act_export.toolTip()
    panel.act_export.trigger()
    panel.select_campaign(first)
    panel.export_selected()
    assert exports == [None, second, first]


def test_queue_panel_context_menu_offers_export(qtbot: Any, ctx: AppContext) -> None:
    panel = QueuePanel(ctx)
    qtbot.addWidget(panel)
    assert panel.view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = panel.context_menu()
    assert panel.act_export in menu.actions()
    menu.deleteLater()
