"""The IMAP account the mailbox loop reads, and the loop's own settings.

Kept apart from :mod:`settings` (the engine reads that one for every message;
these are read only by a mailbox check). Both are rows of the settings table
(JSON), so they need no migration. The password is never here: it lives in the
keychain under :attr:`ImapSettings.keyring_account`, or, when ``reuse_smtp`` is
set, the SMTP account's password is used (same account, e.g. one provider
login for both).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mailer_gui.core.config.settings import SECURITY_MODES, SmtpSettings, _get, _put
from mailer_gui.core.config.trust import describe as describe_ca
from mailer_gui.core.config.trust import read_ca_file
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.messages import Message

IMAP_KEY = "imap"
MAILBOX_KEY = "mailbox"
PORTS = {"tls": 993, "starttls": 143, "none": 143}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    user: str
    folder: str = "INBOX"
    timeout: float = 30.0
    # Use the SMTP account's password (the same login at the same provider).
    reuse_smtp: bool = False
    ca_file: str = ""
    ca_pem: str = ""

    def validate(self) -> None:
        if not self.host.strip() or any(c.isspace() for c in self.host):
            raise SettingsError("host", Message("settings.host"))
        if not 1 <= self.port <= 65535:
            raise SettingsError("port", Message("settings.port"))
        if self.security not in SECURITY_MODES:
            raise SettingsError("security", Message("settings.security"))
        if not self.user.strip():
            raise SettingsError("user", Message("imap.user"))
        if not self.folder.strip():
            raise SettingsError("folder", Message("imap.folder"))
        for name in ("user", "host", "folder"):
            if re.search(r"[\r\n\x00\u2028\u2029]", getattr(self, name)):
                raise SettingsError(name, Message("settings.line_breaks"))
        if not 1 <= self.timeout <= 600:
            raise SettingsError("timeout", Message("settings.timeout"))
        if self.ca_pem:
            try:
                describe_ca(self.ca_pem)
            except ValueError as exc:
                raise SettingsError(
                    "ca_file",
                    Message(
                        "settings.ca_invalid",
                        problem=exc.args[0],
                        file=self.ca_file or Message("settings.ca_default_name"),
                    ),
                ) from None

    def with_ca_file(self, path: str | None) -> ImapSettings:
        """A copy trusting the CA file at ``path`` (read now), or none."""
        if not path:
            return replace(self, ca_file="", ca_pem="")
        pem, _ = read_ca_file(path)
        return replace(self, ca_file=str(Path(path).expanduser().resolve()), ca_pem=pem)

    @property
    def keyring_account(self) -> str:
        return f"imap:{self.user}@{self.host}:{self.port}"

    @property
    def mailbox_key(self) -> str:
        """Names the mailbox in ``mailbox_state`` (account and folder)."""
        return f"{self.user}@{self.host}/{self.folder}"

    def same_account_as(self, smtp: SmtpSettings | None) -> bool:
        """True when the SMTP account logs in with the same user (its password may serve)."""
        return smtp is not None and bool(smtp.user) and smtp.user == self.user


@dataclass(frozen=True)
class MailboxSettings:
    """How often the worker checks the mailbox, and the bounce-rate guard."""

    check_minutes: int = 5
    # Pause a campaign whose hard bounces reach this share of what it sent...
    bounce_rate_percent: float = 5.0
    # ... once it has sent at least this many.
    bounce_rate_min_sent: int = 50
    # Mark uncertain recipients sent when the Sent folder holds their message.
    auto_resolve_uncertain: bool = False

    def validate(self) -> None:
        if not 1 <= self.check_minutes <= 24 * 60:
            raise SettingsError("check_minutes", Message("imap.check_minutes"))
        if not 0 < self.bounce_rate_percent <= 100:
            raise SettingsError("bounce_rate_percent", Message("imap.bounce_rate_percent"))
        if not 1 <= self.bounce_rate_min_sent <= 1_000_000:
            raise SettingsError("bounce_rate_min_sent", Message("imap.bounce_rate_min_sent"))


def load_imap(session: Session) -> ImapSettings | None:
    raw = _get(session, IMAP_KEY)
    if not raw:
        return None
    known = ImapSettings.__dataclass_fields__
    return ImapSettings(**{k: v for k, v in raw.items() if k in known})


def save_imap(session: Session, imap: ImapSettings) -> None:
    imap.validate()
    _put(session, IMAP_KEY, asdict(imap))


def load_mailbox(session: Session) -> MailboxSettings:
    raw: dict[str, Any] | None = _get(session, MAILBOX_KEY)
    if not raw:
        return MailboxSettings()
    known = MailboxSettings.__dataclass_fields__
    return MailboxSettings(**{k: v for k, v in raw.items() if k in known})


def save_mailbox(session: Session, mailbox: MailboxSettings) -> None:
    mailbox.validate()
    _put(session, MAILBOX_KEY, asdict(mailbox))


def guess_imap(smtp: SmtpSettings) -> ImapSettings:
    """The IMAP server most providers pair with this SMTP one: ``smtp.X`` ->
    ``imap.X`` on 993 with TLS, the same user (Settings offers it)."""
    host = smtp.host
    for prefix in ("smtp.", "mail.", "smtp-mail.", "smtpout."):
        if host.startswith(prefix):
            host = "imap." + host[len(prefix) :]
            break
    if host == "imap.office365.com":
        host = "outlook.office365.com"
    return ImapSettings(
        host=host,
        port=PORTS["tls"],
        security="tls",
        user=smtp.user or smtp.from_addr,
        reuse_smtp=bool(smtp.user),
    )
