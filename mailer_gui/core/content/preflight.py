"""Preflight: render every waiting recipient before the campaign is queued, so a
template mistake shows up now and not at recipient 3,412.

Each failure names the recipient's row (in the imported file), the address,
the part that failed (subject, html, text, to, ...) and the error. A template
that does not parse fails for every recipient, so it is listed for each row;
the ``limit`` keeps such lists short. Outside demo mode a recipient at a
reserved domain (RFC 2606/6761: example.com, .test, ...) is a failure too.
Enqueue refuses while any failure remains.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import compose
from mailer_gui.core.content.compose import Content, TemplateRenderError
from mailer_gui.core.messages import Message
from mailer_gui.core.store.db import reserved_domains_allowed
from mailer_gui.core.store.models import Attachment, Recipient
from mailer_gui.core.store.queries import get_campaign

# Used to render when no SMTP account is set up yet: the sender only feeds the
# built-in ``unsubscribe_url``, and the engine itself waits for real settings.
PLACEHOLDER_SMTP = settings_mod.SmtpSettings(
    host="smtp.invalid", port=587, security="starttls", from_addr="sender@example.com"
)


@dataclass
class PreflightError:
    row: int | None  # the row in the imported file; None for the campaign as a whole
    email: str
    field: str
    message: str

    def __str__(self) -> str:
        return self.text()

    def text(self) -> Message:
        """The problem as one message: where, which part, and what is wrong."""
        if self.row is not None:
            return Message(
                "preflight.row",
                row=self.row,
                email=self.email,
                field=self.field,
                problem=self.message,
            )
        if self.email:
            return Message(
                "preflight.address", email=self.email, field=self.field, problem=self.message
            )
        return Message("preflight.campaign", field=self.field, problem=self.message)


def campaign_content(session: Session, campaign_id: int) -> Content:
    """The campaign's content as the engine sends it."""
    c = get_campaign(session, campaign_id)
    atts = tuple(
        (a.filename, a.mime_type, a.content)
        for a in session.scalars(
            select(Attachment).where(Attachment.campaign_id == campaign_id).order_by(Attachment.id)
        )
    )
    return Content(
        c.subject, c.html_body, c.text_body, c.reply_to, atts, campaign_id=c.id, name=c.name
    )


def _campaign_level(content: Content, smtp: settings_mod.SmtpSettings) -> list[PreflightError]:
    out: list[PreflightError] = []
    checks: list[tuple[Any, ...]] = [
        (compose.check_attachments, content),
        (compose.address, "from", smtp.from_addr, smtp.from_name),
    ]
    if content.reply_to or smtp.reply_to:
        checks.append((compose.address, "reply_to", content.reply_to or smtp.reply_to))
    for fn, *args in checks:
        try:
            fn(*args)
        except TemplateRenderError as exc:
            out.append(PreflightError(None, "", exc.field, exc.message))
    return out


def _compile(content: Content) -> tuple[dict[str, Template], dict[str, str]]:
    parts = [("subject", content.subject, False), ("html", content.html, True)]
    if content.text:
        parts.append(("text", content.text, False))
    compiled: dict[str, Template] = {}
    broken: dict[str, str] = {}
    for field, source, html in parts:
        try:
            compiled[field] = compose.compile_template(field, source, html)
        except TemplateRenderError as exc:
            broken[field] = exc.message
    return compiled, broken


def _check_recipient(
    email: str,
    fields: dict[str, Any],
    smtp: settings_mod.SmtpSettings,
    compiled: dict[str, Template],
    campaign_id: int,
) -> Iterator[tuple[str, str]]:
    ctx = compose.template_context(email, fields or {}, smtp, campaign_id)
    body = ""
    for field, template in compiled.items():
        try:
            out = compose.render_template(field, template, ctx)
            if field == "subject":
                compose.check_header("subject", out)
            else:
                body += out.strip()
        except TemplateRenderError as exc:
            yield exc.field, exc.message
            body += "?"  # a failed part is reported already; not also "empty"
    if not body and {"html", "text"} & compiled.keys():
        yield "html", Message("template.empty")
    for check in (
        lambda: compose.address("to", email),
        lambda: compose.list_unsubscribe(smtp, email, campaign_id),
    ):
        try:
            check()
        except TemplateRenderError as exc:
            yield exc.field, exc.message


def preflight(session: Session, campaign_id: int, limit: int | None = None) -> list[PreflightError]:
    """Render every pending recipient; return each failure (at most ``limit``).

    Outside demo mode an address at a reserved domain is a failure too."""
    check_reserved = not reserved_domains_allowed(session)
    content = campaign_content(session, campaign_id)
    smtp = settings_mod.load(session).smtp or PLACEHOLDER_SMTP
    errors = _campaign_level(content, smtp)
    compiled, broken = _compile(content)
    rows = session.execute(
        select(Recipient.row_number, Recipient.email, Recipient.fields)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.test_entry_id.is_(None),
            Recipient.status == RecipientStatus.PENDING,
        )
        .order_by(Recipient.id)
        .execution_options(yield_per=1000)
    )
    seen_any = False
    try:
        for row, email, fields in rows:
            seen_any = True
            if limit is not None and len(errors) >= limit:
                break
            errors.extend(PreflightError(row, email, f, m) for f, m in broken.items())
            reserved = addresses.reserved_problem(email) if check_reserved else None
            if reserved is not None:
                errors.append(PreflightError(row, email, "to", reserved))
            errors.extend(
                PreflightError(row, email, f, m)
                for f, m in _check_recipient(email, fields, smtp, compiled, campaign_id)
            )
    finally:
        rows.close()
    if not seen_any:
        errors.extend(PreflightError(None, "", f, m) for f, m in broken.items())
    return errors if limit is None else errors[:limit]


def summary(errors: list[PreflightError], shown: int = 3, complete: bool = True) -> str:
    """One line for an error message: the first few failures.

    ``complete`` False means ``errors`` was cut by a limit, so the rest is not counted.
    """
    head = Message("list", items=[e.text() for e in errors[:shown]])
    more = len(errors) - shown
    if more <= 0:
        return head
    if complete:
        return Message("preflight.more", head=head, more=more)
    return Message("preflight.more_at_least", head=head)
