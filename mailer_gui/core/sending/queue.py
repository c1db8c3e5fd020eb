"""The queue: enqueue, pause, cancel, move, the queue order and the operator's
decision on uncertain recipients. Every function runs inside the caller's session.

The one ``defer()``, the reason codes and the final status live in
:mod:`~mailer_gui.core.sending.pauses`, resume and the re-plan in
:mod:`~mailer_gui.core.sending.holds`, reconcile and the uncertain recipients in
:mod:`~mailer_gui.core.sending.uncertain`; their names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    EntryKind,
    EntryStatus,
    Reason,
    RecipientStatus,
)
from mailer_gui.core.errors import StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.holds import (
    release_operator_holds as release_operator_holds,
)
from mailer_gui.core.sending.holds import replan as replan
from mailer_gui.core.sending.holds import resume as resume
from mailer_gui.core.sending.holds import settings_hold as settings_hold
from mailer_gui.core.sending.pauses import (
    GUARD_REASONS as GUARD_REASONS,
)
from mailer_gui.core.sending.pauses import (
    HELD_REASONS as HELD_REASONS,
)
from mailer_gui.core.sending.pauses import (
    OPERATOR_REASONS as OPERATOR_REASONS,
)
from mailer_gui.core.sending.pauses import (
    OUTSIDE_HOURS_DETAIL as OUTSIDE_HOURS_DETAIL,
)
from mailer_gui.core.sending.pauses import REASONS as REASONS
from mailer_gui.core.sending.pauses import SETTINGS_REASONS as SETTINGS_REASONS
from mailer_gui.core.sending.pauses import SILENT_REASONS as SILENT_REASONS
from mailer_gui.core.sending.pauses import SMTP_REASONS as SMTP_REASONS
from mailer_gui.core.sending.pauses import TIMED_REASONS as TIMED_REASONS
from mailer_gui.core.sending.pauses import _live_entry
from mailer_gui.core.sending.pauses import campaign_entry as campaign_entry
from mailer_gui.core.sending.pauses import close_pause as close_pause
from mailer_gui.core.sending.pauses import counts_for as counts_for
from mailer_gui.core.sending.pauses import defer as defer
from mailer_gui.core.sending.pauses import finish_if_done as finish_if_done
from mailer_gui.core.sending.pauses import notify as notify
from mailer_gui.core.sending.pauses import recipient_scope as recipient_scope
from mailer_gui.core.sending.uncertain import NOTICE_NAMES as NOTICE_NAMES
from mailer_gui.core.sending.uncertain import RECONCILE_REPLY as RECONCILE_REPLY
from mailer_gui.core.sending.uncertain import UncertainRecipient as UncertainRecipient
from mailer_gui.core.sending.uncertain import _pick_uncertain
from mailer_gui.core.sending.uncertain import named_list as named_list
from mailer_gui.core.sending.uncertain import reconcile as reconcile
from mailer_gui.core.sending.uncertain import uncertain_notice as uncertain_notice
from mailer_gui.core.sending.uncertain import (
    uncertain_notice_parts as uncertain_notice_parts,
)
from mailer_gui.core.sending.uncertain import (
    uncertain_recipients as uncertain_recipients,
)
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import get_campaign as get_campaign

TEST_PRIORITY = 1_000_000


def start_processing(session: Session, entry: QueueEntry, now: datetime) -> None:
    """Make ``entry`` the active one; any other processing entry goes back to queued."""
    if entry.status == EntryStatus.PROCESSING:
        return  # already active, and at most one entry ever is (B)
    session.execute(
        update(QueueEntry)
        .where(QueueEntry.status == EntryStatus.PROCESSING, QueueEntry.id != entry.id)
        .values(status=EntryStatus.QUEUED)
    )
    close_pause(session, entry, now)
    entry.status = EntryStatus.PROCESSING
    entry.reason_code = None
    entry.next_run_at = None
    entry.reason_detail = None
    if entry.started_at is None:
        entry.started_at = utc(now)


def _next_order_key(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(QueueEntry.order_key), 0))) or 0) + 1


def enqueue(
    session: Session,
    campaign_id: int,
    now: datetime,
    start_at: datetime | None = None,
    priority: int = 0,
    *,
    checked: bool = False,
) -> QueueEntry:
    """Put a campaign in the queue (or back in it after it finished).

    Unless ``checked`` (the caller ran preflight already, see
    :func:`enqueue_checked`), every pending recipient is rendered first.
    """
    campaign = get_campaign(session, campaign_id)
    if not checked:
        resolve_audience(session, campaign_id)
    entry = _refuse_if_not_queueable(session, campaign.id)
    if not checked:
        _refuse_if_preflight_fails(session, campaign_id)
    now = utc(now)
    order_key = _next_order_key(session)
    if entry is None:
        entry = QueueEntry(campaign_id=campaign.id, kind=EntryKind.CAMPAIGN, queued_at=now)
        session.add(entry)
    entry.status = EntryStatus.QUEUED
    entry.priority = priority
    entry.order_key = order_key
    entry.queued_at = now
    entry.start_at = None if start_at is None else utc(start_at)
    entry.reason_code = entry.next_run_at = entry.reason_detail = None
    entry.finished_at = None
    entry.transient_count = entry.content_reject_count = 0
    entry.notified_reason = entry.notified_next_run_at = None
    session.flush()
    if entry.start_at is not None and entry.start_at > now:
        defer(session, entry, Reason.SCHEDULED, entry.start_at, now)
    return entry


def resolve_audience(session: Session, campaign_id: int) -> None:
    """A campaign with an audience gets its recipients from it now, as it is
    (``core/audience/audiences.py``); not while it is in the queue."""
    entry = campaign_entry(session, campaign_id)
    if entry is not None and entry.status in LIVE_STATUSES:
        return  # _refuse_if_not_queueable says so
    from mailer_gui.core.audience import audiences  # loads with the first audience

    audiences.resolve(session, campaign_id)


def _refuse_if_not_queueable(session: Session, campaign_id: int) -> QueueEntry | None:
    """The campaign's entry (None if never queued), unless it is queued already or
    has no pending recipient: then StateError."""
    entry = campaign_entry(session, campaign_id)
    if entry is not None and entry.status in LIVE_STATUSES:
        raise StateError(
            Message("queue.already_queued", campaign_id=campaign_id, status=entry.status)
        )
    pending = session.scalar(
        select(func.count())
        .select_from(Recipient)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.test_entry_id.is_(None),
            Recipient.status == RecipientStatus.PENDING,
        )
    )
    if not pending:
        raise StateError(Message("queue.no_recipients", campaign_id=campaign_id))
    return entry


def enqueue_checked(
    db: Database,
    campaign_id: int,
    now: datetime,
    start_at: datetime | None = None,
    priority: int = 0,
) -> str:
    """Preflight in a read transaction (rendering a large list takes seconds and
    must not hold the write lock the engine needs), then enqueue in a short
    write transaction. Returns the entry's status."""
    with db.write() as s:
        get_campaign(s, campaign_id)
        resolve_audience(s, campaign_id)
    with db.read() as s:
        _refuse_if_preflight_fails(s, campaign_id)
    with db.write() as s:
        return enqueue(s, campaign_id, now, start_at, priority, checked=True).status


