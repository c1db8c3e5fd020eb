"""Templates to ``EmailMessage``: sandboxed rendering, safe headers, Message-ID.

Templates run in Jinja2's ``SandboxedEnvironment`` with ``StrictUndefined``;
any header value containing a line break or a control character (CR, LF, NUL,
U+2028, U+2029, and the others ``str.splitlines`` or a mail parser would split
on) is refused with the field named. Messages are built with
``email.message.EmailMessage`` and the strict SMTP policy.

When a campaign has no text part, one is derived from the HTML with
inscriptis (Apache-2.0; see README, "Content: import, templates, suppression").
"""

from __future__ import annotations

import binascii
import copy
import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import base64mime, policy, quoprimime
from email.contentmanager import _encode_text  # type: ignore[attr-defined]
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from mailer_gui.core.audience import addresses, unsubscribe
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message


# refold_source="none": a header stored raw (``List-Unsubscribe``, whose URLs
# must not be cut into encoded-words) keeps the folding given; every other
# header is a header object and folds as usual.
class _SmtpPolicy(policy.EmailPolicy):
    """The SMTP policy, reading the MIME structure headers through a cache.

    Serialising a message asks each part for its Content-Type several times
    (and its Content-Transfer-Encoding, Content-Disposition); the default
    policy parses the stored text every time (about 0.2 ms each, most of the
    time ``as_bytes`` took). These values repeat from message to message (the
    boundaries are per process, see ``_multipart``), so their parsed headers
    are kept; a header object is never changed once made (``set_param`` makes
    a new one)."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if not hasattr(value, "name") and name.lower() in _CACHED_HEADERS:
            return _parsed(name, value)
        return super().header_fetch_parse(name, value)


_CACHED_HEADERS = frozenset({"content-type", "content-transfer-encoding", "content-disposition"})

SMTP_POLICY = _SmtpPolicy(linesep="\r\n", raise_on_defect=True, refold_source="none")


@lru_cache(maxsize=512)
def _parsed(name: str, value: str) -> Any:
    return policy.EmailPolicy.header_fetch_parse(SMTP_POLICY, name, value)


_MAX_LINE = int(SMTP_POLICY.max_line_length or 78)
# Multipart boundaries: one per process and subtype (see _multipart).
_BOUNDARY = f"=_{uuid.uuid4().hex}_"
# Total size of a campaign's attachments (before base64), as providers reject big mail.
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
_BAD_HEADER_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
# Any run of whitespace, Unicode spaces (no-break, em, ideographic...) included:
# the email folder splits at every one of them and drops it between encoded-words.
_WSP_RUN = re.compile(r"\s+")


class TemplateRenderError(MailerError):
    """A template failed for one recipient; ``field`` says which part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Message("template.field", field=field, problem=message))
        self.field = field
        self.message = Message.plain(message)


class HeaderInjectionError(TemplateRenderError):
    """A rendered header value holds a line break or control character."""


class AttachmentTooLarge(TemplateRenderError):
    """The attachments together exceed the size limit."""


log = logging.getLogger(__name__)

_text_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


@lru_cache(maxsize=128)
def _compiled(source: str, html: bool) -> Template:
    return (_html_env if html else _text_env).from_string(source)


def compile_template(field: str, source: str, html: bool = False) -> Template:
    """Parse a template once; a syntax error becomes a TemplateRenderError naming ``field``."""
    try:
        return _compiled(source, html)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise TemplateRenderError(
            field,
            Message(
                "template.syntax" if line else "template.error",
                error=exc.__class__.__name__,
                line=line,
                detail=exc,
            ),
        ) from None


def render_template(field: str, template: Template, context: Mapping[str, Any]) -> str:
    """Render a compiled template; any failure becomes a TemplateRenderError naming ``field``."""
    try:
        return template.render(**context)
    except TemplateError as exc:  # undefined field, sandbox refusal (SecurityError) ...
        raise TemplateRenderError(
            field, Message("template.error", error=exc.__class__.__name__, detail=exc)
        ) from None
    except Exception as exc:  # a filter or a value that fails at run time
        raise TemplateRenderError(
            field, Message("template.error", error=exc.__class__.__name__, detail=exc)
        ) from None


