"""Demo mode's Outbox: the messages the built-in test server caught.

The list is a ``QAbstractTableModel`` over the outbox folder (time, to,
subject); the viewer shows the selected message as it was received: the
rendered HTML part, the text part, the headers and the raw source. A
``QFileSystemWatcher`` on the folder (plus a slow timer, since watchers miss
events on some file systems) brings new messages in while the window is open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QFileSystemWatcher,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.demo.mode import DemoSession, OutboxMessage, system_timezone
from mailer_gui.ui.timefmt import full_time

COL_TIME, COL_TO, COL_SUBJECT = range(3)
COLUMN_COUNT = 3
MessageRole = Qt.ItemDataRole.UserRole + 1
POLL_MS = 2000
_Index = QModelIndex | QPersistentModelIndex

BANNER_STYLE = (
    "QLabel { background: #fff4ce; color: #4a3b00; border: 1px solid #e0c36a;"
    " border-radius: 4px; padding: 6px 10px; }"
)


class OutboxModel(QAbstractTableModel):
    """Rows are ``OutboxMessage`` values, oldest first; new ones are appended."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._messages: list[OutboxMessage] = []
        self.zone = system_timezone()  # the window sets the settings' one

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._messages)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Received"), self.tr("To"), self.tr("Subject"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        msg = self._messages[index.row()]
        if role == MessageRole:
            return msg
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_TIME:
                return full_time(msg.received_at, self.zone, seconds=True)
            if index.column() == COL_TO:
                return msg.to
            return msg.subject
        if role == Qt.ItemDataRole.ToolTipRole:
            return msg.path.name
        if role == Qt.ItemDataRole.UserRole:  # sort keys: arrival order, then text
            return (msg.number, msg.to, msg.subject)[index.column()]
        return None

    def message(self, row: int) -> OutboxMessage:
        return self._messages[row]

    def numbers(self) -> list[int]:
        return [m.number for m in self._messages]

    def append(self, new: list[OutboxMessage]) -> None:
        if not new:
            return
        first = len(self._messages)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._messages.extend(new)
        self.endInsertRows()


class OutboxWindow(QWidget):
    """The demo outbox: the caught messages and a viewer, refreshed live."""

    def __init__(
        self, demo_session: DemoSession, parent: QWidget | None = None, zone: str | None = None
    ) -> None:
        """``zone``: the settings' one, that times are shown in (the laptop's if None)."""
        super().__init__(parent, Qt.WindowType.Window)
        self.demo = demo_session
        self.setObjectName("OutboxWindow")
        self.setWindowTitle(self.tr("Demo outbox — Mailer"))
        self.resize(980, 640)
        self.model = OutboxModel(self)
        self.model.zone = zone or system_timezone()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_banner())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._build_table())
        splitter.addWidget(self._build_viewer())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([200, 440])
        layout.addWidget(splitter, 1)
        self._build_refresh()
        self.refresh()

    # -- construction ------------------------------------------------------------
    def _build_banner(self) -> QLabel:
        self.banner = QLabel(self)
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setText(
            self.tr(
                "<b>Demo</b> — these messages were caught by the built-in test server on "
                "127.0.0.1:{port}. Nothing was sent to anyone: no message leaves this computer."
            ).replace("{port}", str(self.demo.port))
        )
        return self.banner

    def _build_table(self) -> QWidget:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.count_label = QLabel(box)
        lay.addWidget(self.count_label)
        self.table = QTableView(box)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TO, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        lay.addWidget(self.table)
        return box

    def _build_viewer(self) -> QWidget:
        self.tabs = QTabWidget(self)
        self.html_view = QTextBrowser(self.tabs)
        # Links in a caught message are shown, not followed: it is a preview.
        self.html_view.setOpenLinks(False)
        self.html_view.setOpenExternalLinks(False)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text_view = self._plain(mono)
        self.headers_view = self._plain(mono)
        self.source_view = self._plain(mono)
        self.tabs.addTab(self.html_view, self.tr("HTML"))
        self.tabs.addTab(self.text_view, self.tr("Text"))
        self.tabs.addTab(self.headers_view, self.tr("Headers"))
        self.tabs.addTab(self.source_view, self.tr("Source"))
        return self.tabs

    def _plain(self, font: QFont) -> QPlainTextEdit:
        view = QPlainTextEdit(self.tabs)
        view.setReadOnly(True)
        view.setFont(font)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        return view

    def _build_refresh(self) -> None:
        self.watcher = QFileSystemWatcher([str(self.demo.outbox.folder)], self)
        self.watcher.directoryChanged.connect(lambda _path: self._schedule_refresh())
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(100)
        self._debounce.timeout.connect(self.refresh)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self.refresh)
        self.poll.start()

    # -- behaviour -----------------------------------------------------------------
    def _schedule_refresh(self) -> None:
        self._debounce.start()

    def refresh(self) -> None:
        """Append the messages that arrived since the last look."""
        known = set(self.model.numbers())
        outbox = self.demo.outbox
        new = [outbox.load(n) for n in outbox.numbers() if n not in known]
        had_none = self.model.rowCount() == 0
        self.model.append(new)
        n = self.model.rowCount()
        self.count_label.setText(
            self.tr("Messages caught: %n", "", n)
            if n
            else self.tr(
                "No messages yet. Press \u201cSend test\u201d or put the sample campaign "
                "in the queue; every message the app sends in demo mode appears here."
            )
        )
        if new and (had_none or not self.table.currentIndex().isValid()):
            self.select_row(0)

    def select_row(self, view_row: int) -> None:
        index = self.proxy.index(view_row, 0)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.selectRow(view_row)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        msg = self.proxy.data(current, MessageRole)
        if isinstance(msg, OutboxMessage):
            self.show_message(msg)

    def show_message(self, msg: OutboxMessage) -> None:
        html = msg.html
        if html:
            self.html_view.setHtml(html)
        else:
            self.html_view.setPlainText(self.tr("(this message has no HTML part)"))
        self.text_view.setPlainText(msg.text or self.tr("(this message has no text part)"))
        envelope = [
            f"X-Envelope-From: {msg.mail_from}",
            f"X-Envelope-To: {', '.join(msg.rcpt_tos)}",
            "",
        ]
        self.headers_view.setPlainText("\n".join(envelope + [f"{k}: {v}" for k, v in msg.headers]))
        self.source_view.setPlainText(msg.raw.decode("utf-8", errors="replace"))

    def current_message(self) -> OutboxMessage | None:
        index = self.table.currentIndex()
        msg = self.proxy.data(index, MessageRole) if index.isValid() else None
        return msg if isinstance(msg, OutboxMessage) else None
