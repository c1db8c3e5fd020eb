"""Reason codes and countdowns in plain, translatable words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Reasons", text)


def reason_text(code: str | None) -> str:
    """The reason code in plain words (the code itself goes in a tooltip)."""
    texts = {
        "outside_hours": _t("Outside working hours"),
        "hourly_limit": _t("Hourly limit reached"),
        "monthly_quota": _t("Monthly quota used up"),
        "transient_error": _t("Temporary server error, will retry"),
        "provider_limit": _t("The provider is throttling sending"),
        "smtp_not_configured": _t("SMTP is not set up: open Settings"),
        "smtp_auth_failed": _t("The server refused the login: check the password"),
        "smtp_rejected": _t("The server refused the sender or content"),
        "scheduled": _t("Scheduled"),
        "paused": _t("Paused by you"),
        "waiting": _t("Waiting for its turn"),
    }
    if code is None:
        return ""
    return texts.get(code, code)


def status_text(status: str) -> str:
    texts = {
        "queued": _t("Queued"),
        "processing": _t("Sending"),
        "deferred": _t("Waiting"),
        "paused": _t("Paused"),
        "completed": _t("Completed"),
        "completed_with_errors": _t("Completed with errors"),
        "cancelled": _t("Cancelled"),
    }
    return texts.get(status, status)


def countdown_text(seconds: float) -> str:
    """A countdown: ``04:12`` under an hour, ``1:04:12`` under a day, ``2 d 3 h`` beyond."""
    s = max(0, int(seconds + 0.999))  # round up: never show 00:00 before it is time
    if s < 3600:
        return f"{s // 60:02d}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return _t("{d} d {h} h").format(d=s // 86400, h=s % 86400 // 3600)