def render_field(field: str, source: str, context: Mapping[str, Any], html: bool = False) -> str:
    """Render one template; every failure becomes a TemplateRenderError naming ``field``."""
    return render_template(field, compile_template(field, source, html), context)


def check_header(field: str, value: str) -> str:
    """``value`` unchanged, or HeaderInjectionError naming ``field``."""
    if _BAD_HEADER_CHARS.search(value):
        raise HeaderInjectionError(field, Message("template.header_breaks"))
    return value


def set_subject(msg: EmailMessage, subject: str) -> None:
    """Put ``subject`` (already checked and cleaned) in ``msg``.

    A non-ASCII subject is encoded here, spaces inside the encoded-words:
    the email package's folder puts a space that falls between two
    encoded-words into the folding whitespace, where RFC 2047 readers drop
    it ("Скидки на чай" could arrive as "Скидкина чай"). Stored raw, so the
    policy (``refold_source="none"``) sends it as encoded."""
    if subject.isascii():
        _put(msg, "Subject", subject)
        return
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    msg.set_raw("Subject", encoded)


def header_text(value: str) -> str:
    """A header's text as a mail reader shows it: tabs, Unicode spaces and runs of
    them become one space, none at either end (folding would not keep them anyway)."""
    return _WSP_RUN.sub(" ", value).strip(" ")


@lru_cache(maxsize=16)
def html_to_text(html: str) -> str:
    """A plain-text part derived from HTML (used when no text part is given).

    inscriptis lays out block elements, lists and tables as a reader sees them
    and keeps links as ``[text](url)``, so the plain part stays usable. Kept
    for the last few HTMLs: a campaign whose HTML does not depend on the
    recipient derives it once, not once a message (half the time a message took).
    """
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    if not html.strip():
        return ""
    text = get_text(html, ParserConfig(css=CSS_PROFILES["strict"], display_links=True))
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


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
    max_attachment_bytes: int = MAX_ATTACHMENTS_BYTES
    campaign_id: int | None = None  # signs the unsubscribe codes, names the List-Id
    name: str = ""  # the campaign's name: the List-Id's phrase


@dataclass(frozen=True)
class Rendered:
    """One recipient's rendered parts; ``text`` is None when it is to be derived
    (``derived``: that text, when it was made from the template, see
    :func:`_derive_fast`; else None and build_message derives it from ``html``)."""

    subject: str
    html: str
    text: str | None
    derived: str | None = None


def template_context(
    email: str,
    fields: Mapping[str, Any],
    smtp: SmtpSettings,
    campaign_id: int | None = None,
    unsub_key: bytes | None = None,
) -> dict[str, Any]:
    """The recipient's fields plus the built-ins ``email`` and ``unsubscribe_url``.

    ``unsub_key`` signs the unsubscribe code (:mod:`unsubscribe`); without it
    (previews) the code holds a placeholder that never verifies."""
    ctx: dict[str, Any] = {k: v for k, v in fields.items() if isinstance(k, str)}
    ctx["email"] = email
    ctx["unsubscribe_url"] = unsubscribe_url(smtp, email, campaign_id, unsub_key)
    return ctx


def unsubscribe_url(
    smtp: SmtpSettings, email: str, campaign_id: int | None = None, unsub_key: bytes | None = None
) -> str:
    """The recipient's unsubscribe link: the unsubscribe page with ``?u=<code>``,
    else a mailto to the sender with the code in the subject; never the bare address."""
    code = unsubscribe.code(unsub_key, campaign_id, email)
    if smtp.unsubscribe_url:
        return unsubscribe.url(smtp.unsubscribe_url, code)
    return unsubscribe.mailto(smtp.from_addr, code)


