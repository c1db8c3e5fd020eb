"""What the core tells the operator: a code with parameters, worded by the front end.

A :class:`Message` *is* its English sentence (a ``str`` subclass), so the CLI,
the logs and every caller that treats it as text keep working, and it also
carries ``code`` and ``params`` so that the GUI can word it in the operator's
language (``ui/messages.py`` looks the English template up in the Qt
catalogue, context ``Messages``). The templates live in one table,
:data:`ENGLISH` (in :mod:`~mailer_gui.core.messages_en`, importable from here);
each is marked with ``QT_TRANSLATE_NOOP`` so that ``pyside6-lupdate`` extracts
it into ``resources/translations/*.ts``.

Parameters are plain values (numbers, names, addresses, a server's reply, a
library's own error text: those stay in their own words) or nested messages.
Stored texts (``queue_entries.reason_detail``, ``pause_events.detail``,
``notifications.text``) keep code and parameters as JSON
(``{"code": ..., "params": ...}``); :func:`from_stored` reads them back, and
reads an older row of plain English as a message with code ``text``.

Nearly a leaf module: it imports nothing from ``mailer_gui`` but its table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mailer_gui.core.messages_en import ENGLISH as ENGLISH

PLAIN = "text"  # a text with no code (an old stored row, a library's message)
LIST = "list"  # ``items``: messages joined with "; "


class Message(str):
    """An operator message: its English text, with ``code`` and ``params`` kept."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Message:
        obj = super().__new__(cls, english(code, params))
        obj.code = code
        obj.params = params
        return obj

    @classmethod
    def plain(cls, text: str) -> Message:
        """A text with no code of its own (shown as it is in every language)."""
        return text if isinstance(text, Message) else cls(PLAIN, text=str(text))

    def stored(self) -> str:
        """The form kept in a text column: JSON with code and parameters."""
        if self.code == PLAIN:
            return str(self.params.get("text", ""))
        return json.dumps({"code": self.code, "params": _encode(self.params)}, ensure_ascii=False)


def english(code: str, params: Mapping[str, Any]) -> str:
    if code == LIST:
        return "; ".join(str(i) for i in params.get("items", ()))
    template = ENGLISH.get(code)
    if template is None:
        return str(params.get("text", code))
    return template.format_map(_Params({k: str(v) for k, v in params.items()}))


class _Params(dict[str, str]):
    """A missing parameter shows as its placeholder instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _encode(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _encode_value(v) for k, v in params.items()}


def _encode_value(v: Any) -> Any:
    if isinstance(v, Message):
        return {"code": v.code, "params": _encode(v.params)}
    if isinstance(v, list | tuple):
        return [_encode_value(i) for i in v]
    if isinstance(v, bool | int | float) or v is None:
        return v
    return str(v)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"code", "params"}:
        params = value["params"] if isinstance(value["params"], dict) else {}
        return Message(str(value["code"]), **{k: _decode(v) for k, v in params.items()})
    if isinstance(value, list):
        return [_decode(i) for i in value]
    return value


def to_stored(text: str | None) -> str | None:
    """What a text column keeps for ``text`` (a message keeps its code)."""
    if text is None:
        return None
    return text.stored() if isinstance(text, Message) else text


def from_stored(text: str | None) -> Message | None:
    """A stored text read back: a message again, or an old plain text as one."""
    if text is None:
        return None
    if isinstance(text, Message):
        return text
    if text.startswith('{"code"'):
        try:
            value = _decode(json.loads(text))
        except (ValueError, TypeError, KeyError):
            value = None
        if isinstance(value, Message):
            return value
    return Message.plain(text)
