"""The status bar's mailbox part: when the mailbox was last checked and what it
found ("Mailbox 12:05: 2 bounces, 1 unsubscribe, 0 complaints"), or why the
check failed. Filled from the mailbox worker's plain data, never by a query
of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QLabel

from mailer_gui.ui.timefmt import short_time


class MailboxLabel(QLabel):
    def __init__(self, zone: str = "UTC", parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("MailboxLabel")
        self.zone = zone
        self.hide()  # until a mailbox is set up and checked

    def on_started(self) -> None:
        self.setText(self.tr("Mailbox: checking…"))
        self.show()

    def on_checked(self, result: dict[str, Any]) -> None:
        when = short_time(datetime.fromisoformat(result["checked_at"]), self.zone)
        self.setText(
            self.tr("Mailbox %1: %2 bounces, %3 unsubscribes, %4 complaints")
            .replace("%1", when)
            .replace("%2", str(result.get("bounces", 0)))
            .replace("%3", str(result.get("unsubscribes", 0)))
            .replace("%4", str(result.get("complaints", 0)))
        )
        self.setToolTip(
            self.tr(
                "Last mailbox check: %1 new messages, %2 soft bounces, %3 ignored, "
                "%4 unreadable; %5 addresses suppressed"
            )
            .replace("%1", str(result.get("messages", 0)))
            .replace("%2", str(result.get("soft_bounces", 0)))
            .replace("%3", str(result.get("ignored", 0)))
            .replace("%4", str(result.get("unreadable", 0)))
            .replace("%5", str(result.get("suppressed", 0)))
        )
        self.show()

    def on_failed(self, text: str) -> None:
        self.setText(self.tr("Mailbox: check failed"))
        self.setToolTip(text)
        self.show()