def list_unsubscribe(
    smtp: SmtpSettings,
    to_addr: str,
    campaign_id: int | None = None,
    unsub_key: bytes | None = None,
    list_name: str = "",
) -> dict[str, str]:
    """RFC 2369 / RFC 8058 / RFC 2919 headers: ``List-Id``, ``List-Unsubscribe``
    (mailto always, the https page too when configured, each with the
    recipient's code) and ``List-Unsubscribe-Post`` one-click with the https page."""
    code = unsubscribe.code(unsub_key, campaign_id, to_addr)
    headers = {
        "List-Id": check_header(
            "list_id", unsubscribe.list_id(unsub_key, campaign_id, list_name, smtp.from_addr)
        )
    }
    mailto = check_header("unsubscribe", f"<{unsubscribe.mailto(smtp.from_addr, code)}>")
    if not smtp.unsubscribe_url:
        headers["List-Unsubscribe"] = mailto
        return headers
    url = check_header("unsubscribe_url", unsubscribe.url(smtp.unsubscribe_url, code))
    headers["List-Unsubscribe"] = f"{mailto}, <{url}>"
    if url.startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def address(field: str, addr: str, name: str = "") -> Address:
    """A header address; refuses line breaks and anything that is not one address."""
    check_header(field, addr)
    check_header(field, name)
    local, _, domain = addr.strip().rpartition("@")
    if not local or not domain or any(c in addr for c in '<>,;" ') or "@" in local:
        raise TemplateRenderError(field, Message("template.not_address", address=repr(addr)))
    try:  # the header carries the address as the envelope does (IDN domain as punycode)
        local, _, domain = addresses.envelope(addr).rpartition("@")
    except addresses.InvalidAddress as exc:
        raise TemplateRenderError(
            field,
            Message(
                "template.address_unusable",
                address=repr(addr.strip()),
                problem=exc.args[0] if exc.args else exc,
            ),
        ) from None
    try:
        return Address(display_name=header_text(name), username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise TemplateRenderError(
            field, Message("template.address_invalid", address=repr(addr), problem=exc)
        ) from None


def check_attachments(content: Content) -> None:
    total = sum(len(data) for _, _, data in content.attachments)
    if total > content.max_attachment_bytes:
        raise AttachmentTooLarge(
            "attachments",
            Message(
                "template.attachments_too_large",
                total=f"{total / 1048576:.1f}",
                limit=f"{content.max_attachment_bytes / 1048576:.0f}",
            ),
        )
    for filename, _, _ in content.attachments:
        check_header("attachment", filename)


def render(
    content: Content,
    smtp: SmtpSettings,
    to_addr: str,
    fields: Mapping[str, Any],
    unsub_key: bytes | None = None,
) -> Rendered:
    """Render the subject, HTML and text for one recipient, checking the subject."""
    ctx = template_context(to_addr, fields, smtp, content.campaign_id, unsub_key)
    subject = header_text(check_header("subject", render_field("subject", content.subject, ctx)))
    html = render_field("html", content.html, ctx, html=True)
    text = render_field("text", content.text, ctx) if content.text else None
    if not html.strip() and not (text or "").strip():
        raise TemplateRenderError("html", Message("template.empty"))
    derived = (
        None if text is not None or not html.strip() else _derive_fast(content.html, html, ctx)
    )
    return Rendered(subject, html, text, derived)


# The text part derived once per template instead of once per message (issue
# 15: deriving it was a quarter of a message's time). Where the HTML template's
# only tags are plain {{ name }} placeholders and a recipient's values are plain
# words (no markup, no quotes, no runs of spaces), laying out the template
# with the placeholders in it and then filling them in gives exactly what
# laying out the filled-in HTML gives; tables are left out (their columns are as
# wide as their cells' text). The first message of each template checks that by
# deriving both ways; a template for which they differ, and any recipient whose
# values are not plain, takes the ordinary path.
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_PLAIN_VALUE = re.compile(r"[^\s<>&\"'\x00-\x1f\x7f-\x9f]+(?: [^\s<>&\"'\x00-\x1f\x7f-\x9f]+)*\Z")
_checked: dict[str, bool] = {}
# The derived text ends with a newline, which Jinja would drop by default.
_derived_env = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)


@lru_cache(maxsize=16)
def _text_template(html_source: str) -> tuple[Template, tuple[str, ...]] | None:
    """The text part's template made from the HTML template, and the names it uses;
    None where the fast path does not apply."""
    if "{%" in html_source or "{#" in html_source or "<table" in html_source.lower():
        return None
    names = _PLACEHOLDER.findall(html_source)
    if html_source.count("{{") != len(names):
        return None  # an expression other than a bare name
    try:
        derived = html_to_text(html_source)
    except Exception:
        return None
    used = _PLACEHOLDER.findall(derived)
    if derived.count("{{") != len(used) or "{%" in derived or "{#" in derived:
        return None  # an entity in the HTML made something look like a tag
    try:
        return _derived_env.from_string(derived), tuple(sorted(set(used)))
    except TemplateError:
        return None


