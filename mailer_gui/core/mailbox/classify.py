"""What one message in the mailbox is: a bounce (permanent or temporary), an
unsubscribe, a complaint, or nothing of ours. No database, no network: bytes in,
a :class:`Classified` out; :mod:`~mailer_gui.core.mailbox.apply` matches it.

The order of the checks matters:

1. an ARF feedback report (RFC 5965, ``multipart/report;
   report-type=feedback-report``) is a complaint about the original message;
2. a subject holding a genuine unsubscribe code (the List-Unsubscribe mailto
   puts ``unsubscribe <code>`` there) is an unsubscribe. Only the subject: a
   body may quote the newsletter, whose footer may hold the same code;
3. an auto-reply (``Auto-Submitted``, ``X-Autoreply``, ``Precedence:
   auto_reply``, an out-of-office subject) that is not from a mailer daemon is
   ignored: DSNs are ``Auto-Submitted: auto-replied`` too;
4. a delivery status notification, read by ``flufl.bounce`` (its RFC 3464
   reader first, then the detectors for each MTA's own format), gives
   permanent and temporary failures;
5. anything else is ignored.

The original message's Message-ID (from the returned headers, a
``message/rfc822`` or ``text/rfc822-headers`` part, or the copy a qmail or
Exim bounce quotes in its text) lets the match find the exact recipient.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from mailer_gui.core.audience import unsubscribe
from mailer_gui.core.codes import MailboxEventKind

_MSGID = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_UNSUB = re.compile(
    r"\bunsubscribe:?\s+(\d{1,12}\.[A-Za-z0-9_-]{2,700}\.[A-Za-z0-9_-]{1,64})", re.I
)
_OOO = re.compile(
    r"^(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheit|"
    r"автоответ|вне офиса|i am (currently )?(away|out)|on vacation)",
    re.IGNORECASE,
)
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon")


@dataclass(frozen=True)
class Classified:
    """A message's kind and what it names: addresses (normalised, lower case),
    the original Message-IDs, an unsubscribe code's campaign, a short detail."""

    kind: MailboxEventKind
    addresses: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    campaign_id: int | None = None
    detail: str = ""
    date: datetime | None = None
    # Per address: permanent (True) or temporary (False) for a bounce.
    permanent: dict[str, bool] = field(default_factory=dict)


def parse(data: bytes) -> Message:
    """The message as ``flufl.bounce`` reads it (bytes mode, compat32)."""
    return email.message_from_bytes(data)


def classify(data: bytes, keys: list[bytes]) -> Classified:
    """What ``data`` is; ``keys`` verify unsubscribe codes. Raises ValueError
    (or what the parser raises) for a message that cannot be read."""
    msg = parse(data)
    if not msg.keys():
        raise ValueError("no headers")
    date = _date(msg)
    if _report_type(msg) == "feedback-report":
        return _complaint(msg, date)
    subject = _header(msg, "subject")
    unsub = _unsubscribe(subject, keys) if not _is_auto_reply(msg, subject) else None
    if unsub is not None:
        cid, norm = unsub
        return Classified(
            MailboxEventKind.UNSUBSCRIBE, (norm,), (), cid, f"subject: {subject[:120]}", date
        )
    if _is_auto_reply(msg, subject) and not _from_daemon(msg):
        return Classified(MailboxEventKind.IGNORED, detail=f"auto-reply: {subject[:120]}")
    bounce = _bounce(msg, date)
    if bounce is not None:
        return bounce
    return Classified(MailboxEventKind.IGNORED, detail=f"not a notification: {subject[:120]}")


def _header(msg: Message, name: str) -> str:
    raw = msg.get(name)
    if raw is None:
        return ""
    try:
        return re.sub(r"\s+", " ", str(make_header(decode_header(str(raw))))).strip()
    except (UnicodeError, LookupError, ValueError):
        return re.sub(r"\s+", " ", str(raw)).strip()


