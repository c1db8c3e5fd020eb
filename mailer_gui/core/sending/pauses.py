"""The one ``defer()`` (invariant C) and what it stands on: the reason codes,
the pause history, the notifications, the entry's recipients and its honest
final status. Every function runs inside the caller's session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    EntryKind,
    EntryStatus,
    NotificationKind,
    Reason,
    RecipientStatus,
)
from mailer_gui.core.errors import StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.store.models import (
    LIVE_STATUSES,
    Campaign,
    Notification,
    PauseEvent,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import count_by_state, get_campaign

# Reason codes (docs/spec.md#reason-codes). Those that need the operator carry no time.
TIMED_REASONS = frozenset(
    {
        Reason.OUTSIDE_HOURS,
        Reason.MINUTE_LIMIT,
        Reason.HOURLY_LIMIT,
        Reason.DAILY_LIMIT,
        Reason.MONTHLY_QUOTA,
        Reason.TRANSIENT_ERROR,
        Reason.PROVIDER_LIMIT,
        Reason.SCHEDULED,
    }
)
OPERATOR_REASONS = frozenset(
    {Reason.SMTP_NOT_CONFIGURED, Reason.SMTP_AUTH_FAILED, Reason.SMTP_REJECTED}
)
# Holds that only the operator's resume ends: no settings save releases them
# (``bounce_rate``: the mailbox's hard bounces passed the guard's threshold).
GUARD_REASONS = frozenset({Reason.BOUNCE_RATE})
# Every hold that waits for the operator (a resume ends it).
HELD_REASONS = OPERATOR_REASONS | GUARD_REASONS
REASONS = TIMED_REASONS | OPERATOR_REASONS | GUARD_REASONS | {Reason.PAUSED, Reason.WAITING}
# The operator asked for these; telling them again is noise.
SILENT_REASONS = frozenset({Reason.PAUSED, Reason.SCHEDULED})
# Waits the settings and the ledger decide: a settings save recomputes them (D).
SETTINGS_REASONS = frozenset(
    {
        Reason.OUTSIDE_HOURS,
        Reason.MINUTE_LIMIT,
        Reason.HOURLY_LIMIT,
        Reason.DAILY_LIMIT,
        Reason.MONTHLY_QUOTA,
    }
)
# Waits the SMTP account may have caused (a wrong port gives a transient error):
# new SMTP settings let the engine try again at once.
SMTP_REASONS = OPERATOR_REASONS | {Reason.TRANSIENT_ERROR}
OUTSIDE_HOURS_DETAIL = Message("queue.outside_hours")


def campaign_entry(session: Session, campaign_id: int) -> QueueEntry | None:
    """The campaign's own queue entry (not its test sends), if it was ever queued."""
    return session.scalars(
        select(QueueEntry)
        .where(QueueEntry.campaign_id == campaign_id, QueueEntry.kind == EntryKind.CAMPAIGN)
        .order_by(QueueEntry.id.desc())
        .limit(1)
    ).first()


def _open_pause(session: Session, entry: QueueEntry) -> PauseEvent | None:
    return session.scalars(
        select(PauseEvent)
        .where(PauseEvent.entry_id == entry.id, PauseEvent.ended_at.is_(None))
        .order_by(PauseEvent.id.desc())
        .limit(1)
    ).first()


def close_pause(session: Session, entry: QueueEntry, now: datetime) -> None:
    """End the entry's open pause (if any) in the pause history."""
    ev = _open_pause(session, entry)
    if ev is not None:
        ev.ended_at = utc(now)


def notify(
    session: Session,
    now: datetime,
    kind: str,
    text: str,
    entry: QueueEntry | None = None,
    reason: str | None = None,
    next_run_at: datetime | None = None,
) -> None:
    session.add(
        Notification(
            at=utc(now),
            kind=kind,
            text=text,
            reason_code=reason,
            next_run_at=next_run_at,
            campaign_id=entry.campaign_id if entry else None,
            entry_id=entry.id if entry else None,
        )
    )


def _sent_since_notified(session: Session, entry: QueueEntry) -> bool:
    """Did the entry send anything since it was last notified? A pause that
    comes back after progress (the hourly limit, again) is the same story;
    one that comes back with no progress (a retry failed) is news."""
    last = session.scalar(
        select(func.max(Notification.at)).where(
            Notification.entry_id == entry.id, Notification.kind == NotificationKind.DEFERRED
        )
    )
    if last is None:
        return False
    return (
        session.scalar(
            select(Recipient.id)
            .where(
                *recipient_scope(entry),
                Recipient.status == RecipientStatus.SENT,
                Recipient.finished_at >= last,
            )
            .limit(1)
        )
        is not None
    )


