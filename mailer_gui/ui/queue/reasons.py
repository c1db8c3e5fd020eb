"""Reason codes and countdowns in plain, translatable words.

Every string is a literal inside ``QCoreApplication.translate`` so that
``pyside6-lupdate`` finds it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from mailer_gui.core.codes import EntryStatus, Reason


def reason_text(code: str | None) -> str:
    """The reason code in plain words (the code itself goes in a tooltip)."""
    texts: dict[str, str] = {
        Reason.OUTSIDE_HOURS: QCoreApplication.translate("Reasons", "Outside working hours"),
        Reason.MINUTE_LIMIT: QCoreApplication.translate("Reasons", "Per-minute limit reached"),
        Reason.HOURLY_LIMIT: QCoreApplication.translate("Reasons", "Hourly limit reached"),
        Reason.DAILY_LIMIT: QCoreApplication.translate("Reasons", "Daily limit reached"),
        Reason.MONTHLY_QUOTA: QCoreApplication.translate("Reasons", "Monthly quota used up"),
        Reason.TRANSIENT_ERROR: QCoreApplication.translate(
            "Reasons", "Temporary server error, will retry"
        ),
        Reason.PROVIDER_LIMIT: QCoreApplication.translate(
            "Reasons", "The provider is throttling sending"
        ),
        Reason.SMTP_NOT_CONFIGURED: QCoreApplication.translate(
            "Reasons", "SMTP is not set up: open Settings"
        ),
        Reason.SMTP_AUTH_FAILED: QCoreApplication.translate(
            "Reasons", "The server refused the login: check the password"
        ),
        Reason.SMTP_REJECTED: QCoreApplication.translate(
            "Reasons", "The server refused the sender, the content or the connection settings"
        ),
        Reason.BOUNCE_RATE: QCoreApplication.translate(
            "Reasons", "Too many hard bounces: check the list, then resume"
        ),
        Reason.SCHEDULED: QCoreApplication.translate("Reasons", "Scheduled"),
        Reason.PAUSED: QCoreApplication.translate("Reasons", "Paused by you"),
        Reason.WAITING: QCoreApplication.translate("Reasons", "Waiting for its turn"),
    }
    if code is None:
        return ""
    return texts.get(code, code)


def status_text(status: str) -> str:
    texts: dict[str, str] = {
        EntryStatus.QUEUED: QCoreApplication.translate("Reasons", "Queued"),
        EntryStatus.PROCESSING: QCoreApplication.translate("Reasons", "Sending"),
        EntryStatus.DEFERRED: QCoreApplication.translate("Reasons", "Waiting"),
        EntryStatus.PAUSED: QCoreApplication.translate("Reasons", "Paused"),
        EntryStatus.COMPLETED: QCoreApplication.translate("Reasons", "Completed"),
        EntryStatus.COMPLETED_WITH_ERRORS: QCoreApplication.translate(
            "Reasons", "Completed with errors"
        ),
        EntryStatus.CANCELLED: QCoreApplication.translate("Reasons", "Cancelled"),
    }
    return texts.get(status, status)


def paced_text(seconds: float) -> str:
    """The active entry between two paced messages (not a pause)."""
    return QCoreApplication.translate("Reasons", "Sending · next in %1").replace(
        "%1", countdown_text(seconds)
    )


def countdown_text(seconds: float) -> str:
    """A countdown: ``04:12`` under an hour, ``1:04:12`` under a day, ``2 d 3 h`` beyond."""
    s = max(0, int(seconds + 0.999))  # round up: never show 00:00 before it is time
    if s < 3600:
        return f"{s // 60:02d}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return QCoreApplication.translate("Reasons", "{d} d {h} h").format(
        d=s // 86400, h=s % 86400 // 3600
    )
