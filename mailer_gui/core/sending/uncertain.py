"""Start-up reconcile and the uncertain recipients it leaves (edge cases 2 and
8, invariant H): what is known of each, the notification naming them, and the
operator's choice of whom to resolve. Every function runs inside the caller's session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    EntryStatus,
    NotificationKind,
    RecipientStatus,
)
from mailer_gui.core.errors import StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.pauses import campaign_entry, finish_if_done, notify
from mailer_gui.core.store.models import (
    Campaign,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import get_campaign


def reconcile(session: Session, now: datetime, engine_id: str) -> dict[str, int]:
    """Start-up repair by a new lease holder (edge cases 2 and 8).

    Recipients left in ``sending`` by a dead engine become ``uncertain`` (never
    re-sent automatically, H); a ``processing`` entry goes back to ``queued``;
    live entries with nothing left get their honest final status.
    """
    now = utc(now)
    stale = (Recipient.status == RecipientStatus.SENDING) & (
        (Recipient.engine_id != engine_id) | Recipient.engine_id.is_(None)
    )
    left = session.execute(
        select(Recipient.campaign_id, Recipient.test_entry_id, Recipient.email)
        .where(stale)
        .order_by(Recipient.campaign_id, Recipient.claimed_at, Recipient.id)
    ).all()
    res = session.execute(
        update(Recipient)
        .where(stale)
        .values(status=RecipientStatus.UNCERTAIN, finished_at=now, reply=RECONCILE_REPLY)
    )
    uncertain = int(res.rowcount or 0)  # type: ignore[attr-defined]
    _notify_uncertain(session, now, left)
    session.execute(
        update(QueueEntry)
        .where(QueueEntry.status == EntryStatus.PROCESSING)
        .values(status=EntryStatus.QUEUED)
    )
    finished = 0
    for entry in session.scalars(
        select(QueueEntry).where(QueueEntry.status.in_((EntryStatus.QUEUED, EntryStatus.DEFERRED)))
    ).all():
        if finish_if_done(session, entry, now):
            finished += 1
    return {"uncertain": uncertain, "finished": finished}


@dataclass(frozen=True)
class UncertainRecipient:
    """What is known of one uncertain recipient, for the operator's decision."""

    id: int
    email: str
    claimed_at: datetime | None  # when the message was handed to the server
    finished_at: datetime | None  # when it became uncertain
    reply: str | None  # the server's last words, or what the app knows
    attempts: int
    message_id: str | None


def uncertain_recipients(session: Session, campaign_id: int) -> list[UncertainRecipient]:
    """The campaign's uncertain recipients, in the order they were claimed."""
    get_campaign(session, campaign_id)
    rows = session.scalars(
        select(Recipient)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.test_entry_id.is_(None),
            Recipient.status == RecipientStatus.UNCERTAIN,
        )
        .order_by(Recipient.claimed_at, Recipient.id)
    ).all()
    return [
        UncertainRecipient(
            r.id, r.email, r.claimed_at, r.finished_at, r.reply, r.attempts, r.message_id
        )
        for r in rows
    ]


RECONCILE_REPLY = Message("smtp.stopped_in_transaction")
NOTICE_NAMES = 5  # addresses named in the notification; "and N more" for the rest


def _notify_uncertain(session: Session, now: datetime, rows: Sequence[Any]) -> None:
    """One notification per campaign (and test send) naming its new uncertain
    recipients, so the operator knows whom to check before deciding."""
    groups: dict[tuple[int, int | None], list[str]] = {}
    for campaign_id, test_entry_id, email in rows:
        groups.setdefault((campaign_id, test_entry_id), []).append(email)
    for (campaign_id, test_entry_id), emails in groups.items():
        entry = (
            session.get(QueueEntry, test_entry_id)
            if test_entry_id is not None
            else campaign_entry(session, campaign_id)
        )
        campaign = session.get(Campaign, campaign_id)
        name = campaign.name if campaign is not None else str(campaign_id)
        notify(
            session,
            now,
            NotificationKind.UNCERTAIN,
            uncertain_notice(name, campaign_id, emails),
            entry,
        )


def uncertain_notice(name: str, campaign_id: int, emails: Sequence[str]) -> str:
    """The notification text: a sentence, then a line naming the addresses
    (:func:`uncertain_notice_parts` reads them back for a translated text)."""
    return (
        f"{len(emails)} recipient(s) of “{name}” are uncertain: the app stopped while "
        f"sending, so the server may have accepted the message. Decide for each in "
        f"Resolve uncertain (`campaign resolve-uncertain {campaign_id}`):\n" + named_list(emails)
    )


def named_list(emails: Sequence[str], limit: int = NOTICE_NAMES) -> str:
    """``a, b, c and 4 more``."""
    shown = ", ".join(emails[:limit])
    return shown + (f" and {len(emails) - limit} more" if len(emails) > limit else "")


def uncertain_notice_parts(text: str) -> tuple[int, list[str], int] | None:
    """(count, the addresses named, how many more) from :func:`uncertain_notice`'s text."""
    head, sep, names = text.partition("\n")
    count = head.split(" ", 1)[0]
    if not sep or not count.isdigit():
        return None
    more = 0
    if " and " in names and names.endswith(" more"):
        names, _, rest = names.rpartition(" and ")
        more = int(rest.split(" ", 1)[0]) if rest.split(" ", 1)[0].isdigit() else 0
    return int(count), [n for n in names.split(", ") if n], more


def _pick_uncertain(
    campaign_id: int,
    uncertain: Sequence[UncertainRecipient],
    emails: Sequence[str],
    recipient_ids: Sequence[int],
) -> list[UncertainRecipient]:
    from mailer_gui.core.audience.addresses import normalize

    by_id = {u.id: u for u in uncertain}
    by_addr: dict[str, UncertainRecipient] = {}
    for one in uncertain:
        by_addr[one.email.strip().lower()] = one
        by_addr.setdefault(normalize(one.email), one)
    chosen: dict[int, UncertainRecipient] = {}
    missing: list[str] = []
    for addr in emails:
        u = by_addr.get(addr.strip().lower()) or by_addr.get(normalize(addr))
        if u is None:
            missing.append(addr)
        else:
            chosen[u.id] = u
    for rid in recipient_ids:
        if rid in by_id:
            chosen[rid] = by_id[rid]
        else:
            missing.append(f"recipient #{rid}")
    if missing:
        raise _not_uncertain(campaign_id, uncertain, missing)
    return list(chosen.values())


def _not_uncertain(
    campaign_id: int, uncertain: Sequence[UncertainRecipient], missing: Sequence[str]
) -> StateError:
    """The error naming what is not an uncertain recipient, and what is."""
    listed = ", ".join(u.email for u in uncertain[:5]) + (
        f" and {len(uncertain) - 5} more" if len(uncertain) > 5 else ""
    )
    return StateError(
        Message(
            "queue.not_uncertain",
            campaign_id=campaign_id,
            missing=", ".join(missing),
            uncertain=Message("queue.uncertain_are", emails=listed)
            if uncertain
            else Message("queue.uncertain_none"),
        )
    )
