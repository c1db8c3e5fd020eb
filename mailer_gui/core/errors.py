"""Errors the operator sees: each says what is wrong and what to do.

Each carries a :class:`~mailer_gui.core.messages.Message` (``exc.message``,
``exc.code``, ``exc.params``); ``str(exc)`` is its English text, which the CLI
and the logs print, and the GUI words the code in the operator's language.
"""

from __future__ import annotations

from typing import Any

from mailer_gui.core.messages import Message


class MailerError(Exception):
    """Base for errors with a message fit to show the operator."""

    def __init__(self, message: str = "", *args: Any) -> None:
        super().__init__(message, *args)
        self.message: Message = Message.plain(message)

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> dict[str, Any]:
        return self.message.params


class SettingsError(MailerError):
    """A setting is invalid; ``field`` names it, ``message`` says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Message("settings.field", field=field, problem=message))
        self.field = field
        self.message = Message.plain(message)


class NotFoundError(MailerError):
    """An id that does not exist."""


class StateError(MailerError):
    """An action that the current state does not allow (e.g. enqueue twice)."""


class LeaseHeldError(MailerError):
    """Another engine holds the sending lease for this database."""
