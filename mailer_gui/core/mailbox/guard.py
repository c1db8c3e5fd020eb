"""The bounce-rate guard: a campaign whose hard bounces reach the threshold
(default 5 % once 50 have gone out; Settings, ``config mailbox``) is paused
through ``defer()`` with reason ``bounce_rate``, which waits for the operator,
and a notification says why, before the provider suspends the account.

Hard bounces are the recipients ``bounced`` (a DSN said so) plus those refused
with a 5xx at RCPT (``failed`` and suppressed as ``hard_bounce``). What went
out is those plus the ``sent``. After the operator resumes, the guard pauses
again only once another ``min_sent`` messages went out and the rate is still
at or over the threshold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.codes import (
    LIVE_STATUSES,
    EntryStatus,
    Reason,
    RecipientStatus,
    SuppressionReason,
)
from mailer_gui.core.config.imap import MailboxSettings, load_mailbox
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.pauses import campaign_entry, defer
from mailer_gui.core.store.models import Campaign, PauseEvent, Recipient, Suppression


def hard_bounce_counts(s: Session, campaign_id: int) -> tuple[int, int]:
    """(hard bounces, messages that went out) of a campaign's own recipients."""
    own = (Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
    rows = dict(
        s.execute(
            select(Recipient.status, func.count())
            .where(
                *own,
                Recipient.status.in_(
                    (RecipientStatus.SENT, RecipientStatus.BOUNCED, RecipientStatus.FAILED)
                ),
            )
            .group_by(Recipient.status)
        ).all()
    )
    refused = int(
        s.scalar(
            select(func.count())
            .select_from(Recipient)
            .join(Suppression, Suppression.email_norm == Recipient.email_norm)
            .where(
                *own,
                Recipient.status == RecipientStatus.FAILED,
                Suppression.reason == SuppressionReason.HARD_BOUNCE,
            )
        )
        or 0
    )
    bounced = int(rows.get(RecipientStatus.BOUNCED, 0))
    sent = int(rows.get(RecipientStatus.SENT, 0))
    return bounced + refused, sent + bounced + refused


def check(s: Session, campaign_id: int, now: datetime, ms: MailboxSettings | None = None) -> bool:
    """Pause the campaign if its hard bounces reached the threshold; True if it did."""
    entry = campaign_entry(s, campaign_id)
    if entry is None or entry.status not in LIVE_STATUSES:
        return False
    if entry.status == EntryStatus.DEFERRED and entry.reason_code == Reason.BOUNCE_RATE:
        return False
    ms = ms or load_mailbox(s)
    hard, out = hard_bounce_counts(s, campaign_id)
    if out < ms.bounce_rate_min_sent or hard * 100 < ms.bounce_rate_percent * out:
        return False
    if out < _last_paused_at(s, entry.id) + ms.bounce_rate_min_sent:
        return False  # the operator resumed after the last pause: wait for more
    campaign = s.get(Campaign, campaign_id)
    detail = Message(
        "guard.bounce_rate",
        campaign=campaign.name if campaign else campaign_id,
        bounced=hard,
        sent=out,
        percent=f"{hard * 100 / out:.1f}",
        threshold=f"{ms.bounce_rate_percent:g}",
    )
    defer(s, entry, Reason.BOUNCE_RATE, None, now, detail)
    return True


def _last_paused_at(s: Session, entry_id: int) -> int:
    """How many had gone out when the guard last paused this entry (0: never)."""
    ev = s.scalars(
        select(PauseEvent)
        .where(PauseEvent.entry_id == entry_id, PauseEvent.reason_code == Reason.BOUNCE_RATE)
        .order_by(PauseEvent.id.desc())
        .limit(1)
    ).first()
    if ev is None or ev.detail is None:
        return 0
    params = getattr(ev.detail, "params", {})
    try:
        return int(params.get("sent", 0))
    except (TypeError, ValueError):
        return 0
