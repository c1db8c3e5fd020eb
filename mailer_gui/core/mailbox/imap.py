"""The IMAP side of the mailbox loop: the only module that talks IMAP.

Connect (implicit TLS, STARTTLS or plain, TLS always verified as for SMTP:
the system's trust store plus the CA chosen in Settings), log in through
:func:`login` (the one place a credential is used, so XOAUTH2 can plug in
there as ``client.oauth2_login``), read the new messages of a folder by UID,
and flag what was processed with the keyword :data:`PROCESSED_FLAG`; nothing
is ever deleted or moved. No database here: :mod:`check` writes the results
after the network part, in one short transaction.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mailer_gui.core.config.imap import ImapSettings
from mailer_gui.core.config.trust import client_context
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message

PROCESSED_FLAG = b"$MailerProcessed"
FETCH_BATCH = 50
MAX_MESSAGES = 500  # per check; the rest waits for the next one
MAX_SIZE = 5 * 1024 * 1024  # a bigger message is no notification: noted, not read


class MailboxError(MailerError):
    """The mailbox could not be read; the message says why and what to do."""


@dataclass
class Fetched:
    """A folder's new messages: its UIDVALIDITY, (uid, bytes or None if too big)."""

    uidvalidity: int
    messages: list[tuple[int, bytes | None]] = field(default_factory=list)
    keywords: bool = True  # the folder keeps keywords (PERMANENTFLAGS has \\*)
    more: bool = False  # more new messages than one check reads


@dataclass(frozen=True)
class Bearer:
    """An OAuth access token for SASL XOAUTH2 (the SMTP account's Microsoft or
    Google grant, reused for its mailbox). ``repr`` never shows the token."""

    user: str
    token: str = field(repr=False)
    provider: str = ""


def connect(imap: ImapSettings, password: str | Bearer | None) -> Any:
    """An ``IMAPClient`` logged in to the account (with a password, or XOAUTH2
    with a :class:`Bearer`); raises MailboxError."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    if not password:
        raise MailboxError(Message("imap.no_password", user=imap.user))
    ctx = client_context(imap.ca_pem)
    client = None
    try:
        client = IMAPClient(
            imap.host,
            port=imap.port,
            ssl=imap.security == "tls",
            ssl_context=ctx,
            timeout=imap.timeout,
        )
        if imap.security == "starttls":
            client.starttls(ctx)
        login(client, imap, password)
        return client
    except MailboxError:
        _close(client)
        raise
    except ssl.SSLError as exc:
        _close(client)
        raise MailboxError(_tls_problem(exc, imap)) from None
    except (IMAPClientError, OSError) as exc:
        _close(client)
        raise MailboxError(_connect_problem(exc, imap)) from None


def login(client: Any, imap: ImapSettings, password: str | Bearer) -> None:
    """Sign in: the one place the credential is used (a password, or XOAUTH2)."""
    from imapclient.exceptions import LoginError

    try:
        if isinstance(password, Bearer):
            client.oauth2_login(password.user, password.token)
        else:
            client.login(imap.user, password)
    except LoginError as exc:
        if isinstance(password, Bearer):
            raise MailboxError(
                Message("oauth.refused", provider=password.provider, reply=_reply(exc))
            ) from None
        raise MailboxError(
            Message("imap.login_failed", user=imap.user, reply=_reply(exc))
        ) from None


def _reply(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text[:300]


def _connect_problem(exc: BaseException, imap: ImapSettings) -> Message:
    if isinstance(exc, socket.timeout | TimeoutError):
        return Message("imap.timeout", host=imap.host, port=imap.port)
    if isinstance(exc, OSError):
        return Message("imap.connect_failed", host=imap.host, port=imap.port, problem=str(exc))
    return Message("imap.protocol", problem=_reply(exc))


def _tls_problem(exc: ssl.SSLError, imap: ImapSettings) -> Message:
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = str(exc.verify_message or exc)
        return Message("imap.cert", host=imap.host, detail=detail)
    reason = str(exc.reason or exc)
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL"):
        return Message("imap.plain_port", port=imap.port)
    return Message("imap.tls_failed", problem=reason)


def _close(client: Any) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            pass


def close(client: Any) -> None:
    """Log out (quietly: the work is done or failed already)."""
    _close(client)


def fetch_new(
    client: Any, folder: str, uidvalidity: int | None, last_uid: int, limit: int | None = None
) -> Fetched:
    """The messages after ``last_uid`` not yet flagged processed (all of them
    if the folder's UIDVALIDITY changed), oldest first, at most ``limit``
    (default :data:`MAX_MESSAGES`)."""
    from imapclient.exceptions import IMAPClientError

    limit = limit or MAX_MESSAGES

    try:
        info = client.select_folder(folder)
    except IMAPClientError as exc:
        raise MailboxError(Message("imap.no_folder", folder=folder, reply=_reply(exc))) from None
    try:
        current = int(info[b"UIDVALIDITY"])
        keywords = b"\\*" in tuple(info.get(b"PERMANENTFLAGS", ()))
        start = last_uid + 1 if current == uidvalidity else 1
        criteria: list[Any] = ["UID", f"{start}:*"]
        if keywords:
            criteria += ["NOT", "KEYWORD", PROCESSED_FLAG.decode()]
        # "n:*" names the last message even when its UID is below n.
        uids = sorted(u for u in client.search(criteria) if u >= start)
        out = Fetched(current, keywords=keywords, more=len(uids) > limit)
        for batch in _batches(uids[:limit], FETCH_BATCH):
            out.messages += _fetch_batch(client, batch)
        return out
    except (IMAPClientError, OSError) as exc:
        raise MailboxError(Message("imap.protocol", problem=_reply(exc))) from None


def _fetch_batch(client: Any, uids: list[int]) -> list[tuple[int, bytes | None]]:
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    small = [u for u in uids if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= MAX_SIZE]
    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
    out: list[tuple[int, bytes | None]] = []
    for u in uids:
        body = bodies.get(u, {}).get(b"BODY[]")
        out.append((u, bytes(body) if body is not None else None))
    return out


def _batches(items: list[int], n: int) -> Iterable[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def flag_processed(client: Any, uids: list[int]) -> None:
    """Mark processed messages with the keyword (never deleted, never moved)."""
    from imapclient.exceptions import IMAPClientError

    try:
        for batch in _batches(sorted(uids), 200):
            client.add_flags(batch, [PROCESSED_FLAG], silent=True)
    except (IMAPClientError, OSError) as exc:
        raise MailboxError(Message("imap.protocol", problem=_reply(exc))) from None


def find_message_ids(client: Any, folder: str, message_ids: list[str]) -> set[str]:
    """Which of ``message_ids`` a folder (the Sent folder) holds."""
    from imapclient.exceptions import IMAPClientError

    found: set[str] = set()
    try:
        client.select_folder(folder, readonly=True)
        for mid in message_ids:
            if client.search(["HEADER", "Message-ID", mid]):
                found.add(mid)
    except (IMAPClientError, OSError) as exc:
        raise MailboxError(Message("imap.no_folder", folder=folder, reply=_reply(exc))) from None
    return found


def sent_folder(client: Any) -> str | None:
    """The account's Sent folder (RFC 6154 ``\\Sent``), if the server names one."""
    try:
        return client.find_special_folder(b"\\Sent")  # type: ignore[no-any-return]
    except Exception:
        return None
