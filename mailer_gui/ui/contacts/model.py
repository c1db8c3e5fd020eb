"""The contacts table: a lazy model whose pages are read off the GUI thread.

Each page (``lists.contact_page``, keyset by contact id) is read in a
:class:`~mailer_gui.ui.background_task.BackgroundTask` and appended when it
arrives; a new list or search starts a new generation, and pages of an older
one are dropped. The GUI thread never waits on the database.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from mailer_gui.core.audience import lists
from mailer_gui.core.context import AppContext
from mailer_gui.ui.background_task import BackgroundTask

Index = QModelIndex | QPersistentModelIndex
PAGE = 100
COL_EMAIL, COL_SOURCE = 0, 1
FIXED = 2  # then one column per field


class ContactsModel(QAbstractTableModel):
    """Contacts of one list (or all), matching a search, ``PAGE`` at a time."""

    loaded = Signal()  # a page arrived (or the last one)
    counted = Signal(int)  # how many match, counted in the background

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list_id: int | None = None
        self.search = ""
        self._rows: list[lists.ContactRow] = []
        self._fields: list[str] = []
        self._more = False
        self._generation = 0
        # The tasks stay referenced after they deliver: dropping the last reference
        # inside the task's own slot would delete its signal object mid-emission.
        self._task: BackgroundTask | None = None
        self._count_task: BackgroundTask | None = None
        self._busy = False
        self._tasks: list[BackgroundTask] = []

    @property
    def loading(self) -> bool:
        return self._busy

    def show(self, list_id: int | None, search: str = "") -> None:
        """Start showing ``list_id``'s contacts matching ``search`` (pages follow)."""
        same_list = list_id == self.list_id and self._fields
        self.beginResetModel()
        self._generation += 1
        self.list_id, self.search = list_id, search
        self._rows, self._more = [], True
        if not same_list:
            self._fields = []
        self.endResetModel()
        # A new search of the same list keeps its columns; the count starts once
        # the first page is in (the two would share the cores).
        self._fetch(first=not same_list)

    def _fetch(self, first: bool = False) -> None:
        gen, list_id, search = self._generation, self.list_id, self.search
        after = self._rows[-1].id if self._rows else 0
        db = self.ctx.db

        def work(_task: BackgroundTask) -> tuple[int, list[lists.ContactRow], list[str] | None]:
            with db.read() as s:
                page = lists.contact_page(s, list_id, search, None, after, PAGE)
                names = lists.field_names(s, list_id) if first else None
            return gen, page, names

        self._busy = True
        self._task = self._keep(BackgroundTask(work, self._arrived, self._failed).start())

    def _arrived(self, result: tuple[int, list[lists.ContactRow], list[str] | None]) -> None:
        gen, page, names = result
        if gen != self._generation:
            return
        self._busy = False
        if not self._rows:
            self._count()
        if names is not None and names != self._fields:
            self.beginResetModel()
            self._fields = names
            self.endResetModel()
        self._more = len(page) == PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._more = False
        self.loaded.emit()

    def _count(self) -> None:
        gen, list_id, search, db = self._generation, self.list_id, self.search, self.ctx.db

        def work(_task: BackgroundTask) -> tuple[int, int]:
            with db.read() as s:
                return gen, lists.contact_count(s, list_id, search)

        def done(result: tuple[int, int]) -> None:
            # The count can come back after the view (and this model) was closed.
            if result[0] == self._generation and shiboken6.isValid(self):
                self.counted.emit(result[1])

        self._count_task = self._keep(BackgroundTask(work, done, lambda _exc: None).start())

    def _keep(self, task: BackgroundTask) -> BackgroundTask:
        """Tasks of an older list or search stay referenced until they deliver."""
        self._tasks = [t for t in self._tasks if t.running] + [task]
        return task

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._busy

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED + len(self._fields)

    def contact_at(self, row: int) -> lists.ContactRow:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        c = self._rows[index.row()]
        col = index.column()
        if col == COL_EMAIL:
            return c.email
        if col == COL_SOURCE:
            return c.source or ""
        value = c.fields.get(self._fields[col - FIXED])
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == COL_EMAIL:
            return QCoreApplication.translate("ContactsModel", "Email")
        if section == COL_SOURCE:
            return QCoreApplication.translate("ContactsModel", "Came from")
        return self._fields[section - FIXED] if section - FIXED < len(self._fields) else None
