"""Campaign records: create, edit, list, add recipients, test sends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import addresses, queue
from .clock import utc
from .db import reserved_domains_allowed
from .errors import MailerError, StateError
from .models import LIVE_STATUSES, Campaign, QueueEntry, Recipient


def create(session: Session, name: str, subject: str, html: str, text: str | None,
           now: datetime, reply_to: str | None = None) -> Campaign:
    if not name.strip():
        raise MailerError("name: enter a name for the campaign")
    c = Campaign(name=name.strip(), subject=subject, html_body=html, text_body=text or None,
                 reply_to=reply_to or None, created_at=utc(now), updated_at=utc(now))
    session.add(c)
    session.flush()
    return c


def update(session: Session, campaign_id: int, now: datetime, **changes: Any) -> Campaign:
    """Edit a campaign; refused while it is being sent, since recipients would
    get different versions."""
    c = queue.get_campaign(session, campaign_id)
    entry = queue.campaign_entry(session, campaign_id)
    content_keys = {"subject", "html_body", "text_body", "reply_to"}
    if entry is not None and entry.status in ("processing",) and content_keys & changes.keys():
        raise StateError("the campaign is sending; pause it before changing its content")
    for key, value in changes.items():
        if key not in {"name", "test_address"} | content_keys:
            raise ValueError(key)
        setattr(c, key, value)
    c.updated_at = utc(now)
    return c


def add_recipients(session: Session, campaign_id: int,
                   rows: Iterable[tuple[int | None, str, Mapping[str, Any]]]) -> dict[str, int]:
    """Add (row number, address, fields) rows through the one way in
    (:func:`contacts.add_recipients`): an invalid address refuses them all
    (``InvalidRecipients`` naming the rows), duplicates are skipped, suppressed
    addresses are stored as ``suppressed``."""
    from . import contacts  # the import machinery loads when first used

    res = contacts.add_recipients(session, campaign_id, rows)
    return {"added": res.imported, "duplicate": res.duplicate, "suppressed": res.suppressed}


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.id)))


def delete(session: Session, campaign_id: int) -> None:
    c = queue.get_campaign(session, campaign_id)
    live = session.scalar(select(func.count()).select_from(QueueEntry).where(
        QueueEntry.campaign_id == campaign_id, QueueEntry.status.in_(LIVE_STATUSES)))
    if live:
        raise StateError("the campaign is in the queue; cancel it before deleting it")
    session.delete(c)


def test_send(session: Session, campaign_id: int, to_addr: str, now: datetime,
              row: int | None = None) -> QueueEntry:
    """Queue a test send to ``to_addr``, rendered with a recipient's data
    (the ``row``-th recipient, 1-based; the first if not given)."""
    try:
        to = addresses.check(to_addr)  # stored as every recipient is (contacts)
    except addresses.InvalidAddress as exc:
        raise MailerError(f"--to: {to_addr.strip()!r} is not an email address: {exc}") from None
    reserved = None if reserved_domains_allowed(session) else addresses.reserved_problem(to.email)
    if reserved is not None:
        raise MailerError(f"--to: {to.email}: {reserved}")
    q = select(Recipient).where(Recipient.campaign_id == campaign_id,
                                Recipient.test_entry_id.is_(None)).order_by(Recipient.id)
    queue.get_campaign(session, campaign_id)
    sample = session.scalars(q.offset((row or 1) - 1).limit(1)).first()
    fields: dict[str, Any] = dict(sample.fields) if sample else {}
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.test_address = to_addr.strip()
    return queue.enqueue_test(session, campaign_id, to.email, fields, now, to.norm)
