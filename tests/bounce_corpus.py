"""The notification corpus (tests/data/bounces/): each file with what it is.

The files are templates: ``{{RCPT}}``, ``{{MSGID}}``, ``{{SENDER}}``,
``{{SUBJECT}}``, ``{{DATE}}`` and ``{{CODE}}`` (an unsubscribe code) are filled
in by :func:`render`, so the end-to-end test can return real notifications for
the messages the engine really sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

from mailer_gui.core.codes import MailboxEventKind as K

CORPUS = Path(__file__).parent / "data" / "bounces"


@dataclass(frozen=True)
class Case:
    name: str
    kind: K  # what classify says
    finds_msgid: bool = True  # the original Message-ID is found in it
    about_rcpt: bool = True  # names the recipient (else another address, or none)


CASES = (
    Case("postfix_user_unknown", K.BOUNCE),
    Case("postfix_delayed", K.SOFT_BOUNCE),
    Case("exim_failed", K.BOUNCE),
    Case("exim_classic", K.BOUNCE),
    Case("sendmail_user_unknown", K.BOUNCE),
    Case("exchange365_not_found", K.BOUNCE),
    Case("gmail_address_not_found", K.BOUNCE),
    Case("gmail_delayed", K.SOFT_BOUNCE),
    Case("qmail_failure_notice", K.BOUNCE),
    Case("arf_abuse", K.COMPLAINT),
    Case("arf_redacted", K.COMPLAINT, about_rcpt=False),
    Case("unsubscribe_thunderbird", K.UNSUBSCRIBE, finds_msgid=False),
    Case("unsubscribe_gmail", K.UNSUBSCRIBE, finds_msgid=False),
    Case("unsubscribe_outlook", K.UNSUBSCRIBE, finds_msgid=False),
    Case("unsubscribe_apple_mail", K.UNSUBSCRIBE, finds_msgid=False),
    Case("unsubscribe_forged", K.IGNORED, finds_msgid=False, about_rcpt=False),
    Case("autoreply_outlook", K.IGNORED, finds_msgid=False, about_rcpt=False),
    Case("autoreply_vacation_quoting", K.IGNORED, finds_msgid=False, about_rcpt=False),
    Case("human_reply_quoting", K.IGNORED, finds_msgid=False, about_rcpt=False),
    Case("bounce_not_ours", K.BOUNCE, finds_msgid=False, about_rcpt=False),
    Case("newsletter_from_someone", K.IGNORED, finds_msgid=False, about_rcpt=False),
    Case("garbage_broken_mime", K.IGNORED, finds_msgid=False, about_rcpt=False),
)
UNREADABLE = ("garbage_binary",)


def render(
    name: str,
    *,
    rcpt: str,
    msgid: str,
    code: str = "",
    sender: str = "news@example.com",
    subject: str = "Hello Name0",
    when: object = None,
) -> bytes:
    """The corpus file ``name`` filled in for one sent message."""
    raw = (CORPUS / f"{name}.eml").read_bytes()
    date = format_datetime(when) if when is not None else "Wed, 25 Nov 2026 10:30:00 +0300"
    local, _, domain = rcpt.partition("@")
    cid, addr, mac = (code.split(".") + ["", "", ""])[:3] if code else ("1", "eA", "x")
    forged = f"{cid}.{addr}.{'A' * 22}"
    values = {
        "RCPT_LOCAL": local,
        "RCPT_DOMAIN": domain,
        "RCPT": rcpt,
        "MSGID": msgid,
        "SENDER": sender,
        "SUBJECT": subject,
        "DATE": date,
        "CODE_Q": code.replace("_", "=5F"),
        "FORGED_CODE": forged,
        "CODE": code,
    }
    for key, value in values.items():
        raw = raw.replace(("{{" + key + "}}").encode(), value.encode())
    return raw