def _check_defer(reason: str, next_run_at: datetime | None) -> None:
    """A known reason, with a time exactly when it is a timed one."""
    if reason not in REASONS or reason == Reason.WAITING:
        raise ValueError(f"unknown defer reason {reason!r}")
    if reason in OPERATOR_REASONS or reason in GUARD_REASONS or reason == Reason.PAUSED:
        if next_run_at is not None:
            raise ValueError(f"{reason} waits for the operator and takes no time")
    elif next_run_at is None:
        raise ValueError(f"{reason} needs a next run time")


def _record_pause(
    session: Session,
    entry: QueueEntry,
    reason: str,
    next_run_at: datetime | None,
    now: datetime,
    detail: str | None,
) -> bool:
    """Keep the pause history: the same pause goes on (True) or a new one starts."""
    ev = _open_pause(session, entry)
    same_pause = ev is not None and ev.reason_code == reason
    if ev is not None and not same_pause:
        ev.ended_at = now
    if same_pause:
        assert ev is not None
        ev.next_run_at = next_run_at
        ev.detail = detail
    else:
        session.add(
            PauseEvent(
                entry_id=entry.id,
                campaign_id=entry.campaign_id,
                reason_code=reason,
                detail=detail,
                started_at=now,
                next_run_at=next_run_at,
            )
        )
    return same_pause


def defer(
    session: Session,
    entry: QueueEntry,
    reason: str,
    next_run_at: datetime | None,
    now: datetime,
    detail: str | None = None,
) -> bool:
    """The one way to pause a queue entry (invariant C).

    Records the reason code and the next run time on the entry, keeps the
    pause history, and decides whether to notify: once per change of reason,
    or of time while the same pause goes on (edge case 5). Returns True if a
    notification was recorded.
    """
    _check_defer(reason, next_run_at)
    now = utc(now)
    next_run_at = None if next_run_at is None else utc(next_run_at)
    entry.status = EntryStatus.PAUSED if reason == Reason.PAUSED else EntryStatus.DEFERRED
    entry.reason_code = reason
    entry.next_run_at = next_run_at
    entry.reason_detail = detail
    same_pause = _record_pause(session, entry, reason, next_run_at, now, detail)
    changed = reason != entry.notified_reason or (
        next_run_at != entry.notified_next_run_at
        and (same_pause or not _sent_since_notified(session, entry))
    )
    if not changed or reason in SILENT_REASONS:
        return False
    entry.notified_reason = reason
    entry.notified_next_run_at = next_run_at
    notify(session, now, NotificationKind.DEFERRED, detail or reason, entry, reason, next_run_at)
    return True


def recipient_scope(entry: QueueEntry) -> list:  # type: ignore[type-arg]
    """SQL conditions selecting the recipients this entry sends to."""
    conds = [Recipient.campaign_id == entry.campaign_id]
    if entry.kind == EntryKind.TEST:
        conds.append(Recipient.test_entry_id == entry.id)
    else:
        conds.append(Recipient.test_entry_id.is_(None))
    return conds


def counts_for(session: Session, entry: QueueEntry) -> dict[str, int]:
    return count_by_state(session, *recipient_scope(entry))


def _live_entry(session: Session, campaign_id: int) -> QueueEntry:
    get_campaign(session, campaign_id)
    entry = campaign_entry(session, campaign_id)
    if entry is None or entry.status not in LIVE_STATUSES:
        raise StateError(Message("queue.not_queued", campaign_id=campaign_id))
    return entry


def finish_if_done(session: Session, entry: QueueEntry, now: datetime) -> str | None:
    """Give the entry its honest final status when nothing is left to send (I).

    ``completed`` only when every recipient was sent; otherwise
    ``completed_with_errors``. Suppressed addresses were never to be sent and
    do not count as errors. Returns the final status, or None if not done.
    """
    left = session.scalar(
        select(Recipient.id)
        .where(
            *recipient_scope(entry),
            Recipient.status.in_((RecipientStatus.PENDING, RecipientStatus.SENDING)),
        )
        .limit(1)
    )
    if left is not None:
        return None
    counts = counts_for(session, entry)
    final = (
        EntryStatus.COMPLETED
        if not (counts["failed"] or counts["uncertain"])
        else EntryStatus.COMPLETED_WITH_ERRORS
    )
    close_pause(session, entry, now)
    entry.status = final
    entry.reason_code = entry.next_run_at = entry.reason_detail = None
    entry.finished_at = utc(now)
    name = session.get(Campaign, entry.campaign_id)
    label = "Test send" if entry.kind == EntryKind.TEST else "Campaign"
    text = (
        f"{label} {name.name if name else entry.campaign_id!s} finished: {final} "
        f"({counts['sent']} sent, {counts['failed']} failed, "
        f"{counts['uncertain']} uncertain)"
    )
    notify(session, now, NotificationKind.FINISHED, text, entry)
    return final
