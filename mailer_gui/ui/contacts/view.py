"""The Contacts view: lists in a sidebar, the contacts of the chosen one in a
lazy table with a search box, the history of the selected contact (the
campaigns sent to it, when, with what outcome), and import into a list and
export of it. Reads, imports and exports run off the GUI thread
(BackgroundTask)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.audience import history, list_export, lists
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.context import AppContext
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.contacts.model import ContactsModel
from mailer_gui.ui.timefmt import display_time

SEARCH_DELAY_MS = 150
ALL = -1  # the sidebar's "All contacts"


class ContactsView(QWidget):
    """``listsChanged`` after a list is made or filled (the editor's picker re-reads)."""

    listsChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ContactsModel(ctx, self)
        self.model.counted.connect(self._show_count)
        self._task: BackgroundTask | None = None
        self._tasks: list[BackgroundTask] = []
        self._wanted: int | None = None  # a list asked for before the lists arrived
        self.last_result: Any = None
        self.history_loaded: list[history.HistoryLine] | None = None
        self._undo: lists.DeletedList | None = None  # the last list deleted (Undo)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        splitter = QSplitter(self)
        splitter.addWidget(self._build_sidebar())
        splitter.addWidget(self._build_table())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 700])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(splitter)
        self.reload_lists()
        self.index_new_contacts()

    # -- construction ------------------------------------------------------------
    def _build_sidebar(self) -> QWidget:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr("Lists"), box))
        self.lists = QListWidget(box)
        self.lists.currentItemChanged.connect(lambda *_: self._list_chosen())
        self.lists.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.lists.customContextMenuRequested.connect(self._list_menu)
        for key, slot in (
            (QKeySequence(Qt.Key.Key_F2), self.ask_rename),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.ask_delete),
        ):
            shortcut = QShortcut(key, self.lists)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        lay.addWidget(self.lists, 1)
        self.new_button = QPushButton(self.tr("New list…"), box)
        self.new_button.clicked.connect(self.ask_new_list)
        lay.addWidget(self.new_button)
        return box

    def _build_table(self) -> QWidget:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit(box)
        self.search.setPlaceholderText(self.tr("Search address or any field"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        bar.addWidget(self.search, 1)
        self.import_button = QPushButton(self.tr("Import into list…"), box)
        self.import_button.clicked.connect(self.ask_import)
        self.export_button = QPushButton(self.tr("Export…"), box)
        self.export_button.clicked.connect(self.ask_export)
        bar.addWidget(self.import_button)
        bar.addWidget(self.export_button)
        lay.addLayout(bar)
        self.table = QTableView(box)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.model.modelReset.connect(self._set_widths)
        self.model.modelReset.connect(self._show_history)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_history())
        self._set_widths()
        lay.addWidget(self.table, 1)
        self.history_title = QLabel(box)
        lay.addWidget(self.history_title)
        self.history = QTreeWidget(box)
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels([self.tr("Campaign"), self.tr("When"), self.tr("Outcome")])
        self.history.setMaximumHeight(self.fontMetrics().height() * 9)
        chars = self.fontMetrics().averageCharWidth()
        self.history.setColumnWidth(0, chars * 36)
        self.history.setColumnWidth(1, chars * 20)
        lay.addWidget(self.history)
        self._history_for: str | None = None  # the address whose history is shown
        self._show_history()
        self.count_label = QLabel(box)
        self.status = QLabel(box)
        self.status.setWordWrap(True)
        lay.addWidget(self.count_label)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        self.undo_button = QPushButton(self.tr("Undo"), box)
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()
        status_row.addWidget(self.undo_button)
        lay.addLayout(status_row)
        return box

    def _set_widths(self) -> None:
        """Room for a typical address and a file name; fields share the rest."""
        chars = self.table.fontMetrics().averageCharWidth()
        self.table.setColumnWidth(0, chars * 30)
        self.table.setColumnWidth(1, chars * 16)

    # -- the selected contact's history ------------------------------------------------
    def selected_contact(self) -> lists.ContactRow | None:
        row = self.table.currentIndex().row()
        return self.model.contact_at(row) if 0 <= row < self.model.rowCount() else None

    def _show_history(self) -> None:
        """Read the selected contact's campaigns off the GUI thread, then show them."""
        contact = self.selected_contact()
        self.history.clear()
        self.history_loaded = None
        if contact is None:
            self._history_for = None
            self.history_title.setText(self.tr("Select a contact to see the campaigns sent to it."))
            return
        email, db, now = contact.email, self.ctx.db, self.ctx.clock.now()
        self._history_for = email
        self.history_title.setText(self.tr("Campaigns sent to %1").replace("%1", email))

        def work(_task: BackgroundTask) -> tuple[str, str, list[history.HistoryLine]]:
            from mailer_gui.core.config import settings as settings_mod

            with db.read() as s:
                zone = settings_mod.load(s).limits.timezone
                return email, zone, history.contact_history(s, email)

        def arrived(result: tuple[str, str, list[history.HistoryLine]]) -> None:
            shown, zone, lines = result
            if not shiboken6.isValid(self.history):
                return  # the view was closed while the history was read
            if shown != self._history_for:
                return  # another contact was selected meanwhile
            self.history.clear()
            for line in lines:
                item = QTreeWidgetItem(
                    [
                        line.campaign,
                        display_time(line.at, zone, now) if line.at else "",
                        self._outcome(line),
                    ]
                )
                item.setToolTip(2, line.reply)
                self.history.addTopLevelItem(item)
            if not lines:
                self.history_title.setText(
                    self.tr("No campaign was sent to %1 yet.").replace("%1", shown)
                )
            self.history_loaded = lines

        task = BackgroundTask(work, arrived, self._task_failed).start()
        self._tasks = [t for t in self._tasks if t.running] + [task]

    def _outcome(self, line: history.HistoryLine) -> str:
        words = {
            RecipientStatus.PENDING: self.tr("Waiting to be sent"),
            RecipientStatus.SENDING: self.tr("Being sent"),
            RecipientStatus.SENT: self.tr("Sent"),
            RecipientStatus.FAILED: self.tr("Failed"),
            RecipientStatus.UNCERTAIN: self.tr("Uncertain (may have arrived)"),
            RecipientStatus.SUPPRESSED: self.tr("Not sent: on the suppression list"),
            RecipientStatus.BOUNCED: self.tr("Bounced"),
        }
        word = words.get(line.status, line.status)
        if line.reply and line.status in (RecipientStatus.FAILED, RecipientStatus.BOUNCED):
            return f"{word}: {line.reply}"
        return word

    # -- lists ---------------------------------------------------------------------
    def reload_lists(self, select: int | None = None) -> BackgroundTask:
        """Read the lists (with their counts) off the GUI thread, then show them."""
        wanted = select if select is not None else self.current_list()
        db = self.ctx.db

        def work(_task: BackgroundTask) -> tuple[int | None, list[lists.ListInfo]]:
            with db.read() as s:
                return wanted, lists.list_lists(s)

        task = BackgroundTask(work, self._lists_arrived, self._task_failed).start()
        self._tasks = [t for t in self._tasks if t.running] + [task]
        return task

    def _lists_arrived(self, result: tuple[int | None, list[lists.ListInfo]]) -> None:
        wanted, infos = result
        self.lists.blockSignals(True)
        self.lists.clear()
        item = QListWidgetItem(self.tr("All contacts"))
        item.setData(Qt.ItemDataRole.UserRole, ALL)
        self.lists.addItem(item)
        for info in infos:
            item = QListWidgetItem(f"{info.name} ({info.contacts})")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.lists.addItem(item)
        self.lists.blockSignals(False)
        target, self._wanted = (self._wanted if self._wanted is not None else wanted), None
        self.select_list(target)  # shows its contacts (anew after an import)

    def current_list(self) -> int | None:
        item = self.lists.currentItem()
        value = None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
        return None if value in (None, ALL) else value

    def select_list(self, list_id: int | None) -> None:
        if self.lists.count() == 0:  # the lists are still being read
            self._wanted = list_id
            return
        wanted = ALL if list_id is None else list_id
        for row in range(self.lists.count()):
            if self.lists.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                self.lists.setCurrentRow(row)
                return
        self.lists.setCurrentRow(0)

    def _list_chosen(self) -> None:
        self.import_button.setEnabled(self.current_list() is not None)
        self.model.show(self.current_list(), self.search.text())

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.show(self.current_list(), self.search.text())

    @property
    def loading(self) -> bool:
        return self.model.loading

    def _show_count(self, n: int) -> None:
        self.count_label.setText(self.tr("%n contact(s)", "", n))

    def ask_new_list(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New list"), self.tr("Name of the list"))
        if ok:
            self.create_list(name)

    def create_list(self, name: str) -> int | None:
        try:
            with self.ctx.db.write() as s:
                list_id = lists.create_list(s, name, self.ctx.clock.now())
        except lists.ListError as exc:
            self.status.setText(messages.text(exc))
            return None
        self.reload_lists(select=list_id)
        self.listsChanged.emit()
        return list_id

    # -- rename and delete (context menu, F2, Delete) -----------------------------------
    def _list_menu(self, pos: QPoint) -> None:
        item = self.lists.itemAt(pos)
        if item is None or int(item.data(Qt.ItemDataRole.UserRole)) == ALL:
            return
        self.lists.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), self.ask_rename)
        menu.addAction(self.tr("Delete…"), self.ask_delete)
        menu.exec(self.lists.viewport().mapToGlobal(pos))

    def _list_name(self, list_id: int) -> str:
        with self.ctx.db.read() as s:
            return lists.get_list(s, list_id).name

    def ask_rename(self) -> None:
        list_id = self.current_list()
        if list_id is None:
            return
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename list"),
            self.tr("New name of the list"),
            text=self._list_name(list_id),
        )
        if ok:
            self.rename_list(list_id, name)

    def rename_list(self, list_id: int, name: str) -> bool:
        try:
            with self.ctx.db.write() as s:
                lists.rename_list(s, list_id, name)
        except lists.ListError as exc:
            self.status.setText(messages.text(exc))
            return False
        self.status.setText("")
        self.reload_lists(select=list_id)
        self.listsChanged.emit()
        return True

    def ask_delete(self) -> None:
        list_id = self.current_list()
        if list_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete list"),
            self.tr(
                "Delete the list %1? Its contacts stay (on their other lists, or as contacts "
                "on no list), and campaigns no longer send to it."
            ).replace("%1", repr(self._list_name(list_id))),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_list(list_id)

    def delete_list(self, list_id: int) -> BackgroundTask:
        """Delete off the GUI thread (a big list has many members); Undo puts it back."""
        db = self.ctx.db

        def work(_task: BackgroundTask) -> lists.DeletedList:
            with db.write() as s:
                return lists.delete_list(s, list_id)

        self._set_busy(True)
        self._task = BackgroundTask(work, self._deleted, self._task_failed).start()
        return self._task

    def _deleted(self, gone: lists.DeletedList) -> None:
        self._set_busy(False)
        self.last_result = self._undo = gone
        self.status.setText(
            self.tr("List %1 deleted; its %2 contact(s) stay.")
            .replace("%1", repr(gone.name))
            .replace("%2", str(len(gone.members)))
        )
        self.undo_button.show()
        self.reload_lists(select=ALL)
        self.listsChanged.emit()

    def undo_delete(self) -> BackgroundTask | None:
        gone = self._undo
        if gone is None:
            return None
        db = self.ctx.db

        def work(_task: BackgroundTask) -> int:
            with db.write() as s:
                return lists.restore_list(s, gone)

        self.undo_button.hide()
        self._undo = None
        self._set_busy(True)
        self._task = BackgroundTask(work, self._restored, self._task_failed).start()
        return self._task

    def _restored(self, list_id: int) -> None:
        self._set_busy(False)
        self.last_result = list_id
        self.status.setText(self.tr("The list is back."))
        self.reload_lists(select=list_id)
        self.listsChanged.emit()

    def index_new_contacts(self) -> BackgroundTask:
        """Bring the search index up to date off the GUI thread (after an
        import, and when the view opens: an import the CLI left unindexed)."""
        db = self.ctx.db
        task = BackgroundTask(
            lambda _t: lists.index_new_contacts(db), lambda _n: None, lambda _exc: None
        ).start()
        self._tasks = [t for t in self._tasks if t.running] + [task]
        return task

    # -- import and export -----------------------------------------------------------
    def ask_import(self) -> None:
        list_id = self.current_list()
        if list_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import into list"), "", self.tr("Tables (*.csv *.txt *.xlsx)")
        )
        if not path:
            return
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Import into list"))
        box.setText(self.tr("Some contacts may be stored already. What about their fields?"))
        keep = box.addButton(self.tr("Keep theirs"), QMessageBox.ButtonRole.AcceptRole)
        update = box.addButton(self.tr("Take the file's"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() in (keep, update):
            self.import_file(list_id, Path(path), update=box.clickedButton() is update)

    def import_file(self, list_id: int, path: Path, update: bool) -> BackgroundTask:
        db, now = self.ctx.db, self.ctx.clock.now()

        def work(task: BackgroundTask) -> lists.ListImportResult:
            return lists.import_file(
                db,
                list_id,
                path,
                now,
                update=update,
                progress=task.report,
                cancel=lambda: task.cancelled,
            )

        self._set_busy(True)
        self._task = BackgroundTask(work, self._imported, self._task_failed).start()
        return self._task

    def _imported(self, r: lists.ListImportResult) -> None:
        self._set_busy(False)
        self.last_result = r
        self.index_new_contacts()
        self.reload_lists()
        self.listsChanged.emit()
        self.status.setText(
            self.tr(
                "On the list: %1 (new %2, updated %3, kept %4). Rejected: %5 invalid, "
                "%6 duplicate, %7 blocked."
            )
            .replace("%1", str(r.imported))
            .replace("%2", str(r.new))
            .replace("%3", str(r.updated))
            .replace("%4", str(r.kept))
            .replace("%5", str(r.invalid))
            .replace("%6", str(r.duplicate))
            .replace("%7", str(r.suppressed))
        )

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export contacts"), "contacts.csv", self.tr("CSV (*.csv);;Excel (*.xlsx)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> BackgroundTask:
        db, list_id = self.ctx.db, self.current_list()
        self._set_busy(True)
        self._task = BackgroundTask(
            lambda _t: list_export.export(db, list_id, path), self._exported, self._task_failed
        ).start()
        return self._task

    def _exported(self, n: int) -> None:
        self._set_busy(False)
        self.last_result = n
        self.status.setText(self.tr("%n contact(s) exported", "", n))

    def _task_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.last_result = exc
        self.status.setText(messages.text(exc))

    def _set_busy(self, busy: bool) -> None:
        for w in (self.import_button, self.export_button, self.new_button):
            w.setEnabled(not busy)
        if not busy:
            self.import_button.setEnabled(self.current_list() is not None)
