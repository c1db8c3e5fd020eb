"""Uncertain recipients resolved from the Sent folder (issue 14, part 3).

A crash after the server took a message leaves its recipient ``uncertain``;
many providers (Gmail, Microsoft 365) keep what the account submits in its
Sent folder. A mailbox check looks the uncertain Message-IDs up there (the
server's ``\\Sent`` special-use folder, else ``Sent``): a message found is the
evidence. It is written on the recipient (its reply, which the resolve dialog
and ``campaign resolve-uncertain --list`` show) and announced once per
campaign; the decision stays the operator's, unless they opted in
(``config mailbox --auto-resolve-uncertain on``), when such recipients are
marked sent. A bounce for an uncertain recipient makes it ``bounced``
(:mod:`apply`).

Like the check itself: the ids are read, the server searched, then one short
write transaction records what was found.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.codes import MailboxEventKind, NotificationKind, RecipientStatus
from mailer_gui.core.mailbox import imap
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.pauses import campaign_entry, notify
from mailer_gui.core.sending.queue import resolve_uncertain
from mailer_gui.core.store.models import Campaign, MailboxEvent, Recipient

EVIDENCE = " [found in the Sent folder {folder} on {when}]"
MAX_LOOKUPS = 200  # per check


def to_look_up(s: Session) -> dict[str, tuple[int, int]]:
    """Uncertain campaign recipients not yet found: Message-ID -> (recipient, campaign)."""
    found = select(MailboxEvent.recipient_id).where(
        MailboxEvent.kind == MailboxEventKind.IN_SENT, MailboxEvent.recipient_id.is_not(None)
    )
    rows = s.execute(
        select(Recipient.message_id, Recipient.id, Recipient.campaign_id)
        .where(
            Recipient.status == RecipientStatus.UNCERTAIN,
            Recipient.test_entry_id.is_(None),
            Recipient.message_id.is_not(None),
            Recipient.id.not_in(found),
        )
        .order_by(Recipient.id)
        .limit(MAX_LOOKUPS)
    ).all()
    return {str(mid): (int(rid), int(cid)) for mid, rid, cid in rows}


def search(client: Any, message_ids: list[str]) -> tuple[str | None, set[str]]:
    """The Sent folder's name and which of ``message_ids`` it holds (no folder: None)."""
    if not message_ids:
        return None, set()
    folder = imap.sent_folder(client) or "Sent"
    try:
        return folder, imap.find_message_ids(client, folder, message_ids)
    except imap.MailboxError:
        return None, set()


def record(
    s: Session,
    mailbox: str,
    folder: str | None,
    found: dict[str, tuple[int, int]],
    now: datetime,
    auto: bool,
) -> tuple[int, int]:
    """Record the evidence; with ``auto``, mark every found uncertain recipient
    sent. Returns (newly found, marked sent)."""
    by_campaign: dict[int, list[int]] = defaultdict(list)
    stamp = EVIDENCE.format(folder=folder or "Sent", when=now.strftime("%Y-%m-%d %H:%M UTC"))
    for _mid, (rid, cid) in found.items():
        r = s.get(Recipient, rid)
        if r is None or r.status != RecipientStatus.UNCERTAIN:
            continue
        s.add(
            MailboxEvent(
                mailbox=f"{mailbox}#sent",
                uidvalidity=0,
                uid=rid,
                kind=MailboxEventKind.IN_SENT,
                email_norm=r.email_norm,
                recipient_id=rid,
                campaign_id=cid,
                detail=f"found in the Sent folder {folder}",
                at=now,
            )
        )
        r.reply = ((r.reply or "") + stamp)[:1000]
        by_campaign[cid].append(rid)
    s.flush()
    marked = _mark_sent(s, now) if auto else 0
    if not auto:
        for cid, rids in by_campaign.items():
            campaign = s.get(Campaign, cid)
            notify(
                s,
                now,
                NotificationKind.UNCERTAIN,
                Message(
                    "mailbox.uncertain_in_sent",
                    campaign=campaign.name if campaign else cid,
                    n=len(rids),
                    folder=folder or "Sent",
                    campaign_id=cid,
                ),
                campaign_entry(s, cid),
            )
    return sum(len(v) for v in by_campaign.values()), marked


def _mark_sent(s: Session, now: datetime) -> int:
    """Every uncertain recipient with the Sent folder's evidence, marked sent."""
    rows = s.execute(
        select(Recipient.campaign_id, Recipient.id)
        .join(MailboxEvent, MailboxEvent.recipient_id == Recipient.id)
        .where(
            Recipient.status == RecipientStatus.UNCERTAIN,
            MailboxEvent.kind == MailboxEventKind.IN_SENT,
        )
    ).all()
    by_campaign: dict[int, list[int]] = defaultdict(list)
    for cid, rid in rows:
        by_campaign[int(cid)].append(int(rid))
    return sum(
        resolve_uncertain(s, cid, "mark_sent", now, recipient_ids=rids)
        for cid, rids in by_campaign.items()
    )
