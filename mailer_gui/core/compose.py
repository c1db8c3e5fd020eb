"""Templates to ``EmailMessage``: sandboxed rendering, safe headers, Message-ID.

Templates run in Jinja2's ``SandboxedEnvironment`` with ``StrictUndefined``;
any header value containing CR, LF, NUL, U+2028 or U+2029 is refused with the
field named. Messages are built with ``email.message.EmailMessage`` and the
strict SMTP policy.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime
from typing import Any
from urllib.parse import quote

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .errors import MailerError
from .settings import SmtpSettings

SMTP_POLICY = policy.SMTP.clone(raise_on_defect=True)
_BAD_HEADER_CHARS = re.compile(r"[\r\n\x00\u2028\u2029]")
_TAGS = re.compile(r"<[^>]+>")


class TemplateRenderError(MailerError):
    """A template failed for one recipient; ``field`` says which part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class HeaderInjectionError(TemplateRenderError):
    pass


_text_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_field(field: str, source: str, context: Mapping[str, Any], html: bool = False) -> str:
    """Render one template; every failure becomes a TemplateRenderError naming ``field``."""
    env = _html_env if html else _text_env
    try:
        return env.from_string(source).render(**context)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise TemplateRenderError(field, f"{exc.__class__.__name__}{where}: {exc}") from None
    except Exception as exc:  # a sandbox refusal or a filter error
        raise TemplateRenderError(field, f"{exc.__class__.__name__}: {exc}") from None


def check_header(field: str, value: str) -> str:
    if _BAD_HEADER_CHARS.search(value):
        raise HeaderInjectionError(
            field, "line breaks or control characters are not allowed in a header; "
            "remove them from the template or the recipient's data"
        )
    return value


def html_to_text(html: str) -> str:
    """A plain-text part derived from HTML (used when no text part is given)."""
    text = re.sub(r"(?is)<(script|style).*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h[1-6]>|</li>|</tr>", "\n", text)
    text = re.sub(r'(?i)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", text)
    text = _TAGS.sub("", text)
    import html as _html

    text = _html.unescape(text)
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip() + "\n"


def sender_domain(addr: str) -> str:
    return addr.rpartition("@")[2] or "localhost"


def new_message_id(from_addr: str) -> str:
    """A Message-ID in the sender's domain, stored before sending (H)."""
    return f"<{uuid.uuid4().hex}@{sender_domain(from_addr)}>"


@dataclass(frozen=True)
class Content:
    """What a campaign says: the templates and the fixed parts."""

    subject: str
    html: str
    text: str | None = None
    reply_to: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, mime type, data)


def template_context(email: str, fields: Mapping[str, Any], smtp: SmtpSettings) -> dict[str, Any]:
    ctx: dict[str, Any] = {k: v for k, v in fields.items() if isinstance(k, str)}
    ctx["email"] = email
    ctx["unsubscribe_url"] = unsubscribe_url(smtp, email)
    return ctx


def unsubscribe_url(smtp: SmtpSettings, email: str) -> str:
    if smtp.unsubscribe_url:
        sep = "&" if "?" in smtp.unsubscribe_url else "?"
        return f"{smtp.unsubscribe_url}{sep}email={quote(email)}"
    return f"mailto:{smtp.from_addr}?subject=unsubscribe"


def _address(field: str, addr: str, name: str = "") -> Address:
    check_header(field, addr)
    check_header(field, name)
    local, _, domain = addr.rpartition("@")
    if not local or not domain:
        raise TemplateRenderError(field, f"{addr!r} is not an email address")
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise TemplateRenderError(field, f"{addr!r} is not a valid address: {exc}") from None


def build_message(
    content: Content,
    smtp: SmtpSettings,
    to_addr: str,
    fields: Mapping[str, Any],
    message_id: str,
    now: datetime,
) -> EmailMessage:
    """Render and assemble one message for one recipient."""
    ctx = template_context(to_addr, fields, smtp)
    subject = check_header("subject", render_field("subject", content.subject, ctx))
    html = render_field("html", content.html, ctx, html=True)
    text = render_field("text", content.text, ctx) if content.text else html_to_text(html)
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = _address("from", smtp.from_addr, smtp.from_name)
    msg["To"] = _address("to", to_addr)
    reply_to = content.reply_to or smtp.reply_to
    if reply_to:
        msg["Reply-To"] = _address("reply_to", reply_to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = check_header("message_id", message_id)
    mailto = f"<mailto:{smtp.from_addr}?subject=unsubscribe>"
    if smtp.unsubscribe_url:
        msg["List-Unsubscribe"] = f"{mailto}, <{check_header('unsubscribe_url', unsubscribe_url(smtp, to_addr))}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        msg["List-Unsubscribe"] = mailto
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for filename, mime, data in content.attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype or "application",
                           subtype=subtype or "octet-stream", filename=filename)
    return msg
