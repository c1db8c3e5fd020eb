"""Duplicate a campaign: its content, attachments and audience, never its
recipients, queue history or repeat (a new campaign that has sent nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Attachment, AudienceRule, CampaignVersion

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
    _copy_parts(session, campaign_id, copy.id)
    return copy.id


def _copy_parts(session: Session, source_id: int, copy_id: int) -> None:
    """The source's attachments and audience rules, onto the copy."""
    for a in session.scalars(
        select(Attachment).where(Attachment.campaign_id == source_id).order_by(Attachment.id)
    ):
        session.add(
            Attachment(
                campaign_id=copy_id, filename=a.filename, mime_type=a.mime_type, content=a.content
            )
        )
    for rule in session.scalars(select(AudienceRule).where(AudienceRule.campaign_id == source_id)):
        session.add(AudienceRule(campaign_id=copy_id, kind=rule.kind, ref_id=rule.ref_id))
    session.flush()


def refresh_copy(session: Session, source_id: int, copy_id: int, now: datetime) -> None:
    """Make a copy that has sent nothing yet (a repeat's next occurrence) like its
    source again: content, attachments, audience rules. The caller makes sure
    nothing went out from the copy."""
    src = queue.get_campaign(session, source_id)
    copy = queue.get_campaign(session, copy_id)
    copy.subject, copy.html_body = src.subject, src.html_body
    copy.text_body, copy.reply_to = src.text_body, src.reply_to
    copy.updated_at = utc(now)
    copy.content_version = 1
    session.execute(delete(CampaignVersion).where(CampaignVersion.campaign_id == copy_id))
    session.add(
        CampaignVersion(campaign_id=copy_id, version=1, subject=src.subject, created_at=utc(now))
    )
    session.execute(delete(Attachment).where(Attachment.campaign_id == copy_id))
    session.execute(delete(AudienceRule).where(AudienceRule.campaign_id == copy_id))
    session.expire(copy, ["attachments"])
    _copy_parts(session, source_id, copy_id)