def _date(msg: Message) -> datetime | None:
    try:
        when = parsedate_to_datetime(str(msg.get("date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None


def _report_type(msg: Message) -> str:
    if msg.get_content_type() != "multipart/report":
        return ""
    return str(msg.get_param("report-type", "") or "").lower()


def _unsubscribe(subject: str, keys: list[bytes]) -> tuple[int, str] | None:
    for m in _UNSUB.finditer(subject):
        found = unsubscribe.verify(keys, m.group(1))
        if found is not None:
            return found
    return None


def _is_auto_reply(msg: Message, subject: str) -> bool:
    auto = str(msg.get("auto-submitted", "no")).strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if msg.get("x-autoreply") or msg.get("x-autorespond"):
        return True
    if str(msg.get("precedence", "")).strip().lower() in ("auto_reply", "auto-reply"):
        return True
    return bool(_OOO.match(subject))


def _from_daemon(msg: Message) -> bool:
    """Looks like a mailer daemon's notification rather than a person's robot."""
    if msg.get_content_type() == "multipart/report" or msg.get("x-failed-recipients"):
        return True
    if str(msg.get("return-path", "")).strip() == "<>":
        return True
    sender = getaddresses([str(msg.get("from", ""))])
    local = sender[0][1].partition("@")[0].lower() if sender else ""
    return local in _DAEMONS


def _complaint(msg: Message, date: datetime | None) -> Classified:
    """An ARF report: the complained-of addresses from the report's
    ``Original-Rcpt-To`` or the returned message's ``To``; its Message-ID."""
    addrs: list[str] = []
    ids: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/feedback-report":
            text = _part_text(part)
            addrs += re.findall(r"^Original-Rcpt-To:\s*<?([^\s<>]+@[^\s<>]+)>?", text, re.I | re.M)
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            inner = _inner(part)
            if inner is not None:
                if inner.get("message-id"):
                    ids.append(str(inner["message-id"]).strip())
                addrs += [a for _, a in getaddresses([str(inner.get("to", ""))]) if "@" in a]
    norms = _unique(a.lower() for a in addrs)
    feedback = ""
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            m = re.search(r"^Feedback-Type:\s*(\S+)", _part_text(part), re.I | re.M)
            feedback = m.group(1) if m else ""
    return Classified(
        MailboxEventKind.COMPLAINT,
        norms,
        _unique(ids),
        detail=f"feedback report ({feedback or 'abuse'})",
        date=date,
    )


def _bounce(msg: Message, date: datetime | None) -> Classified | None:
    from flufl.bounce import all_failures

    temporary, permanent = all_failures(msg)
    perm = {_decode_addr(a) for a in permanent} - {""}
    temp = {_decode_addr(a) for a in temporary} - {""} - perm
    if not perm and not temp:
        return None
    kinds = {a: True for a in perm} | {a: False for a in temp}
    kind = MailboxEventKind.BOUNCE if perm else MailboxEventKind.SOFT_BOUNCE
    return Classified(
        kind,
        tuple(sorted(kinds)),
        _original_ids(msg),
        detail=_diagnostic(msg),
        date=date,
        permanent=kinds,
    )


def _decode_addr(raw: bytes) -> str:
    return raw.decode("ascii", "replace").strip().strip("<>").lower()


def _inner(part: Message) -> Message | None:
    """The message (or headers) a ``message/rfc822`` / ``text/rfc822-headers`` part holds."""
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0]
        return None
    return email.message_from_string(_part_text(part))


def _part_text(part: Message) -> str:
    if part.is_multipart():
        return "\n".join(str(p) for p in part.get_payload())
    raw = part.get_payload(decode=True)
    if isinstance(raw, bytes):
        return raw.decode(part.get_content_charset() or "utf-8", "replace")
    return str(part.get_payload())


def _original_ids(msg: Message) -> tuple[str, ...]:
    """The original message's Message-ID: from a returned message or its
    headers, else any ``Message-ID:`` line quoted in the text (qmail, Exim),
    else the notification's own ``In-Reply-To``/``References``."""
    ids: list[str] = []
    for part in msg.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            inner = _inner(part)
            if inner is not None and inner.get("message-id"):
                ids.append(str(inner["message-id"]).strip())
    if not ids:
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                ids += _MSGID.findall(_part_text(part))
    own = str(msg.get("message-id", "")).strip()
    ids = [i for i in ids if i != own]
    for name in ("in-reply-to", "references"):
        ids += re.findall(r"<[^<>\s]+>", str(msg.get(name, "")))
    return _unique(ids)


def _diagnostic(msg: Message) -> str:
    """The first Diagnostic-Code or Status of a DSN, else the subject (short)."""
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            text = _part_text(part)
            for name in ("Diagnostic-Code", "Status"):
                m = re.search(rf"^{name}:\s*(.+(?:\n[ \t].+)*)", text, re.I | re.M)
                if m:
                    return re.sub(r"\s+", " ", m.group(1)).strip()[:300]
    return _header(msg, "subject")[:300]


def _unique(items: object) -> tuple[str, ...]:
    out: list[str] = []
    for i in items:  # type: ignore[attr-defined]
        if i and i not in out:
            out.append(i)
    return tuple(out)