def _derive_fast(html_source: str, html: str, ctx: Mapping[str, Any]) -> str | None:
    """The recipient's text part from the template, or None: derive it from ``html``."""
    if _checked.get(html_source) is False:
        return None
    made = _text_template(html_source)
    if made is None:
        return None
    template, names = made
    for name in names:
        if name not in ctx or not _PLAIN_VALUE.match(str(ctx[name])):
            return None
    try:
        text = template.render(**ctx)
    except Exception:
        return None
    if html_source not in _checked:
        if len(_checked) > 64:
            _checked.clear()
        _checked[html_source] = text == html_to_text(html)
        if not _checked[html_source]:
            log.warning("the text part of a template is derived message by message")
            return None
    return text


def check_headers(content: Content, smtp: SmtpSettings, to_addr: str) -> None:
    """Every header value that does not depend on the templates, checked as build_message does."""
    address("from", smtp.from_addr, smtp.from_name)
    address("to", to_addr)
    if content.reply_to or smtp.reply_to:
        address("reply_to", content.reply_to or smtp.reply_to)
    list_unsubscribe(smtp, to_addr, content.campaign_id, None, content.name)
    check_attachments(content)


def build_message(
    content: Content,
    smtp: SmtpSettings,
    to_addr: str,
    fields: Mapping[str, Any],
    message_id: str,
    now: datetime,
    *,
    unsub_key: bytes | None = None,
) -> EmailMessage:
    """Render and assemble one message for one recipient; ``unsub_key`` signs
    its unsubscribe code (the engine always passes it; None is for previews).

    Assembled by hand rather than through ``msg[name] = value`` and
    ``set_content``: each of those parses the value with the header registry
    (about 0.15 ms a header, three quarters of the time a message took). A
    value that the registry would leave as it is (ASCII, short enough not to
    fold) is stored raw; the rest, and the campaign's fixed headers (folded
    once, cached), still go through the registry, and the bodies are encoded
    by the email package's own chooser, so the bytes on the wire carry what
    ``set_content`` would have written (tests/test_compose_fast.py compares
    the two for many inputs)."""
    r = render(content, smtp, to_addr, fields, unsub_key)
    check_attachments(content)
    msg = EmailMessage(policy=SMTP_POLICY)
    msg.set_raw("From", _fixed_address("From", smtp.from_addr, smtp.from_name))
    _put(msg, "To", str(address("to", to_addr)))
    reply_to = content.reply_to or smtp.reply_to
    if reply_to:
        msg.set_raw("Reply-To", _fixed_address("Reply-To", reply_to, ""))
    set_subject(msg, r.subject)
    _put(msg, "Date", format_datetime(now))
    _put(msg, "Message-ID", check_header("message_id", message_id))
    for name, value in list_unsubscribe(
        smtp, to_addr, content.campaign_id, unsub_key, content.name
    ).items():
        if name == "List-Unsubscribe":  # ASCII, folded between its URLs only
            msg.set_raw(name, value.replace(">, <", ">,\r\n <"))
        else:
            msg.set_raw(name, _folded(name, value))
    msg.set_raw("MIME-Version", "1.0")
    body: MIMEPart
    payload: Any  # str, or list[MIMEPart]
    if r.html.strip():
        text = r.text if r.text is not None else r.derived
        if text is None:
            text = html_to_text(r.html)
        plain, plain_text = _text_part("plain", text)
        html, html_text = _text_part("html", r.html)
        texts = [plain_text, html_text]
        body = _multipart("alternative", [plain, html], texts)
        payload = [plain, html]
    else:
        body, body_text = _text_part("plain", r.text or "")
        texts, payload = [body_text], body_text
    if content.attachments:
        attached = _attachment_parts(content.attachments)
        parts = [body, *(p for p, _ in attached)]
        body = _multipart("mixed", parts, [*texts, *(t for _, t in attached)])
        payload = parts
    for name, value in body.raw_items():
        msg.set_raw(name, value)
    # The encoded body as made: get_payload() would decode an 8-bit one.
    msg.set_payload(payload)
    return msg


