"""Errors the operator sees: each says what is wrong and what to do."""

from __future__ import annotations


class MailerError(Exception):
    """Base for errors with a message fit to show the operator as is."""


class SettingsError(MailerError):
    """A setting is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(MailerError):
    """An id that does not exist."""


class StateError(MailerError):
    """An action that the current state does not allow (e.g. enqueue twice)."""


class LeaseHeldError(MailerError):
    """Another engine holds the sending lease for this database."""
