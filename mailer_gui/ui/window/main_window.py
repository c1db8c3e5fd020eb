"""The main window: campaign list, editor area and the live queue panel.

Docks remember their geometry (QSettings); the status bar shows the budget.
The worker thread sends the only data the window shows about the queue.
Closing the window and Quit (Ctrl+Q, the tray's menu) ask the same question
while something sends or waits: nothing is sent while Mailer is closed, so
keep sending in the tray or quit after the current message; a recipient is
never left in ``sending``. The notification list starts with the history
kept in the database.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from mailer_gui.core.codes import LIVE_STATUSES, EntryKind
from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import notices, queue
from mailer_gui.core.sending.snapshot import EntryStatus, Snapshot
from mailer_gui.ui import i18n, messages
from mailer_gui.ui.icons import app_icon
from mailer_gui.ui.mailbox_worker import MailboxWorker
from mailer_gui.ui.optional import optional_available, optional_class
from mailer_gui.ui.queue import actions as queue_actions
from mailer_gui.ui.queue.notifications import Notifier
from mailer_gui.ui.window import dialogs as window_dialogs
from mailer_gui.ui.window import layout as window_layout
from mailer_gui.ui.window.actions import build_actions, build_menus
from mailer_gui.ui.window.closing import WindowClosing
from mailer_gui.ui.window.mailbox_status import MailboxLabel
from mailer_gui.ui.window.welcome import WelcomePage, create_sample
from mailer_gui.ui.worker import EngineWorker, notification_history

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from mailer_gui.ui.queue.campaign_list import CampaignList
    from mailer_gui.ui.queue.panel import QueuePanel
    from mailer_gui.ui.window.status_budget import BudgetLabel

log = logging.getLogger(__name__)
LIVE = LIVE_STATUSES
# After the first paint the window still lays out its docks once; measured
# here it needs well under this much when the engine does not compete.
WORKER_START_DELAY_MS = 150


class MainWindow(WindowClosing, QMainWindow):
    shown = Signal()
    # Built by window_layout:
    campaign_list: CampaignList
    queue_panel: QueuePanel
    campaigns_dock: QDockWidget
    queue_dock: QDockWidget
    notes_dock: QDockWidget
    activity_label: QLabel
    lease_label: QLabel
    database_label: QLabel | None  # team mode only
    budget_label: BudgetLabel
    mailbox_label: MailboxLabel
    demo_label: QLabel | None

    def __init__(
        self,
        ctx: AppContext,
        demo: Any = None,
        worker: EngineWorker | None = None,
        notifier: Notifier | None = None,
        start_worker: bool = True,
    ) -> None:
        super().__init__()
        self.ctx, self.demo = ctx, demo
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Mailer") + (self.tr(" (demo)") if demo else ""))
        self.last_snapshot: Snapshot | None = None
        self._pending_snapshot: Snapshot | None = None
        self.holds_lease = False
        self._quitting = self._stopping = self._closed = self._shown_once = False
        self._outbox: Any = None
        self.contacts: Any = None  # the Contacts view, made when first opened
        self.worker = worker or EngineWorker(ctx)
        self.mailbox_worker = MailboxWorker(ctx)
        self.notifier = notifier or Notifier(parent=self)
        self.setWindowIcon(app_icon())
        self._build_central()
        window_layout.build_docks(self)
        window_layout.build_status_bar(self)
        self.actions = build_actions(self)
        build_menus(self, self.actions, [self.campaigns_dock, self.queue_dock, self.notes_dock])
        self._wire()
        self._load_notification_history()
        self._restore_layout()
        self.campaign_list.reload()
        self._show_start_page()
        # The engine starts once the window is on screen: its first steps
        # (reconcile, a full snapshot) would otherwise compete with the first
        # paint for the interpreter, and the window would appear later.
        self._start_worker = start_worker

    # -- building ----------------------------------------------------------------
    def _build_central(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = WelcomePage(self.stack)
        self.stack.addWidget(self.welcome)
        editor_cls = optional_class("editor")
        self.editor: Any = editor_cls(self.ctx, self.stack) if editor_cls else None
        if self.editor is None:
            holder = QLabel(self.tr("The campaign editor is not part of this build."), self)
            holder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.editor_page: QWidget = holder
        else:
            self.editor_page = self.editor
        self.stack.addWidget(self.editor_page)
        self.setCentralWidget(self.stack)

    def _wire(self) -> None:
        w = self.worker
        w.snapshotReady.connect(self._snapshot_arrived)
        w.notificationsReady.connect(self.notifier.on_notifications)
        w.leaseHeld.connect(self.on_lease)
        w.leaseHolder.connect(self.on_lease_holder)
        w.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10_000))
        mw = self.mailbox_worker
        mw.started_check.connect(self.mailbox_label.on_started)
        mw.checked.connect(self.mailbox_label.on_checked)
        mw.failed.connect(self.mailbox_label.on_failed)
        self.notifier.shown.connect(self._on_notification_shown)
        self.notifier.markedRead.connect(self._mark_notifications_read)
        self.campaign_list.campaignChosen.connect(self.open_campaign)
        self.campaign_list.duplicateRequested.connect(self.duplicate_campaign)
        self.campaign_list.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.stack.currentChanged.connect(self._update_actions)
        self.welcome.settingsRequested.connect(self.open_settings)
        self.welcome.sampleRequested.connect(self.open_sample)
        if self.editor is not None:
            self.editor.saved.connect(self._on_saved)
            self.editor.testSendQueued.connect(lambda _id: self.worker.wake())
            for name, slot in (
                ("settingsRequested", self.open_settings),
                ("enqueued", self._on_saved),
            ):
                if hasattr(self.editor, name):
                    getattr(self.editor, name).connect(slot)
        if isinstance(self.notifier.tray, QSystemTrayIcon):
            menu = QMenu(self)
            menu.addAction(self.tr("Show Mailer"), self.bring_forward)
            menu.addAction(self.actions.quit)
            self.notifier.tray.setContextMenu(menu)
            self.notifier.tray.activated.connect(lambda _reason: self.bring_forward())
        self._update_actions()

    # -- layout memory -------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = i18n.gui_settings()
        geometry, state = s.value("main/geometry"), s.value("main/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        restored = state is not None and self.restoreState(state, window_layout.LAYOUT_VERSION)
        self._default_sizes_pending = not restored

    def save_layout(self) -> None:
        s = i18n.gui_settings()
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState(window_layout.LAYOUT_VERSION))
        s.sync()

    # -- data from the worker --------------------------------------------------------
    def _snapshot_arrived(self, snap: Snapshot) -> None:
        """Keep only the newest: if several queued up while the GUI was busy,
        the ones in between would be shown for no time at all."""
        pending, self._pending_snapshot = self._pending_snapshot, snap
        if pending is None:
            QTimer.singleShot(0, self._apply_pending_snapshot)

    def _apply_pending_snapshot(self) -> None:
        snap, self._pending_snapshot = self._pending_snapshot, None
        if snap is not None:
            self.on_snapshot(snap)

    def on_snapshot(self, snap: Snapshot) -> None:
        self.last_snapshot = snap
        self.queue_panel.on_snapshot(snap)
        self.campaign_list.on_snapshot(snap)
        self.budget_label.set_snapshot(snap)
        if self.editor is not None and hasattr(self.editor, "on_snapshot"):
            self.editor.on_snapshot(snap)
        if snap.active_campaign is not None:
            self.activity_label.setText(
                self.tr("Sending “%1”").replace("%1", snap.active_campaign[1])
            )
        else:
            self.activity_label.setText("")
        self._update_actions()

    def on_lease(self, message: str) -> None:
        self.holds_lease = not message
        self.lease_label.setVisible(bool(message))
        self.lease_label.setText(self.tr("Read-only: another Mailer is sending"))
        self.lease_label.setToolTip(message)

    def on_lease_holder(self, holder: str) -> None:
        """Team mode: name the laptop that sends (it may be any on the database)."""
        if self.database_label is None:
            return
        if holder:
            self.lease_label.setText(self.tr("Read-only: %1 is sending").replace("%1", holder))
        window_layout.set_database_tooltip(self.database_label, self.ctx.db.where, holder)

    def _load_notification_history(self) -> None:
        """What was said before this start (up to where the worker takes over)."""
        try:
            rows = notification_history(self.ctx, self.worker.last_notification_id)
        except Exception:
            log.exception("could not read the notification history")
            return
        self.notifier.load_history(rows)

    def _mark_notifications_read(self, ids: list[int]) -> None:
        try:
            with self.ctx.db.write() as s:
                notices.mark_read(s, ids)
        except Exception as exc:
            log.exception("could not mark notifications read")
            self.statusBar().showMessage(messages.text(exc), 10_000)

    def _on_notification_shown(self, _d: dict[str, Any], text: str) -> None:
        if not self.notifier.has_tray:
            self.notes_dock.show()  # beside the queue, never over it
        self.statusBar().showMessage(text, 15_000)

    # -- pages and campaigns -----------------------------------------------------------
    def _show_start_page(self) -> None:
        demo_campaign = getattr(self.demo, "campaign_id", None)
        if demo_campaign is not None and self.editor is not None:
            self.open_campaign(int(demo_campaign))  # the demo starts on its sample
            self.campaign_list.select(int(demo_campaign))
            return
        with self.ctx.db.read() as s:
            configured = settings_mod.load(s).smtp is not None
        self.stack.setCurrentWidget(self.editor_page if configured else self.welcome)

    def current_campaign_id(self) -> int | None:
        if self.editor is not None and self.stack.currentWidget() is self.editor_page:
            cid = self.editor.campaign_id
            if cid is not None:
                return int(cid)
        return self.campaign_list.current_id()

    def campaign_entry(self, campaign_id: int | None) -> EntryStatus | None:
        if self.last_snapshot is None or campaign_id is None:
            return None
        return next(
            (
                e
                for e in self.last_snapshot.entries
                if e.campaign_id == campaign_id
                and e.kind == EntryKind.CAMPAIGN
                and e.status in LIVE
            ),
            None,
        )

    def open_campaign(self, campaign_id: int) -> None:
        if self.editor is None:
            return
        if self.editor.campaign_id != campaign_id:
            if not self.editor.maybe_save():
                return
            self.editor.load(campaign_id)
        self.stack.setCurrentWidget(self.editor_page)
        self.queue_panel.select_campaign(campaign_id)

    def open_sample(self) -> None:
        cid = create_sample(self.ctx)
        self.campaign_list.reload()
        self.campaign_list.select(cid)
        self.open_campaign(cid)

    def _on_saved(self, campaign_id: int) -> None:
        self.campaign_list.reload()
        self.campaign_list.select(campaign_id)

    def _update_actions(self, *_: Any) -> None:
        a = getattr(self, "actions", None)
        if a is None:
            return
        has_editor = self.editor is not None
        for act in (a.new, a.save, a.send_test, a.enqueue):
            act.setEnabled(has_editor)
        a.pause_resume.setEnabled(self.campaign_entry(self.current_campaign_id()) is not None)
        a.settings.setEnabled(optional_available("settings"))
        a.export.setEnabled(optional_available("export"))
        a.import_.setEnabled(optional_available("import"))
        a.about.setEnabled(optional_available("about"))
        a.outbox.setVisible(self.demo is not None)

    # -- actions ----------------------------------------------------------------------
    def open_contacts(self) -> None:
        """The Contacts view, made when first shown (a page of the central stack)."""
        if self.contacts is None:
            from mailer_gui.ui.contacts.view import ContactsView

            self.contacts = ContactsView(self.ctx, self.stack)
            if self.editor is not None and hasattr(self.editor, "audience"):
                self.contacts.listsChanged.connect(self.editor.audience.reload)
            self.stack.addWidget(self.contacts)
        self.stack.setCurrentWidget(self.contacts)

    def duplicate_campaign(self, campaign_id: int | None = None) -> int | None:
        """Copy the chosen (or current) campaign and open the copy."""
        from mailer_gui.core.content.duplicate import duplicate

        cid = campaign_id or self.campaign_list.current_id() or self.current_campaign_id()
        if cid is None:
            return None
        with self.ctx.db.write() as s:
            new_id = duplicate(s, cid, self.ctx.clock.now())
        self.campaign_list.reload()
        self.campaign_list.select(new_id)
        self.open_campaign(new_id)
        return new_id

    def new_campaign(self) -> None:
        if self.editor is not None and self.editor.maybe_save():
            self.editor.new_campaign()
            self.stack.setCurrentWidget(self.editor_page)

    def save_campaign(self) -> None:
        if self.editor is not None:
            self.editor.save()

    def send_test(self) -> None:
        if self.editor is not None:
            self.stack.setCurrentWidget(self.editor_page)
            self.editor.send_test()

    def enqueue_campaign(self) -> None:
        if self.editor is not None:
            self.stack.setCurrentWidget(self.editor_page)
            self.editor.enqueue()

    def pause_resume(self) -> None:
        entry = self.campaign_entry(self.current_campaign_id())
        if entry is None:
            self.statusBar().showMessage(self.tr("This campaign is not in the queue."), 5000)
        elif entry.status == Status.PAUSED or entry.reason_code in queue.HELD_REASONS:
            queue_actions.resume(self.ctx, self, entry)
        else:
            queue_actions.pause(self.ctx, self, entry)

    def open_settings(self) -> None:
        first_run = self.stack.currentWidget() is self.welcome
        address = self.welcome.address.text().strip() if first_run else ""
        extra = {"address": address} if address else {}
        if window_dialogs.open_dialog(self, "settings", self, **extra) is not None:
            self.ctx.emit("settings")
            if self.stack.currentWidget() is self.welcome:
                self._show_start_page()

    def check_mailbox(self) -> None:
        """Check the mailbox now, in the mailbox worker's thread."""
        if not self.mailbox_worker.isRunning() and not self._stopping:
            self.mailbox_worker.start()
        self.mailbox_worker.check_now()

    def open_suppression(self) -> None:
        window_dialogs.open_dialog(self, "suppression", self)

    def open_export(self) -> None:
        window_dialogs.open_dialog(self, "export", self.current_campaign_id(), self)

    def open_import(self) -> None:
        window_dialogs.open_import(self)

    def open_about(self) -> None:
        window_dialogs.open_dialog(self, "about", self)

    def open_outbox(self) -> None:
        window_dialogs.open_outbox(self)

    def choose_language(self, action: QAction) -> None:
        window_dialogs.choose_language(self, str(action.data()))

    def bring_forward(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def request_quit(self) -> None:
        """Quit as the operator asked (Ctrl+Q, File > Quit, the tray's Quit):
        the same question as closing the window while something sends or waits."""
        self.close()

    def quit_app(self) -> None:
        """Quit without asking (``--smoke``, scripts): stop after the current message."""
        self._quitting = True
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self._default_sizes_pending:
                window_layout.apply_default_sizes(self)
            # What exists now (modules, the ORM's mappings, every widget) lives
            # as long as the window: keep it out of the collector's full scans,
            # which otherwise stall every thread for ~80 ms each second or so
            # while snapshots stream in.
            gc.freeze()
            if self._start_worker:
                window_layout.AfterFirstPaint(self, self._start_worker_now, WORKER_START_DELAY_MS)
            self.shown.emit()

    def _start_worker_now(self) -> None:
        if not (self._stopping or self._closed or self.worker.isRunning()):
            self.worker.start()
        if not (self._stopping or self._closed or self.mailbox_worker.isRunning()):
            self.mailbox_worker.start()
