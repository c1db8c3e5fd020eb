"""Per-campaign counts from the mailbox, for the queue panel, the editor and
the reports: unsubscribes and complaints (``bounced`` is a recipient state,
counted with the others)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.codes import MailboxEventKind
from mailer_gui.core.store.models import MailboxEvent

FEEDBACK_KINDS = {
    MailboxEventKind.UNSUBSCRIBE: "unsubscribed",
    MailboxEventKind.COMPLAINT: "complaints",
}


def feedback_counts(session: Session, campaign_id: int | None = None) -> dict[int, dict[str, int]]:
    """``{campaign id: {"unsubscribed": n, "complaints": n}}`` for the campaigns
    that have any (one campaign's only when ``campaign_id`` is given)."""
    q = (
        select(MailboxEvent.campaign_id, MailboxEvent.kind, func.count())
        .where(
            MailboxEvent.campaign_id.is_not(None),
            MailboxEvent.kind.in_(tuple(FEEDBACK_KINDS)),
        )
        .group_by(MailboxEvent.campaign_id, MailboxEvent.kind)
    )
    if campaign_id is not None:
        q = q.where(MailboxEvent.campaign_id == campaign_id)
    out: dict[int, dict[str, int]] = {}
    for cid, kind, n in session.execute(q):
        row = out.setdefault(int(cid or 0), dict.fromkeys(FEEDBACK_KINDS.values(), 0))
        row[FEEDBACK_KINDS[MailboxEventKind(kind)]] = int(n)
    return out


def campaign_feedback(session: Session, campaign_id: int) -> dict[str, int]:
    """One campaign's unsubscribes and complaints from the mailbox (zeros if none)."""
    return feedback_counts(session, campaign_id).get(
        campaign_id, dict.fromkeys(FEEDBACK_KINDS.values(), 0)
    )


PERIOD_KINDS = {
    MailboxEventKind.BOUNCE: "bounces",
    MailboxEventKind.UNSUBSCRIBE: "unsubscribed",
    MailboxEventKind.COMPLAINT: "complaints",
}


def period_feedback(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    """Hard bounces, unsubscribes and complaints the mailbox brought in
    ``[lo, hi)`` (when they were read), for the period report."""
    out = dict.fromkeys(PERIOD_KINDS.values(), 0)
    for kind, n in session.execute(
        select(MailboxEvent.kind, func.count())
        .where(
            MailboxEvent.at >= lo,
            MailboxEvent.at < hi,
            MailboxEvent.kind.in_(tuple(PERIOD_KINDS)),
        )
        .group_by(MailboxEvent.kind)
    ):
        out[PERIOD_KINDS[MailboxEventKind(kind)]] = int(n)
    return out
