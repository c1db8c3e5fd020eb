"""The live queue panel: a table model over the worker's status snapshot.

The countdown column ticks every second from the snapshot's own times (one
QTimer, one ``dataChanged`` for that column); the database is read only by
the worker, which sends a new snapshot whenever something changed.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.codes import EntryKind
from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending.snapshot import EntryStatus, Snapshot
from mailer_gui.core.store.models import FINAL_STATUSES
from mailer_gui.ui import messages
from mailer_gui.ui.models.updates import emit_rows_changed
from mailer_gui.ui.optional import optional_class
from mailer_gui.ui.queue import actions as queue_actions
from mailer_gui.ui.queue.reasons import countdown_text, paced_text, reason_text, status_text
from mailer_gui.ui.timefmt import DEFAULT_ZONE, display_time, widest_time_text

COL_POSITION, COL_CAMPAIGN, COL_STATUS, COL_PROGRESS, COL_REASON, COL_NEXT_RUN, COL_ETA = range(7)
COLUMN_COUNT = 7
ProgressRole = Qt.ItemDataRole.UserRole + 1  # (sent, failed, uncertain, total)
EntryRole = Qt.ItemDataRole.UserRole + 2  # the EntryStatus
_Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    """Rows are ``EntryStatus`` values from the latest snapshot, in queue order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[EntryStatus] = []
        self._snap_now = datetime.now(UTC)
        self.zone = DEFAULT_ZONE  # the settings' zone, from each snapshot
        self._received = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    # -- data in -------------------------------------------------------------
    def set_snapshot(self, snap: Snapshot) -> None:
        self._snap_now, self._received = snap.now, time.monotonic()
        self.zone = snap.timezone
        new = list(snap.entries)
        old = self._entries
        if len(new) == len(old) and all(
            n.entry_id == o.entry_id for n, o in zip(new, old, strict=True)
        ):
            # Same rows in the same order: only the values of some changed.
            changed = [i for i, (n, o) in enumerate(zip(new, old, strict=True)) if n != o]
            self._entries = new
            emit_rows_changed(self, changed, 0, COLUMN_COUNT - 1)
            return
        # Rows came, went or moved: a reset is simpler than a move map, and rare.
        self.beginResetModel()
        self._entries = new
        self.endResetModel()

    def now(self) -> datetime:
        """The snapshot's "now", moved on by the time since it arrived."""
        return self._snap_now + timedelta(seconds=time.monotonic() - self._received)

    def tick(self) -> None:
        if self._entries:
            self.dataChanged.emit(
                self.index(0, COL_STATUS),  # a paced wait counts down there too
                self.index(len(self._entries) - 1, COL_NEXT_RUN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def entry(self, row: int) -> EntryStatus | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, entry_id: int) -> int:
        for i, e in enumerate(self._entries):
            if e.entry_id == entry_id:
                return i
        return -1

    # -- Qt model ------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("#"),
            self.tr("Campaign"),
            self.tr("Status"),
            self.tr("Progress"),
            self.tr("Why it waits"),
            self.tr("Next run in"),
            self.tr("Done by"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.entry(index.row()) if index.isValid() else None
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(e, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(e, col)
        if role == ProgressRole:
            c = e.counts
            return (
                c.get("sent", 0) + c.get("bounced", 0),
                c.get("failed", 0),
                c.get("uncertain", 0),
                e.total - c.get("suppressed", 0),
            )
        if role == EntryRole:
            return e
        if role == Qt.ItemDataRole.ForegroundRole and e.position is None:
            return QColor(Qt.GlobalColor.gray)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return self._sort_key(e, col)
        return None

    def _display(self, e: EntryStatus, col: int) -> str:
        if col == COL_POSITION:
            return "" if e.position is None else str(e.position)
        if col == COL_CAMPAIGN:
            return (
                e.name
                if e.kind == EntryKind.CAMPAIGN
                else self.tr("Test send: %1").replace("%1", e.name)
            )
        if col == COL_STATUS:
            left = self._paced_seconds(e)
            return status_text(e.status) if left is None else paced_text(left)
        if col == COL_PROGRESS:
            c = e.counts
            return (
                self.tr("%1 of %2 sent")
                .replace("%1", str(c.get("sent", 0) + c.get("bounced", 0)))
                .replace("%2", str(e.total - c.get("suppressed", 0)))
            )
        if col == COL_REASON:
            return reason_text(e.reason_code)
        if col == COL_NEXT_RUN:
            left = self._paced_seconds(e)
            if left is not None:
                return countdown_text(left)
            if e.next_run_at is None or e.position is None:
                return ""
            return countdown_text((e.next_run_at - self.now()).total_seconds())
        if col == COL_ETA:
            return display_time(e.eta, self.zone, self.now())
        return ""

    def _paced_seconds(self, e: EntryStatus) -> float | None:
        """Seconds until the active entry's next paced message, if it waits for one."""
        if e.paced_until is None:
            return None
        left = (e.paced_until - self.now()).total_seconds()
        return left if left > 0 else None

    def _tooltip(self, e: EntryStatus, col: int) -> str | None:
        if col == COL_REASON and e.reason_code:
            detail = f"\n{messages.text(e.reason_detail)}" if e.reason_detail else ""
            return f"{e.reason_code}{detail}"
        if col == COL_NEXT_RUN and e.next_run_at is not None:
            return display_time(e.next_run_at, self.zone, self.now())
        if col == COL_PROGRESS:
            c = e.counts
            text = (
                self.tr("sent %1, failed %2, uncertain %3, pending %4")
                .replace("%1", str(c.get("sent", 0) + c.get("bounced", 0)))
                .replace("%2", str(c.get("failed", 0)))
                .replace("%3", str(c.get("uncertain", 0)))
                .replace("%4", str(c.get("pending", 0)))
            )
            fb = e.feedback
            if c.get("bounced", 0) or fb:
                text += "\n" + (
                    self.tr("from the mailbox: %1 bounced, %2 unsubscribed, %3 complaints")
                    .replace("%1", str(c.get("bounced", 0)))
                    .replace("%2", str(fb.get("unsubscribed", 0)))
                    .replace("%3", str(fb.get("complaints", 0)))
                )
            return text
        return None

    @staticmethod
    def _sort_key(e: EntryStatus, col: int) -> Any:
        if col == COL_CAMPAIGN:
            return e.name.lower()
        if col == COL_NEXT_RUN:
            return e.next_run_at.timestamp() if e.next_run_at else float("inf")
        if col == COL_ETA:
            return e.eta.timestamp() if e.eta else float("inf")
        return e.position if e.position is not None else 1_000_000 + e.entry_id


class ProgressDelegate(QStyledItemDelegate):
    """Sent (green), failed (red) and uncertain (amber) of the total, as one bar."""

    COLORS = (QColor("#3a9d5d"), QColor("#d64545"), QColor("#e0a030"))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        value = index.data(ProgressRole)
        if not value:
            super().paint(painter, option, index)
            return
        *parts, total = value
        rect = option.rect.adjusted(3, 4, -3, -4)  # type: ignore[attr-defined]
        painter.save()
        painter.setPen(QColor("#b0b0b0"))
        painter.setBrush(QColor("#f2f2f2"))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        x = rect.left()
        for n, color in zip(parts, self.COLORS, strict=True):
            if total <= 0 or n <= 0:
                continue
            w = max(1, round(rect.width() * n / total))
            painter.fillRect(x, rect.top() + 1, min(w, rect.right() - x), rect.height() - 2, color)
            x += w
        painter.setPen(QColor("#202020"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(index.data()))
        painter.restore()


class QueuePanel(QWidget):
    """The queue table with its actions; ``on_snapshot`` is fed by the worker."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("QueuePanel")
        self.model = QueueModel(self)
        self.view = self._build_view()
        self.toolbar = QToolBar(self)
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view)
        self._update_actions()

    def _build_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.setAlternatingRowColors(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        header = view.horizontalHeader()
        header.setSectionResizeMode(COL_CAMPAIGN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (COL_POSITION, 36),
            (COL_STATUS, 150),
            (COL_PROGRESS, 170),
            (COL_NEXT_RUN, 100),
            # A date, a time and a zone's label ("26 Nov 15:00 MSK") on one line.
            (COL_ETA, max(110, view.fontMetrics().horizontalAdvance(widest_time_text()) + 18)),
        ):
            view.setColumnWidth(col, width)
        view.selectionModel().selectionChanged.connect(self._update_actions)
        return view

    def _build_actions(self) -> None:
        def make(text: str, slot: Any, tip: str) -> QAction:
            act = QAction(text, self)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            self.toolbar.addAction(act)
            return act

        self.act_pause = make(
            self.tr("Pause"), self.pause_selected, self.tr("Pause the selected campaign")
        )
        self.act_resume = make(
            self.tr("Resume"), self.resume_selected, self.tr("Let the selected campaign run again")
        )
        self.act_cancel = make(
            self.tr("Cancel"), self.cancel_selected, self.tr("Stop the selected campaign for good")
        )
        self.act_up = make(
            self.tr("Move up"),
            lambda: self.move_selected(-1),
            self.tr("Send this campaign earlier"),
        )
        self.act_down = make(
            self.tr("Move down"), lambda: self.move_selected(1), self.tr("Send this campaign later")
        )
        self.act_resolve = make(
            self.tr("Resolve uncertain…"),
            self.resolve_selected,
            self.tr("Decide about recipients that may have been sent"),
        )
        self.toolbar.addSeparator()
        self.act_export = make(self.tr("Export report…"), self.export_selected, "")

    # -- selection -------------------------------------------------------------
    def selected_entry(self) -> EntryStatus | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_campaign(self, campaign_id: int) -> None:
        for row in range(self.model.rowCount()):
            e = self.model.entry(row)
            if e is not None and e.campaign_id == campaign_id and e.kind == EntryKind.CAMPAIGN:
                self.view.selectRow(row)
                return

    def on_snapshot(self, snap: Snapshot) -> None:
        keep = self.selected_entry()
        self.model.set_snapshot(snap)
        if keep is not None and not self.view.selectionModel().hasSelection():
            row = self.model.row_of(keep.entry_id)
            if row >= 0:
                self.view.selectRow(row)
        self._update_actions()

    def _update_actions(self, *_: Any) -> None:
        e = self.selected_entry()
        own = e is not None and e.kind == EntryKind.CAMPAIGN
        live = own and e is not None and e.status not in FINAL_STATUSES
        # Resume releases any hold (a pause, an SMTP problem, a retry time, the
        # provider's limit); what the settings still hold, it says.
        held = live and e is not None and e.status in (Status.PAUSED, Status.DEFERRED)
        self.act_pause.setEnabled(bool(live and e is not None and e.status != Status.PAUSED))
        self.act_resume.setEnabled(bool(held))
        self.act_cancel.setEnabled(bool(live))
        self.act_up.setEnabled(bool(live))
        self.act_down.setEnabled(bool(live))
        self.act_resolve.setEnabled(
            bool(own and e is not None and e.counts.get("uncertain", 0) > 0)
        )
        self.act_export.setToolTip(
            self.tr("Export the send report of the selected campaign")
            if e is not None
            else self.tr("Export a report of every send in a period")
        )

    def context_menu(self) -> QMenu:
        """The toolbar's actions, Export included, as a menu."""
        menu = QMenu(self)
        for act in self.toolbar.actions():
            menu.addAction(act)
        return menu

    def _context_menu(self, pos: Any) -> None:
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- actions ----------------------------------------------------------------
    def pause_selected(self) -> bool:
        e = self.selected_entry()
        return e is not None and queue_actions.pause(self.ctx, self, e)

    def resume_selected(self) -> bool:
        e = self.selected_entry()
        return e is not None and queue_actions.resume(self.ctx, self, e)

    def cancel_selected(self) -> bool:
        e = self.selected_entry()
        return e is not None and queue_actions.cancel(self.ctx, self, e)

    def move_selected(self, delta: int) -> bool:
        e = self.selected_entry()
        return e is not None and queue_actions.move(self.ctx, self, e, delta)

    def export_selected(self) -> Any:
        """The send report of the selected entry's campaign; a period report
        when nothing is selected. Returns the dialog (None if not in this build)."""
        cls = optional_class("export")  # imported on first use, not at start
        if cls is None:
            return None
        e = self.selected_entry()
        dialog = cls(self.ctx, e.campaign_id if e is not None else None, self)
        dialog.exec()
        return dialog

    def resolve_selected(self) -> bool:
        e = self.selected_entry()
        return e is not None and queue_actions.resolve_uncertain(self.ctx, self, e)
