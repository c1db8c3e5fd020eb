"""Campaign records: create, edit, list, add recipients, test sends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses
from mailer_gui.core.clock import utc
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.errors import MailerError, StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import queue
from mailer_gui.core.store.db import reserved_domains_allowed
from mailer_gui.core.store.models import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    Campaign,
    CampaignVersion,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import recipient_totals

# What recipients receive: changing any of it after a send makes a new version.
CONTENT_KEYS = frozenset({"subject", "html_body", "text_body", "reply_to"})
# Entry statuses in which the engine may send the next message at any moment.
SENDING_STATUSES = ("queued", "processing", "deferred")


class ContentLockedError(StateError):
    """The campaign has sent and may send again any moment: its content is read-only
    until it is paused (recipients would silently get different versions)."""

    def __init__(self, campaign_id: int, received: int) -> None:
        super().__init__(Message("content_locked", campaign_id=campaign_id, received=received))
        self.campaign_id = campaign_id
        self.received = received


class ConfirmationNeeded(StateError):
    """Content change of a campaign some recipients already received: the caller
    must ask the operator and pass ``confirm_sent=True``."""

    def __init__(self, campaign_id: int, received: int) -> None:
        super().__init__(
            Message("content_change_unconfirmed", campaign_id=campaign_id, received=received)
        )
        self.campaign_id = campaign_id
        self.received = received


@dataclass(frozen=True)
class ContentState:
    """Whether the campaign's content may change now, and what a change means."""

    entry_status: str | None  # the campaign's queue entry status, None if never queued
    received: int  # campaign recipients sent (any version)
    started: int  # campaign recipients ever claimed (a message may have gone out)
    version: int  # the content version sent now

    @property
    def locked(self) -> bool:
        """True while the campaign has sent and may send the next message any moment."""
        return self.entry_status in SENDING_STATUSES and (
            self.started > 0 or self.entry_status == "processing"
        )

    @property
    def needs_confirmation(self) -> bool:
        return self.received > 0


def content_state(session: Session, campaign_id: int) -> ContentState:
    c = queue.get_campaign(session, campaign_id)
    entry = queue.campaign_entry(session, campaign_id)
    own = (Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
    received, started = session.execute(
        select(
            func.count().filter(Recipient.status == RecipientStatus.SENT),
            func.count().filter(Recipient.attempts > 0),
        ).where(*own)
    ).one()
    return ContentState(
        entry.status if entry else None, int(received or 0), int(started or 0), c.content_version
    )


def change_content(
    session: Session, campaign_id: int, now: datetime, confirm_sent: bool = False
) -> ContentState:
    """Check that the campaign's content may change now, and start a new content
    version if the current one was already sent. Call it (in the write
    transaction that makes the change) before changing subject, bodies,
    reply-to or attachments. Raises ContentLockedError while the campaign is
    sending, ConfirmationNeeded when some received it and ``confirm_sent`` is
    not given."""
    state = content_state(session, campaign_id)
    if state.locked:
        raise ContentLockedError(campaign_id, state.received)
    if state.needs_confirmation and not confirm_sent:
        raise ConfirmationNeeded(campaign_id, state.received)
    c = queue.get_campaign(session, campaign_id)
    used = session.scalar(
        select(Recipient.id)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.test_entry_id.is_(None),
            Recipient.content_version == c.content_version,
        )
        .limit(1)
    )
    if used is not None:
        c.content_version += 1
        session.add(
            CampaignVersion(
                campaign_id=campaign_id,
                version=c.content_version,
                subject=c.subject,
                created_at=utc(now),
            )
        )
        session.flush()
    return state


def _record_subject(session: Session, c: Campaign, now: datetime) -> None:
    """The current version's row names the campaign's current subject."""
    row = session.scalars(
        select(CampaignVersion).where(
            CampaignVersion.campaign_id == c.id, CampaignVersion.version == c.content_version
        )
    ).first()
    if row is None:
        session.add(
            CampaignVersion(
                campaign_id=c.id, version=c.content_version, subject=c.subject, created_at=utc(now)
            )
        )
    else:
        row.subject = c.subject


def normalize_email(addr: str) -> str:
    """Lower-cased, trimmed address used for de-duplication and suppression."""
    return addr.strip().lower()


def create(
    session: Session,
    name: str,
    subject: str,
    html: str,
    text: str | None,
    now: datetime,
    reply_to: str | None = None,
    test_address: str | None = None,
) -> Campaign:
    if not name.strip():
        raise MailerError(Message("campaign.name_missing"))
    c = Campaign(
        name=name.strip(),
        subject=subject,
        html_body=html,
        text_body=text or None,
        reply_to=reply_to or None,
        content_version=1,
        created_at=utc(now),
        updated_at=utc(now),
        test_address=test_address,
    )
    session.add(c)
    session.flush()
    session.add(CampaignVersion(campaign_id=c.id, version=1, subject=subject, created_at=utc(now)))
    return c


