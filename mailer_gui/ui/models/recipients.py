"""Table models for the editor and the import wizard.

``RecipientsModel`` reads a campaign's recipients lazily in batches
(``canFetchMore``/``fetchMore``) so a 100,000-row list opens at once.
``PlainTableModel`` shows a small list of plain rows (preflight errors,
rejected import rows, file previews).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from mailer_gui.core.audience.recipients import recipient_page
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.context import AppContext

Index = QModelIndex | QPersistentModelIndex
BATCH = 200


class PlainTableModel(QAbstractTableModel):
    """Read-only rows of plain values under fixed headers."""

    def __init__(
        self, headers: Sequence[str] = (), rows: Sequence[Sequence[Any]] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]
        self.endResetModel()

    def rows(self) -> list[list[Any]]:
        return [list(r) for r in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        value = row[index.column()] if index.column() < len(row) else ""
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and section < len(self._headers):
            return self._headers[section]
        return None


class RecipientsModel(QAbstractTableModel):
    """A campaign's recipients (not its test sends), fetched ``BATCH`` at a time."""

    COL_ROW, COL_EMAIL, COL_STATUS = range(3)
    FIXED = 3  # then one column per imported field, then the server's reply

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id: int | None = None
        self._rows: list[tuple[int | None, str, str, str, dict[str, Any]]] = []
        self._fields: list[str] = []
        self._last_id = 0
        self._more = False

    def set_campaign(self, campaign_id: int | None, fields: Sequence[str] = ()) -> None:
        """Show ``campaign_id``'s recipients, with ``fields`` as extra columns."""
        self.beginResetModel()
        self.campaign_id = campaign_id
        self._fields = [f for f in fields if f != "email"]
        self._rows, self._last_id = [], 0
        self._more = campaign_id is not None
        self.endResetModel()
        if self._more:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self.campaign_id is None:
            return
        with self.ctx.db.read() as s:
            batch = recipient_page(s, self.campaign_id, self._last_id, BATCH)
        self._more = len(batch) == BATCH
        if not batch:
            return
        self._last_id = batch[-1].id
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self._rows.extend((r.row_number, r.email, r.status, r.reply, r.fields) for r in batch)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.FIXED + len(self._fields) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row_number, email, status, reply, fields = self._rows[index.row()]
        col = index.column()
        if col == self.COL_ROW:
            return "" if row_number is None else str(row_number)
        if col == self.COL_EMAIL:
            return email
        if col == self.COL_STATUS:
            return status_name(status) if role == Qt.ItemDataRole.DisplayRole else status
        if col == self.reply_column:
            return reply
        value = fields.get(self._fields[col - self.FIXED])
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        # Written out in full so that lupdate finds the strings.
        fixed = [
            QCoreApplication.translate("RecipientsModel", "Row"),
            QCoreApplication.translate("RecipientsModel", "Email"),
            QCoreApplication.translate("RecipientsModel", "Status"),
        ]
        if section < self.FIXED:
            return fixed[section]
        if section == self.reply_column:
            return QCoreApplication.translate("RecipientsModel", "Server reply")
        if section - self.FIXED < len(self._fields):
            return self._fields[section - self.FIXED]
        return None

    @property
    def reply_column(self) -> int:
        return self.FIXED + len(self._fields)


def status_name(status: str) -> str:
    """A recipient state in words (the code stays in the tooltip)."""
    names: dict[str, str] = {
        RecipientStatus.PENDING: QCoreApplication.translate("RecipientsModel", "waiting"),
        RecipientStatus.SENDING: QCoreApplication.translate("RecipientsModel", "sending"),
        RecipientStatus.SENT: QCoreApplication.translate("RecipientsModel", "sent"),
        RecipientStatus.FAILED: QCoreApplication.translate("RecipientsModel", "failed"),
        RecipientStatus.UNCERTAIN: QCoreApplication.translate("RecipientsModel", "uncertain"),
        RecipientStatus.SUPPRESSED: QCoreApplication.translate("RecipientsModel", "suppressed"),
        RecipientStatus.BOUNCED: QCoreApplication.translate("RecipientsModel", "bounced"),
    }
    return names.get(status, status)
