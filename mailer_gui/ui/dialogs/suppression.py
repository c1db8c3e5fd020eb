"""The suppression list: every address never mailed again, with its reason
(unsubscribed, a bounce from the mailbox, a 5xx at RCPT, a complaint, added
by hand or imported), when and why. Read off the GUI thread, shown through a
table model that hands rows to the view as it scrolls (``fetchMore``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.context import AppContext
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.timefmt import full_time, settings_zone

COL_ADDRESS, COL_REASON, COL_ADDED, COL_DETAIL = range(4)
BATCH = 500
Row = tuple[str, str, datetime, str]
_Index = QModelIndex | QPersistentModelIndex


def reason_name(code: str) -> str:
    names = {
        "manual": QCoreApplication.translate("Suppression", "added by hand"),
        "unsubscribed": QCoreApplication.translate("Suppression", "unsubscribed"),
        "hard_bounce": QCoreApplication.translate("Suppression", "refused by the server"),
        "bounce": QCoreApplication.translate("Suppression", "bounced (mailbox)"),
        "complaint": QCoreApplication.translate("Suppression", "spam complaint"),
        "imported": QCoreApplication.translate("Suppression", "imported"),
    }
    return names.get(code, code)


class SuppressionModel(QAbstractTableModel):
    """Rows (address, reason, added, detail), newest first; fetched in batches."""

    def __init__(self, zone: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list[Row] = []
        self._shown = 0

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows, self._shown = rows, min(BATCH, len(rows))
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def canFetchMore(self, parent: _Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: _Index) -> None:  # noqa: N802
        more = min(BATCH, len(self._rows) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def fetch_all(self) -> None:
        """Every row (a filter must see them all)."""
        if self.canFetchMore(QModelIndex()):
            self.beginInsertRows(QModelIndex(), self._shown, len(self._rows) - 1)
            self._shown = len(self._rows)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Address"), self.tr("Reason"), self.tr("Added"), self.tr("Detail"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        email, reason, added, detail = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (email, reason_name(reason), full_time(added, self.zone), detail)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return reason if col == COL_REASON else (detail or None)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (email, reason, added.timestamp(), detail)[col]
        return None


def _load(ctx: AppContext) -> list[Row]:
    from mailer_gui.core.audience import suppression

    with ctx.db.read() as s:
        return [
            (e.email_norm, e.reason, e.added_at, e.detail or "") for e in suppression.list_all(s)
        ]


class SuppressionDialog(QDialog):
    """The list, a filter, and how many; read in a background task."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Suppression list"))
        self.model = SuppressionModel(settings_zone(ctx), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by address, reason or detail"))
        self.filter.textChanged.connect(self._on_filter)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(
            COL_DETAIL, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(COL_ADDRESS, 240)
        self.table.setColumnWidth(COL_REASON, 170)
        self.table.setColumnWidth(COL_ADDED, 150)
        self.summary = QLabel(self.tr("Loading…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        lay.addWidget(buttons)
        self.resize(860, 520)
        self._task = BackgroundTask(lambda _t: _load(ctx), self._loaded, self._failed).start()

    def _on_filter(self, text: str) -> None:
        if text:
            self.model.fetch_all()
        self.proxy.setFilterFixedString(text)

    def _loaded(self, rows: list[Row]) -> None:
        self.model.set_rows(rows)
        self.table.sortByColumn(COL_ADDED, Qt.SortOrder.DescendingOrder)
        self.summary.setText(
            self.tr("%1 addresses are never mailed again.").replace("%1", str(len(rows)))
        )

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(messages.text(exc))