def _refuse_if_preflight_fails(session: Session, campaign_id: int) -> None:
    """Content check (issue 3): every pending recipient must render before enqueue."""
    from mailer_gui.core.content.preflight import (  # the content check loads when used
        preflight,
        summary,
    )

    errors = preflight(session, campaign_id, limit=4)
    if errors:
        raise StateError(
            Message(
                "queue.preflight_failed",
                campaign_id=campaign_id,
                problems=summary(errors, complete=len(errors) < 4),
            )
        )


def enqueue_test(
    session: Session,
    campaign_id: int,
    to_addr: str,
    fields: dict[str, object],
    now: datetime,
    email_norm: str,
) -> QueueEntry:
    """A test send: a queue entry of its own kind, with top priority (invariant A)."""
    campaign = get_campaign(session, campaign_id)
    now = utc(now)
    entry = QueueEntry(
        campaign_id=campaign.id,
        kind=EntryKind.TEST,
        status=EntryStatus.QUEUED,
        priority=TEST_PRIORITY,
        order_key=_next_order_key(session),
        queued_at=now,
    )
    session.add(entry)
    session.flush()
    session.add(
        Recipient(
            campaign_id=campaign.id,
            test_entry_id=entry.id,
            email=to_addr,
            email_norm=email_norm,
            fields=dict(fields),
            status=RecipientStatus.PENDING,
        )
    )
    return entry


def pause(session: Session, campaign_id: int, now: datetime) -> QueueEntry:
    entry = _live_entry(session, campaign_id)
    defer(session, entry, Reason.PAUSED, None, now)
    return entry


