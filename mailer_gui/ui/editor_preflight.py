"""Preflight for the editor: the core's ``preflight`` when present, else a local
render of every recipient with the same templates (plain data either way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import compose
from ..core import settings as settings_mod
from ..core.models import Campaign, Recipient

MAX_LISTED = 1000


@dataclass(frozen=True)
class Problem:
    row: int | None
    email: str
    field: str
    message: str


def run_preflight(session: Session, campaign_id: int, limit: int = MAX_LISTED) -> list[Problem]:
    """Every recipient that cannot be rendered: (file row, address, part, error)."""
    try:
        from ..core.preflight import preflight
    except ImportError:
        return _local_preflight(session, campaign_id, limit)
    return [Problem(e.row, e.email, e.field, e.message)
            for e in preflight(session, campaign_id, limit=limit)]


def _local_preflight(session: Session, campaign_id: int, limit: int) -> list[Problem]:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return []
    smtp = settings_mod.load(session).smtp
    problems: list[Problem] = []
    for email, fields, row in session.execute(
            select(Recipient.email, Recipient.fields, Recipient.row_number)
            .where(Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None),
                   Recipient.status == "pending").order_by(Recipient.id)):
        problem = _render(campaign, email, dict(fields or {}), smtp)
        if problem is not None:
            problems.append(Problem(row, email, problem[0], problem[1]))
            if len(problems) >= limit:
                break
    return problems


def _render(campaign: Campaign, email: str, fields: dict[str, Any],
            smtp: settings_mod.SmtpSettings | None) -> tuple[str, str] | None:
    ctx = compose.template_context(email, fields, smtp or compose_placeholder())
    try:
        compose.check_header("subject", compose.render_field("subject", campaign.subject, ctx))
        compose.render_field("html", campaign.html_body, ctx, html=True)
        if campaign.text_body:
            compose.render_field("text", campaign.text_body, ctx)
    except compose.TemplateRenderError as exc:
        return exc.field, exc.message
    return None


def compose_placeholder() -> settings_mod.SmtpSettings:
    return settings_mod.SmtpSettings(host="localhost", port=25, security="none",
                                     from_addr="sender@example.com")
