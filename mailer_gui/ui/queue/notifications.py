"""Notifications: a tray message where a tray exists, an in-app list always.

One per notification row; the core already records one per change of reason
or time (never per tick), and rows are shown once each by id.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QListView,
    QListWidget,
    QListWidgetItem,
    QSystemTrayIcon,
    QWidget,
)

from mailer_gui.core.sending import queue
from mailer_gui.ui.icons import app_icon
from mailer_gui.ui.queue.reasons import reason_text, status_text
from mailer_gui.ui.timefmt import DEFAULT_ZONE, short_time

NoteIdRole = Qt.ItemDataRole.UserRole + 1
UnreadRole = Qt.ItemDataRole.UserRole + 2


class TrayLike(Protocol):
    def showMessage(self, title: str, msg: str, icon: Any = ..., msecs: int = ...) -> None: ...


def _local(when: Any, d: dict[str, Any]) -> str:
    """In the settings' zone (as the notification was made), labelled if the laptop's differs."""
    return short_time(when, d.get("timezone") or DEFAULT_ZONE)


def notification_text(d: dict[str, Any]) -> str:
    """A notification in the operator's language, from the worker's plain dict."""
    name = d.get("campaign_name") or "?"
    if d.get("kind") == "finished" and d.get("final_status"):
        return _finished_text(d, name)
    if d.get("kind") == "uncertain":
        text = _uncertain_text(d, name)
        if text is not None:
            return text
    if d.get("kind") == "deferred" and d.get("reason_code"):
        return _deferred_text(d, name)
    return str(d.get("worded") or d.get("text", ""))


def _finished_text(d: dict[str, Any], name: str) -> str:
    c = d.get("counts") or {}
    template = (
        QCoreApplication.translate("Notifications", "Test send of “%1” finished: %2")
        if d.get("entry_kind") == "test"
        else QCoreApplication.translate(
            "Notifications", "“%1” finished: %2 — %3 sent, %4 failed, %5 uncertain"
        )
    )
    return (
        template.replace("%1", name)
        .replace("%2", status_text(d["final_status"]))
        .replace("%3", str(c.get("sent", 0)))
        .replace("%4", str(c.get("failed", 0)))
        .replace("%5", str(c.get("uncertain", 0)))
    )


def _uncertain_text(d: dict[str, Any], name: str) -> str | None:
    """The uncertain notice worded again; None if its text is not one."""
    parts = queue.uncertain_notice_parts(str(d.get("text", "")))
    if parts is not None:
        count, names, more = parts
        listed = ", ".join(names)
        if more:
            listed = (
                QCoreApplication.translate("Notifications", "%1 and %2 more")
                .replace("%1", listed)
                .replace("%2", str(more))
            )
        return (
            QCoreApplication.translate(
                "Notifications",
                "%1 recipient(s) of “%2” are uncertain: the app stopped while sending, "
                "so the server may have accepted the message. Decide for each with "
                "Resolve uncertain: %3",
            )
            .replace("%1", str(count))
            .replace("%2", name)
            .replace("%3", listed)
        )
    return None


def _deferred_text(d: dict[str, Any], name: str) -> str:
    if d["reason_code"] == "bounce_rate" and d.get("worded"):
        return str(d["worded"])  # the guard's own words: how many of how many, and why
    text = (
        QCoreApplication.translate("Notifications", "“%1” waits: %2")
        .replace("%1", name)
        .replace("%2", reason_text(d["reason_code"]))
    )
    if d.get("next_run_at") is not None:
        text += QCoreApplication.translate("Notifications", "; next try %1").replace(
            "%1", _local(d["next_run_at"], d)
        )
    return text


class Notifier(QObject):
    """Shows each notification row once: tray balloon if any, and in ``list_widget``.

    The list also holds the history from the database (``load_history``), so
    it survives a restart; unread rows are bold until the operator clicks
    them or chooses "Mark all as read" (``markedRead`` carries the ids).
    """

    shown = Signal(dict, str)
    markedRead = Signal(list)  # list[int]: notification ids now read

    def __init__(
        self,
        tray: TrayLike | None = None,
        parent: QWidget | None = None,
        use_system_tray: bool = True,
    ) -> None:
        super().__init__(parent)
        self.tray: Any = tray
        if tray is None and use_system_tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), parent)
            self.tray.setToolTip(self.tr("Mailer"))
            self.tray.show()
        self.list_widget = QListWidget(parent)
        self.list_widget.setObjectName("NotificationList")
        # A narrow dock: wrap long notices instead of scrolling sideways.
        self.list_widget.setWordWrap(True)
        self.list_widget.setResizeMode(QListView.ResizeMode.Adjust)
        self.list_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_widget.itemClicked.connect(lambda item: self._mark_items([item]))
        self.list_widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.mark_all_action = QAction(self.tr("Mark all as read"), self.list_widget)
        self.mark_all_action.triggered.connect(self.mark_all_read)
        self.list_widget.addAction(self.mark_all_action)
        self._seen: set[int] = set()

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    def load_history(self, rows: list[dict[str, Any]]) -> None:
        """Rows already in the database (oldest first): listed, never popped up again."""
        for d in rows:
            if d.get("id") in self._seen:
                continue
            self._seen.add(int(d.get("id", -1)))
            self._add_item(d, notification_text(d))

    def on_notifications(self, rows: list[dict[str, Any]]) -> None:
        for d in rows:
            if d.get("id") in self._seen:
                continue
            self._seen.add(int(d.get("id", -1)))
            self._show(d)

    def _add_item(self, d: dict[str, Any], text: str) -> QListWidgetItem:
        item = QListWidgetItem(f"{_local(d.get('at'), d)}  {text}")
        item.setToolTip(str(d.get("worded") or d.get("text", "")))
        item.setData(NoteIdRole, int(d.get("id", -1)))
        self._set_unread(item, not d.get("read"))
        self.list_widget.insertItem(0, item)
        return item

    def _show(self, d: dict[str, Any]) -> None:
        text = notification_text(d)
        self._add_item(d, text)
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Information
            if d.get("final_status") == "completed_with_errors" or d.get("reason_code") in (
                "smtp_auth_failed",
                "smtp_rejected",
                "smtp_not_configured",
                "bounce_rate",
            ):
                icon = QSystemTrayIcon.MessageIcon.Warning
            if d.get("kind") == "uncertain":
                icon = QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(self.tr("Mailer"), text, icon, 10_000)
        self.shown.emit(d, text)

    @staticmethod
    def _set_unread(item: QListWidgetItem, unread: bool) -> None:
        font = item.font()
        font.setBold(unread)
        item.setFont(font)
        item.setData(UnreadRole, unread)

    def _mark_items(self, items: list[QListWidgetItem]) -> None:
        ids = []
        for item in items:
            if item.data(UnreadRole):
                self._set_unread(item, False)
                ids.append(int(item.data(NoteIdRole)))
        if ids:
            self.markedRead.emit(ids)

    def mark_all_read(self) -> None:
        lw = self.list_widget
        self._mark_items([lw.item(i) for i in range(lw.count())])

    def unread_count(self) -> int:
        lw = self.list_widget
        return sum(1 for i in range(lw.count()) if lw.item(i).data(UnreadRole))

    def count(self) -> int:
        return self.list_widget.count()