def cancel(session: Session, campaign_id: int, now: datetime) -> QueueEntry:
    entry = _live_entry(session, campaign_id)
    close_pause(session, entry, now)
    entry.status = EntryStatus.CANCELLED
    entry.reason_code = entry.next_run_at = entry.reason_detail = None
    entry.finished_at = utc(now)
    return entry


def live_entries(session: Session) -> list[QueueEntry]:
    """Live entries in queue order: tests first, then priority, then time queued."""
    return list(
        session.scalars(
            select(QueueEntry)
            .where(QueueEntry.status.in_(LIVE_STATUSES))
            .order_by(QueueEntry.priority.desc(), QueueEntry.order_key, QueueEntry.id)
        )
    )


def move(session: Session, campaign_id: int, delta: int) -> QueueEntry:
    """Move a campaign up (delta < 0) or down in the queue by swapping order keys."""
    entry = _live_entry(session, campaign_id)
    peers = [
        e
        for e in live_entries(session)
        if e.kind == EntryKind.CAMPAIGN and e.priority == entry.priority
    ]
    i = peers.index(entry)
    j = max(0, min(len(peers) - 1, i + delta))
    if i != j:
        other = peers[j]
        entry.order_key, other.order_key = other.order_key, entry.order_key
    return entry


def set_priority(session: Session, campaign_id: int, priority: int) -> QueueEntry:
    entry = _live_entry(session, campaign_id)
    if abs(priority) >= TEST_PRIORITY:
        raise StateError(
            Message("queue.priority_range", low=-TEST_PRIORITY + 1, high=TEST_PRIORITY - 1)
        )
    entry.priority = priority
    return entry


def eligible(session: Session, now: datetime) -> list[QueueEntry]:
    """Entries that may send now, best first: tests, then the active campaign,
    then priority and time queued. Deferred entries whose time has not come and
    entries held for the operator are skipped (edge case 4)."""
    return list(
        session.scalars(
            select(QueueEntry).where(*eligible_where(utc(now))).order_by(*ELIGIBLE_ORDER)
        )
    )


def eligible_where(now: Any) -> tuple[Any, ...]:
    """The conditions of :func:`eligible` (``now`` a time or a bind parameter)."""
    return (
        QueueEntry.status.in_((EntryStatus.QUEUED, EntryStatus.PROCESSING, EntryStatus.DEFERRED)),
        (QueueEntry.status != EntryStatus.DEFERRED)
        | ((QueueEntry.next_run_at.is_not(None)) & (QueueEntry.next_run_at <= now)),
    )


ELIGIBLE_ORDER = (
    case((QueueEntry.kind == EntryKind.TEST, 0), else_=1),
    case((QueueEntry.status == EntryStatus.PROCESSING, 0), else_=1),
    QueueEntry.priority.desc(),
    QueueEntry.order_key,
    QueueEntry.id,
)


def resolve_uncertain(
    session: Session,
    campaign_id: int,
    action: str,
    now: datetime,
    *,
    emails: Sequence[str] | None = None,
    recipient_ids: Sequence[int] | None = None,
) -> int:
    """The operator's decision on uncertain recipients: ``mark_sent`` or ``requeue``.

    Every uncertain recipient of the campaign, or only those named by
    ``emails`` or ``recipient_ids``; a name that is not an uncertain recipient
    of the campaign raises StateError and changes nothing. Re-queued recipients
    keep their Message-ID, so a receiving server that deduplicates on it can
    drop a second copy.
    """
    if action not in ("mark_sent", "requeue"):
        raise ValueError(action)
    uncertain = uncertain_recipients(session, campaign_id)
    chosen = uncertain
    if emails is not None or recipient_ids is not None:
        chosen = _pick_uncertain(campaign_id, uncertain, emails or (), recipient_ids or ())
    ids = [u.id for u in chosen]
    for r in session.scalars(select(Recipient).where(Recipient.id.in_(ids))).all():
        if action == "mark_sent":
            r.status = RecipientStatus.SENT
            r.reply = (r.reply or "") + " [marked sent by the operator]"
        else:
            r.status = RecipientStatus.PENDING
    entry = campaign_entry(session, campaign_id)
    if entry is not None and ids:
        session.flush()
        if action == "requeue" and entry.status in FINAL_STATUSES:
            enqueue(session, campaign_id, now)
        elif action == "mark_sent" and entry.status == EntryStatus.COMPLETED_WITH_ERRORS:
            counts = counts_for(session, entry)
            if not counts["failed"] and not counts["uncertain"]:
                entry.status = EntryStatus.COMPLETED
    return len(ids)
