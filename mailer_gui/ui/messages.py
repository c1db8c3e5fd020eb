"""The core's messages in the operator's language.

The core gives a :class:`~mailer_gui.core.messages.Message` (a code with
parameters, whose text is English). Its English template is looked up in the
Qt catalogue (context ``Messages``; ``lupdate`` extracts the templates from
``core/messages.py``, where each is marked), then the parameters are filled
in, nested messages worded the same way. A text with no code (an old stored
row, a server's reply, a library's error) is shown as it is, unless it is the
English of a message without parameters, which is translated too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from mailer_gui.core.messages import ENGLISH, LIST, PLAIN, Message, from_stored

CONTEXT = "Messages"
_BY_TEXT = {text: code for code, text in ENGLISH.items() if "{" not in text}


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def text(value: Any) -> str:
    """``value`` worded: a message, an exception carrying one, or plain text."""
    if value is None:
        return ""
    if isinstance(value, BaseException):
        first = value.args[0] if value.args else None
        if isinstance(first, Message):
            value = first
        else:
            message = getattr(value, "message", None)
            value = message if isinstance(message, Message) else str(value)
    if not isinstance(value, Message):
        value = Message.plain(str(value))
    return _word(value)


def stored_text(value: str | None) -> str:
    """A stored detail (JSON code and parameters, or an old plain text) worded."""
    stored = from_stored(value)
    return "" if stored is None else _word(stored)


def _word(m: Message) -> str:
    if m.code == LIST:
        return "; ".join(_param(i) for i in m.params.get("items", ()))
    if m.code == PLAIN:
        raw = str(m.params.get("text", ""))
        code = _BY_TEXT.get(raw)
        return QCoreApplication.translate(CONTEXT, ENGLISH[code]) if code else raw
    template = ENGLISH.get(m.code)
    if template is None:
        return str(m)
    params = _Params({k: _param(v) for k, v in m.params.items()})
    if m.code in ("template.syntax", "template.error"):
        params["error"] = error_text(params["error"])
    return QCoreApplication.translate(CONTEXT, template).format_map(params)


def _param(v: Any) -> str:
    return _word(v) if isinstance(v, Message) else str(v)


def missing_russian() -> list[str]:
    """Codes whose template the installed catalogue leaves in English (for tests)."""
    return [
        code
        for code, template in ENGLISH.items()
        if QCoreApplication.translate(CONTEXT, template) == template
    ]


def part_text(field: str) -> str:
    """A message part or setting a problem names (``subject``, ``to``...) in words."""
    names = {
        "subject": QCoreApplication.translate("Messages", "subject"),
        "html": QCoreApplication.translate("Messages", "HTML"),
        "text": QCoreApplication.translate("Messages", "plain text"),
        "to": QCoreApplication.translate("Messages", "recipient"),
        "from": QCoreApplication.translate("Messages", "sender"),
        "reply_to": QCoreApplication.translate("Messages", "reply-to"),
        "attachments": QCoreApplication.translate("Messages", "attachments"),
        "attachment": QCoreApplication.translate("Messages", "attachment"),
        "unsubscribe_url": QCoreApplication.translate("Messages", "unsubscribe link"),
    }
    return names.get(field, field)


def phase_text(phase: str) -> str:
    """An SMTP phase (``connect``, ``tls``, ``auth``...) in words."""
    names = {
        "connect": QCoreApplication.translate("Messages", "connecting"),
        "tls": QCoreApplication.translate("Messages", "TLS"),
        "auth": QCoreApplication.translate("Messages", "login"),
        "mail": QCoreApplication.translate("Messages", "sender (MAIL FROM)"),
        "rcpt": QCoreApplication.translate("Messages", "recipient (RCPT TO)"),
        "data": QCoreApplication.translate("Messages", "message (DATA)"),
        "body": QCoreApplication.translate("Messages", "message body"),
    }
    return names.get(phase, phase)


def error_text(name: str) -> str:
    """A template engine's error class (``UndefinedError``) in words."""
    names = {
        "TemplateSyntaxError": QCoreApplication.translate("Messages", "template syntax error"),
        "UndefinedError": QCoreApplication.translate("Messages", "unknown field"),
        "SecurityError": QCoreApplication.translate("Messages", "not allowed in a template"),
    }
    return names.get(name, name)
