"""Reason codes and countdowns in plain, translatable words.

Every string is a literal inside ``QCoreApplication.translate`` so that
``pyside6-lupdate`` finds it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def reason_text(code: str | None) -> str:
    """The reason code in plain words (the code itself goes in a tooltip)."""
    texts = {
        "outside_hours": QCoreApplication.translate("Reasons", "Outside working hours"),
        "hourly_limit": QCoreApplication.translate("Reasons", "Hourly limit reached"),
        "monthly_quota": QCoreApplication.translate("Reasons", "Monthly quota used up"),
        "transient_error": QCoreApplication.translate(
            "Reasons", "Temporary server error, will retry"
        ),
        "provider_limit": QCoreApplication.translate(
            "Reasons", "The provider is throttling sending"
        ),
        "smtp_not_configured": QCoreApplication.translate(
            "Reasons", "SMTP is not set up: open Settings"
        ),
        "smtp_auth_failed": QCoreApplication.translate(
            "Reasons", "The server refused the login: check the password"
        ),
        "smtp_rejected": QCoreApplication.translate(
            "Reasons", "The server refused the sender, the content or the connection settings"
        ),
        "scheduled": QCoreApplication.translate("Reasons", "Scheduled"),
        "paused": QCoreApplication.translate("Reasons", "Paused by you"),
        "waiting": QCoreApplication.translate("Reasons", "Waiting for its turn"),
    }
    if code is None:
        return ""
    return texts.get(code, code)


def status_text(status: str) -> str:
    texts = {
        "queued": QCoreApplication.translate("Reasons", "Queued"),
        "processing": QCoreApplication.translate("Reasons", "Sending"),
        "deferred": QCoreApplication.translate("Reasons", "Waiting"),
        "paused": QCoreApplication.translate("Reasons", "Paused"),
        "completed": QCoreApplication.translate("Reasons", "Completed"),
        "completed_with_errors": QCoreApplication.translate("Reasons", "Completed with errors"),
        "cancelled": QCoreApplication.translate("Reasons", "Cancelled"),
    }
    return texts.get(status, status)


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
