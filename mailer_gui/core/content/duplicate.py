"""Duplicate a campaign: its content, attachments and audience, never its
recipients, queue history or repeat (a new campaign that has sent nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Attachment, AudienceRule

COPY_SUFFIX = " (copy)"


def duplicate(session: Session, campaign_id: int, now: datetime, name: str | None = None) -> int:
    """A new campaign like ``campaign_id``; its id."""
    src = queue.get_campaign(session, campaign_id)
    copy = campaigns.create(
        session,
        name or (src.name + COPY_SUFFIX)[:200],
        src.subject,
        src.html_body,
        src.text_body,
        now,
        reply_to=src.reply_to,
        test_address=src.test_address,
    )
    for a in session.scalars(
        select(Attachment).where(Attachment.campaign_id == campaign_id).order_by(Attachment.id)
    ):
        session.add(
            Attachment(
                campaign_id=copy.id, filename=a.filename, mime_type=a.mime_type, content=a.content
            )
        )
    for rule in session.scalars(
        select(AudienceRule).where(AudienceRule.campaign_id == campaign_id)
    ):
        session.add(AudienceRule(campaign_id=copy.id, kind=rule.kind, ref_id=rule.ref_id))
    session.flush()
    return copy.id
