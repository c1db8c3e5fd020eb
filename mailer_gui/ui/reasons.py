"""Reason codes and countdowns in plain, translatable words.

Every string is a literal inside ``QCoreApplication.translate`` so that
``pyside6-lupdate`` finds it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_tr = QCoreApplication.translate


def reason_text(code: str | None) -> str:
    """The reason code in plain words (the code itself goes in a tooltip)."""
    texts = {
        "outside_hours": _tr("Reasons", "Outside working hours"),
        "hourly_limit": _tr("Reasons", "Hourly limit reached"),
        "monthly_quota": _tr("Reasons", "Monthly quota used up"),
        "transient_error": _tr("Reasons", "Temporary server error, will retry"),
        "provider_limit": _tr("Reasons", "The provider is throttling sending"),
        "smtp_not_configured": _tr("Reasons", "SMTP is not set up: open Settings"),
        "smtp_auth_failed": _tr("Reasons", "The server refused the login: check the password"),
        "smtp_rejected": _tr("Reasons", "The server refused the sender or content"),
        "scheduled": _tr("Reasons", "Scheduled"),
        "paused": _tr("Reasons", "Paused by you"),
        "waiting": _tr("Reasons", "Waiting for its turn"),
    }
    if code is None:
        return ""
    return texts.get(code, code)


def status_text(status: str) -> str:
    texts = {
        "queued": _tr("Reasons", "Queued"),
        "processing": _tr("Reasons", "Sending"),
        "deferred": _tr("Reasons", "Waiting"),
        "paused": _tr("Reasons", "Paused"),
        "completed": _tr("Reasons", "Completed"),
        "completed_with_errors": _tr("Reasons", "Completed with errors"),
        "cancelled": _tr("Reasons", "Cancelled"),
    }
    return texts.get(status, status)


def countdown_text(seconds: float) -> str:
    """A countdown: ``04:12`` under an hour, ``1:04:12`` under a day, ``2 d 3 h`` beyond."""
    s = max(0, int(seconds + 0.999))  # round up: never show 00:00 before it is time
    if s < 3600:
        return f"{s // 60:02d}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return _tr("Reasons", "{d} d {h} h").format(d=s // 86400, h=s % 86400 // 3600)