def update(
    session: Session, campaign_id: int, now: datetime, confirm_sent: bool = False, **changes: Any
) -> Campaign:
    """Edit a campaign. A change of content (subject, bodies, reply-to) goes
    through :func:`change_content`: refused while the campaign is sending, and
    once some recipients received it only with ``confirm_sent``."""
    c = queue.get_campaign(session, campaign_id)
    for key in changes:
        if key not in {"name", "test_address"} | CONTENT_KEYS:
            raise ValueError(key)
    if any(getattr(c, k) != v for k, v in changes.items() if k in CONTENT_KEYS):
        change_content(session, campaign_id, now, confirm_sent)
    for key, value in changes.items():
        setattr(c, key, value)
    if "subject" in changes:
        _record_subject(session, c, now)
    c.updated_at = utc(now)
    return c


def add_recipients(
    session: Session, campaign_id: int, rows: Iterable[tuple[int | None, str, Mapping[str, Any]]]
) -> dict[str, int]:
    """Add (row number, address, fields) rows through the one way in
    (:func:`contacts.add_recipients`): an invalid address refuses them all
    (``InvalidRecipients`` naming the rows), duplicates are skipped, suppressed
    addresses are stored as ``suppressed``."""
    from mailer_gui.core.audience import contacts  # the import machinery loads when first used

    res = contacts.add_recipients(session, campaign_id, rows)
    return {"added": res.imported, "duplicate": res.duplicate, "suppressed": res.suppressed}


def find(session: Session, campaign_id: int) -> Campaign | None:
    """The campaign, or None if there is none with this id (``get_campaign`` raises)."""
    return session.get(Campaign, campaign_id)


@dataclass(frozen=True)
class CampaignListing:
    """One line of the campaign list."""

    id: int
    name: str
    recipients: int  # its own, test sends not counted
    updated_at: datetime


def listing(session: Session) -> list[CampaignListing]:
    """Every campaign in id order, with its number of recipients."""
    totals = recipient_totals(session)
    return [
        CampaignListing(cid, name, totals.get(cid, 0), updated)
        for cid, name, updated in session.execute(
            select(Campaign.id, Campaign.name, Campaign.updated_at).order_by(Campaign.id)
        )
    ]


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.id)))


def delete(session: Session, campaign_id: int) -> None:
    c = queue.get_campaign(session, campaign_id)
    live = session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .where(QueueEntry.campaign_id == campaign_id, QueueEntry.status.in_(LIVE_STATUSES))
    )
    if live:
        raise StateError(Message("campaign.delete_queued"))
    session.delete(c)


def test_send(
    session: Session, campaign_id: int, to_addr: str, now: datetime, row: int | None = None
) -> QueueEntry:
    """Queue a test send to ``to_addr``, rendered with a recipient's data
    (the ``row``-th recipient, 1-based; the first if not given)."""
    try:
        to = addresses.check(to_addr)  # stored as every recipient is (contacts)
    except addresses.InvalidAddress as exc:
        raise MailerError(
            Message(
                "campaign.test_address_invalid",
                address=repr(to_addr.strip()),
                problem=exc.args[0] if exc.args else exc,
            )
        ) from None
    reserved = None if reserved_domains_allowed(session) else addresses.reserved_problem(to.email)
    if reserved is not None:
        raise MailerError(
            Message("campaign.test_address_reserved", address=to.email, problem=reserved)
        )
    q = (
        select(Recipient)
        .where(Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
        .order_by(Recipient.id)
    )
    queue.get_campaign(session, campaign_id)
    sample = session.scalars(q.offset((row or 1) - 1).limit(1)).first()
    fields: dict[str, Any] = dict(sample.fields) if sample else {}
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.test_address = to_addr.strip()
    return queue.enqueue_test(session, campaign_id, to.email, fields, now, to.norm)


@dataclass(frozen=True)
class OutcomeOfTestSend:
    """What a test send came to, as its queue entry and its one recipient say."""

    entry_status: str | None  # None: the entry is gone
    reason_code: str | None
    reason_detail: str | None
    next_run_at: datetime | None
    status: str  # the recipient's: pending, sent, failed, uncertain...
    email: str
    reply: str  # the server's last reply ("" if none)

    @property
    def finished(self) -> bool:
        return self.entry_status in FINAL_STATUSES


def outcome_of_test_send(session: Session, entry_id: int) -> OutcomeOfTestSend | None:
    """The test send's outcome; None when it has no recipient (not a test entry)."""
    rec = session.scalars(
        select(Recipient).where(Recipient.test_entry_id == entry_id).order_by(Recipient.id).limit(1)
    ).first()
    if rec is None:
        return None
    entry = session.get(QueueEntry, entry_id)
    return OutcomeOfTestSend(
        entry.status if entry else None,
        entry.reason_code if entry else None,
        entry.reason_detail if entry else None,
        entry.next_run_at if entry else None,
        rec.status,
        rec.email,
        rec.reply or "",
    )
