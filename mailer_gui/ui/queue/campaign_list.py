"""The campaign list: a table model over the campaigns, filtered by a proxy.

Rows are read from the database on the GUI thread only when the list itself
changes (start, save, import); each campaign's queue status comes from the
worker's snapshots, so a send in progress costs no query here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.codes import EntryKind, EntryStatus
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending.snapshot import Snapshot
from mailer_gui.ui.models.updates import emit_rows_changed
from mailer_gui.ui.queue.reasons import status_text
from mailer_gui.ui.timefmt import DEFAULT_ZONE, display_time, settings_zone

COL_NAME, COL_STATUS, COL_RECIPIENTS, COL_UPDATED = range(4)
COLUMN_COUNT = 4
CampaignIdRole = Qt.ItemDataRole.UserRole + 1
STATUS_SAMPLES = tuple(EntryStatus)
# Long dates in any zone, in winter and summer (the zone's label may change).
SAMPLE_DATES = (
    datetime(2026, 12, 28, 23, 58, tzinfo=UTC),
    datetime(2026, 6, 28, 23, 58, tzinfo=UTC),
)
LATER = timedelta(days=3)  # so that it is shown with its date
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    recipients: int
    updated_at: datetime


def load_rows(s: Any) -> list[CampaignRow]:
    return [CampaignRow(c.id, c.name, c.recipients, c.updated_at) for c in campaigns.listing(s)]


class CampaignModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CampaignRow] = []
        self._ids: set[int] = set()
        self._status: dict[int, str] = {}
        self._now = datetime.now(UTC)
        self.zone = DEFAULT_ZONE  # the settings' zone: set by reload and each snapshot

    def set_rows(self, rows: list[CampaignRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._ids = {r.id for r in rows}
        self.endResetModel()

    def known_ids(self) -> set[int]:
        return self._ids

    def set_snapshot(self, snap: Snapshot) -> bool:
        """Take the queue statuses; True if any campaign's status changed."""
        status = {
            e.campaign_id: e.status for e in reversed(snap.entries) if e.kind == EntryKind.CAMPAIGN
        }
        self._now = snap.now
        if status == self._status:
            return False
        old, self._status = self._status, status
        changed = [i for i, r in enumerate(self._rows) if old.get(r.id) != status.get(r.id)]
        # Only those rows: a view re-reads what it is told changed.
        return emit_rows_changed(self, changed, COL_STATUS, COL_STATUS) > 0

    def set_zone(self, zone: str) -> None:
        """Show the "Changed" times in ``zone`` (the settings' one)."""
        if zone == self.zone:
            return
        self.zone = zone
        if self._rows:
            self.dataChanged.emit(
                self.index(0, COL_UPDATED),
                self.index(len(self._rows) - 1, COL_UPDATED),
                [Qt.ItemDataRole.DisplayRole],
            )

    def draft_text(self) -> str:
        return self.tr("Draft")

    def row_of(self, campaign_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == campaign_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Campaign"), self.tr("Status"), self.tr("Recipients"), self.tr("Changed"))[
            section
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, col = self._rows[index.row()], index.column()
        if role == CampaignIdRole:
            return r.id
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                r.name.lower(),
                self._status.get(r.id, ""),
                r.recipients,
                r.updated_at.timestamp(),
            )[col]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == COL_NAME:
            return r.name
        if col == COL_STATUS:
            st = self._status.get(r.id)
            return status_text(st) if st else self.draft_text()
        if col == COL_RECIPIENTS:
            return f"{r.recipients:,}".replace(",", "\u202f")
        return display_time(r.updated_at, self.zone, self._now)


class CampaignList(QWidget):
    """The list with a filter box; ``campaignChosen(id)`` when the operator picks one."""

    campaignChosen = Signal(int)
    duplicateRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = CampaignModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(COL_NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # Names and dates change only by a reload (a reset, after which the proxy
        # sorts and filters anew); a dynamic proxy would re-filter every row a
        # snapshot touches. Only a sort by status needs redoing: on_snapshot.
        self.proxy.setDynamicSortFilter(False)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter campaigns"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = self._build_view()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)

    def _build_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(COL_UPDATED, Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        # Fixed widths, measured once from the longest texts the columns can
        # show in this language: ResizeToContents would measure every row on
        # each update.
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self._set_widths(view)
        view.setWordWrap(False)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.activated.connect(self._chosen)
        view.clicked.connect(self._chosen)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        return view

    def _context_menu(self, pos: Any) -> None:
        cid = self.view.indexAt(pos).data(CampaignIdRole)
        if cid is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Duplicate"), lambda: self.duplicateRequested.emit(int(cid)))
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _set_widths(self, view: QTableView) -> None:
        for col, width in self._column_widths(view).items():
            view.setColumnWidth(col, width)

    def _column_widths(self, view: QTableView) -> dict[int, int]:
        fm, pad = view.fontMetrics(), 18
        header_fm = view.horizontalHeader().fontMetrics()

        def fit(col: int, *samples: str) -> int:
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            widest = max(fm.horizontalAdvance(s) for s in samples)
            return max(widest, header_fm.horizontalAdvance(title) + 12) + pad

        statuses = [status_text(s) for s in STATUS_SAMPLES] + [self.model.draft_text()]
        return {
            COL_STATUS: fit(COL_STATUS, *statuses),
            COL_RECIPIENTS: fit(COL_RECIPIENTS, "100\u202f000"),
            COL_UPDATED: fit(
                COL_UPDATED, *(display_time(d, self.model.zone, d + LATER) for d in SAMPLE_DATES)
            ),
        }

    def preferred_width(self) -> int:
        """A dock width that shows about 24 characters of a campaign's name."""
        view = self.view
        fixed = sum(view.columnWidth(c) for c in (COL_STATUS, COL_RECIPIENTS, COL_UPDATED))
        name = view.fontMetrics().averageCharWidth() * 24
        return fixed + name + view.verticalScrollBar().sizeHint().width() + 12

    def _chosen(self, index: QModelIndex) -> None:
        cid = index.data(CampaignIdRole)
        if cid is not None:
            self.campaignChosen.emit(int(cid))

    def reload(self) -> None:
        with self.ctx.db.read() as s:
            rows = load_rows(s)
        self._set_zone(settings_zone(self.ctx))
        self.model.set_rows(rows)

    def _set_zone(self, zone: str) -> None:
        if zone != self.model.zone:
            self.model.set_zone(zone)
            self._set_widths(self.view)  # a label may come or go

    def on_snapshot(self, snap: Snapshot) -> None:
        self._set_zone(snap.timezone)
        known = self.model.known_ids()
        if any(e.campaign_id not in known for e in snap.entries):
            self.reload()
        if self.model.set_snapshot(snap) and self.proxy.sortColumn() == COL_STATUS:
            self.proxy.sort(COL_STATUS, self.proxy.sortOrder())

    def select(self, campaign_id: int) -> None:
        row = self.model.row_of(campaign_id)
        if row >= 0:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def current_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return None if not rows else int(rows[0].data(CampaignIdRole))
