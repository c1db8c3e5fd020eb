"""Per-contact history: which campaigns were sent to an address, when, with
what outcome (test sends are not the contact's history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses
from mailer_gui.core.store.models import Campaign, Recipient


@dataclass(frozen=True)
class HistoryLine:
    campaign_id: int
    campaign: str
    status: str
    at: datetime | None  # when it finished (sent, failed), else when claimed
    reply: str


def contact_history(session: Session, email: str) -> list[HistoryLine]:
    """Every campaign the address was a recipient of, oldest first."""
    norm = addresses.normalize(email)
    rows = session.execute(
        select(
            Recipient.campaign_id,
            Campaign.name,
            Recipient.status,
            Recipient.finished_at,
            Recipient.claimed_at,
            Recipient.reply,
        )
        .join(Campaign, Campaign.id == Recipient.campaign_id)
        .where(Recipient.email_norm == norm, Recipient.test_entry_id.is_(None))
        .order_by(Recipient.campaign_id)
    ).all()
    return [HistoryLine(c, n, st, fin or cl, rep or "") for c, n, st, fin, cl, rep in rows]