def _put(msg: EmailMessage, name: str, value: str) -> None:
    """``msg[name] = value``, without the registry's parse where it changes nothing."""
    if value.isascii() and len(name) + 2 + len(value) <= _MAX_LINE:
        msg.set_raw(name, value)
    else:
        msg[name] = value


@lru_cache(maxsize=256)
def _folded(name: str, value: str) -> str:
    """``value`` as the registry folds it (for a header that is the same in every message)."""
    folded = str(SMTP_POLICY.header_factory(name, value).fold(policy=SMTP_POLICY))
    return folded[len(name) + 2 :].removesuffix(SMTP_POLICY.linesep)


@lru_cache(maxsize=64)
def _fixed_address(name: str, addr: str, display_name: str) -> str:
    field = "from" if name == "From" else "reply_to"
    header = SMTP_POLICY.header_factory(name, address(field, addr, display_name))
    folded = str(header.fold(policy=SMTP_POLICY))
    return folded[len(name) + 2 :].removesuffix(SMTP_POLICY.linesep)


def _text_part(subtype: str, text: str) -> tuple[MIMEPart, str]:
    """A text part, encoded as ``set_content`` would, and its encoded body."""
    part = MIMEPart(policy=SMTP_POLICY)
    part.set_raw("Content-Type", f'text/{subtype}; charset="utf-8"')
    cte, payload = _encode_text(text, "utf-8", None, SMTP_POLICY)
    part.set_raw("Content-Transfer-Encoding", cte)
    part.set_payload(payload)
    return part, payload


def _multipart(subtype: str, parts: list[MIMEPart], texts: list[str]) -> MIMEPart:
    """A multipart whose boundary none of ``texts`` (its parts' bodies) contains:
    the process's own for this subtype (so its parsed header is cached), else a
    fresh one."""
    boundary = f"{_BOUNDARY}{subtype[0]}"
    while any(boundary in text for text in texts):
        boundary = f"=_{uuid.uuid4().hex}"
    part = MIMEPart(policy=SMTP_POLICY)
    part.set_raw("Content-Type", f'multipart/{subtype};\r\n boundary="{boundary}"')
    part.set_payload(list(parts))
    return part


@lru_cache(maxsize=8)
def _attachment_parts(
    attachments: tuple[tuple[str, str, bytes], ...],
) -> tuple[tuple[MIMEPart, str], ...]:
    """The campaign's attachments encoded once, with their encoded bodies (the
    same in every message; a part is only ever read after, or copied by seven_bit)."""
    parts = []
    for filename, mime, data in attachments:
        maintype, _, subtype = mime.partition("/")
        part = MIMEPart(policy=SMTP_POLICY)
        part.set_content(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            disposition="attachment",
            filename=filename,
        )
        parts.append((part, str(part.get_payload())))
    return tuple(parts)


def seven_bit(msg: EmailMessage) -> EmailMessage:
    """A copy of ``msg`` whose 8-bit parts are re-encoded to 7 bits, for a server
    that does not offer 8BITMIME (RFC 6152).

    Each such part keeps its headers and its decoded bytes; its transfer
    encoding becomes quoted-printable, or base64 where that is shorter (text
    mostly outside ASCII, such as Cyrillic), the choice ``email`` itself makes.
    """
    out = copy.deepcopy(msg)
    for part in out.walk():
        if part.is_multipart():
            continue
        cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        if cte not in ("8bit", "binary"):
            continue
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        if part.get_content_maintype() != "text":
            part.replace_header("Content-Transfer-Encoding", "base64")
            part.set_payload(base64mime.body_encode(data, 76, "\n"))
            continue
        lines = data.splitlines()
        body = b"\n".join(lines) + b"\n" if lines else b""
        canonical = b"\r\n".join(lines) + b"\r\n" if lines else b""  # base64 text: CRLF
        qp = quoprimime.body_encode(body.decode("latin-1"), 76, "\n")
        if len(qp) > len(binascii.b2a_base64(canonical)):
            encoded, cte = base64mime.body_encode(canonical, 76, "\n"), "base64"
        else:
            encoded, cte = qp, "quoted-printable"
        part.replace_header("Content-Transfer-Encoding", cte)
        part.set_payload(encoded)
    return out
