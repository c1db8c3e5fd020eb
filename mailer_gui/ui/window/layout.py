"""How the main window is laid out: its docks, their default sizes, the status bar.

The queue panel owns the bottom of the window at full width and is never
covered by default: the notifications (the only place they show when there
is no system tray) sit below the campaign list, in the left column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from mailer_gui.ui.queue.campaign_list import CampaignList
from mailer_gui.ui.queue.panel import QueuePanel
from mailer_gui.ui.timefmt import settings_zone
from mailer_gui.ui.window.mailbox_status import MailboxLabel
from mailer_gui.ui.window.status_budget import BudgetLabel

# Bumped when the default arrangement changes, so that a layout saved by an
# older version (notifications tabbed over the queue) is not restored.
LAYOUT_VERSION = 2
DEFAULT_SIZE = (1280, 820)
QUEUE_HEIGHT = 260
NOTES_HEIGHT = 130


def _dock(
    w: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    dock = QDockWidget(title, w)
    dock.setObjectName(name)
    dock.setWidget(widget)
    w.addDockWidget(area, dock)
    return dock


def build_docks(w: Any) -> None:
    """Campaigns (left, top), notifications (left, below), queue (bottom, full width)."""
    w.campaign_list = CampaignList(w.ctx, w)
    w.queue_panel = QueuePanel(w.ctx, w)
    left, bottom = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
    w.campaigns_dock = _dock(
        w,
        QCoreApplication.translate("MainWindow", "Campaigns"),
        "CampaignsDock",
        w.campaign_list,
        left,
    )
    w.queue_dock = _dock(
        w, QCoreApplication.translate("MainWindow", "Queue"), "QueueDock", w.queue_panel, bottom
    )
    w.notes_dock = _dock(
        w,
        QCoreApplication.translate("MainWindow", "Notifications"),
        "NotificationsDock",
        w.notifier.list_widget,
        left,
    )
    w.splitDockWidget(w.campaigns_dock, w.notes_dock, Qt.Orientation.Vertical)
    # The bottom dock spans the whole width, under the left column too.
    w.setCorner(Qt.Corner.BottomLeftCorner, bottom)
    w.setCorner(Qt.Corner.BottomRightCorner, bottom)
    w.resize(*DEFAULT_SIZE)


def apply_default_sizes(w: Any) -> None:
    """Dock sizes for a first start (no saved layout); effective once shown."""
    w.resizeDocks(
        [w.campaigns_dock], [w.campaign_list.preferred_width()], Qt.Orientation.Horizontal
    )
    w.resizeDocks([w.queue_dock], [QUEUE_HEIGHT], Qt.Orientation.Vertical)
    free = max(200, w.campaigns_dock.height() + w.notes_dock.height())
    w.resizeDocks(
        [w.campaigns_dock, w.notes_dock],
        [free - NOTES_HEIGHT, NOTES_HEIGHT],
        Qt.Orientation.Vertical,
    )


def build_status_bar(w: Any) -> None:
    """Activity on the left; the demo banner, read-only note and budget on the right."""
    w.activity_label = QLabel(w)
    w.lease_label = QLabel(w)
    w.lease_label.hide()
    w.database_label = database_label(w)
    w.budget_label = BudgetLabel(w)
    w.mailbox_label = MailboxLabel(settings_zone(w.ctx), w)
    bar = w.statusBar()
    bar.addWidget(w.activity_label, 1)
    w.demo_label = demo_label(w) if w.demo is not None else None
    if w.demo_label is not None:
        bar.addPermanentWidget(w.demo_label)
    bar.addPermanentWidget(w.lease_label)
    if w.database_label is not None:
        bar.addPermanentWidget(w.database_label)
    bar.addPermanentWidget(w.mailbox_label)
    bar.addPermanentWidget(w.budget_label)


def database_label(w: Any) -> QLabel | None:
    """Team mode only: which shared database this window is on (the SQLite file
    of one laptop needs no label; About names it)."""
    db = w.ctx.db
    if not db.is_postgresql:
        return None
    label = QLabel(w)
    label.setObjectName("DatabaseLabel")
    label.setText(QCoreApplication.translate("MainWindow", "Team: %1").replace("%1", db.where))
    set_database_tooltip(label, db.where, "")
    return label


def set_database_tooltip(label: QLabel, where: str, holder: str | None) -> None:
    """The database label's tooltip: the database and who holds the sending lease
    (``""``: this window; None: not known yet)."""
    if holder == "":
        sender = QCoreApplication.translate("MainWindow", "this window")
    elif holder is None:
        sender = QCoreApplication.translate("MainWindow", "not known yet")
    else:
        sender = holder
    label.setToolTip(
        QCoreApplication.translate(
            "MainWindow",
            "Team mode: the queue, settings and limits live in the PostgreSQL database %1, "
            "shared with every Mailer on it. Sending: %2",
        )
        .replace("%1", where)
        .replace("%2", sender)
    )


def demo_label(w: Any) -> QLabel:
    """A permanent "this is the demo" banner whose link opens the Outbox."""
    label = QLabel(w)
    label.setObjectName("DemoLabel")
    label.setTextFormat(Qt.TextFormat.RichText)
    link = '<a href="outbox">{}</a>'.format(
        QCoreApplication.translate("MainWindow", "open the Outbox")
    )
    label.setText(
        "<b>{}</b>".format(
            QCoreApplication.translate(
                "MainWindow", "DEMO — messages stay on this computer; %1"
            ).replace("%1", link)
        )
    )
    label.setToolTip(
        QCoreApplication.translate(
            "MainWindow",
            "Demo mode: a built-in mail server on 127.0.0.1:%1 keeps every message; "
            "nothing is delivered. Data folder: %2",
        )
        .replace("%1", str(getattr(w.demo, "port", "")))
        .replace("%2", str(getattr(w.demo, "data_dir", "")))
    )
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    label.setStyleSheet(
        "QLabel#DemoLabel { background: #fff3c4; color: #5a4500; "
        "border: 1px solid #e0c060; border-radius: 3px; padding: 1px 6px; }"
    )
    label.linkActivated.connect(lambda _link: w.open_outbox())
    return label


class AfterFirstPaint(QObject):
    """Calls ``callback`` once, ``delay_ms`` after ``widget`` was first painted
    (or after ``fallback_ms`` if it never is, e.g. hidden to the tray at once).

    Work started then does not compete with the first paint: every virtual
    call into a widget made from Python needs the interpreter lock, which a
    busy Python thread holds for up to the switch interval at a time.
    """

    def __init__(
        self,
        widget: QWidget,
        callback: Callable[[], None],
        delay_ms: int = 0,
        fallback_ms: int = 1000,
    ) -> None:
        super().__init__(widget)
        self._widget, self._callback, self._done = widget, callback, False
        self._delay_ms = delay_ms
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(self._delay_ms, self._fire)  # after the rest of this paint
        return False

    def _fire(self) -> None:
        if not self._done:
            self._done = True
            self._widget.removeEventFilter(self)
            self._callback()
