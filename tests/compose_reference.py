"""The message assembly as it was before build_message assembled by hand: the
email package's own API (``msg[name] = value``, ``set_content``,
``add_alternative``, ``add_attachment``). tests/test_compose_fast.py compares
the two; tests/benchmarks/bench_compose.py times them."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.content import compose as C

REFERENCE_POLICY = policy.SMTP.clone(raise_on_defect=True, refold_source="none")
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
KEY = b"k" * 32


def reference_build(
    content: C.Content,
    smtp: SmtpSettings,
    to_addr: str,
    fields: dict[str, str],
    message_id: str,
    now: datetime = NOW,
) -> EmailMessage:
    r = C.render(content, smtp, to_addr, fields, KEY)
    C.check_attachments(content)
    msg = EmailMessage(policy=REFERENCE_POLICY)
    msg["From"] = C.address("from", smtp.from_addr, smtp.from_name)
    msg["To"] = C.address("to", to_addr)
    reply_to = content.reply_to or smtp.reply_to
    if reply_to:
        msg["Reply-To"] = C.address("reply_to", reply_to)
    if r.subject.isascii():
        msg["Subject"] = r.subject
    else:
        C.set_subject(msg, r.subject)
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = message_id
    for name, value in C.list_unsubscribe(
        smtp, to_addr, content.campaign_id, KEY, content.name
    ).items():
        if name == "List-Unsubscribe":
            msg.set_raw(name, value.replace(">, <", ">,\r\n <"))
        else:
            msg[name] = value
    if r.html.strip():
        # html_to_text uncached, as it was
        msg.set_content(r.text if r.text is not None else C.html_to_text.__wrapped__(r.html))
        msg.add_alternative(r.html, subtype="html")
    else:
        msg.set_content(r.text or "")
    for filename, mime, data in content.attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
