"""The queue: enqueue, pause, resume, cancel, move, the one ``defer()``, pick-next
and the honest final status. Every function runs inside the caller's session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    EntryKind,
    EntryStatus,
    NotificationKind,
    Reason,
    RecipientStatus,
)
from mailer_gui.core.config.settings import AppSettings
from mailer_gui.core.config.settings import load as load_settings
from mailer_gui.core.errors import StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import limits
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    Campaign,
    Notification,
    PauseEvent,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import count_by_state
from mailer_gui.core.store.queries import get_campaign as get_campaign

# Reason codes (SPEC). Those that need the operator carry no time.
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
REASONS = TIMED_REASONS | OPERATOR_REASONS | {Reason.PAUSED, Reason.WAITING}
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

TEST_PRIORITY = 1_000_000


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
    if reason not in REASONS or reason == Reason.WAITING:
        raise ValueError(f"unknown defer reason {reason!r}")
    if reason in OPERATOR_REASONS or reason == Reason.PAUSED:
        if next_run_at is not None:
            raise ValueError(f"{reason} waits for the operator and takes no time")
    elif next_run_at is None:
        raise ValueError(f"{reason} needs a next run time")
    now = utc(now)
    next_run_at = None if next_run_at is None else utc(next_run_at)
    entry.status = EntryStatus.PAUSED if reason == Reason.PAUSED else EntryStatus.DEFERRED
    entry.reason_code = reason
    entry.next_run_at = next_run_at
    entry.reason_detail = detail
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
    entry = campaign_entry(session, campaign.id)
    if entry is not None and entry.status in LIVE_STATUSES:
        raise StateError(
            Message("queue.already_queued", campaign_id=campaign_id, status=entry.status)
        )
    pending = session.scalar(
        select(func.count())
        .select_from(Recipient)
        .where(
            Recipient.campaign_id == campaign.id,
            Recipient.test_entry_id.is_(None),
            Recipient.status == RecipientStatus.PENDING,
        )
    )
    if not pending:
        raise StateError(Message("queue.no_recipients", campaign_id=campaign_id))
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
    with db.read() as s:
        get_campaign(s, campaign_id)
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


def _live_entry(session: Session, campaign_id: int) -> QueueEntry:
    get_campaign(session, campaign_id)
    entry = campaign_entry(session, campaign_id)
    if entry is None or entry.status not in LIVE_STATUSES:
        raise StateError(Message("queue.not_queued", campaign_id=campaign_id))
    return entry


def pause(session: Session, campaign_id: int, now: datetime) -> QueueEntry:
    entry = _live_entry(session, campaign_id)
    defer(session, entry, Reason.PAUSED, None, now)
    return entry


def resume(session: Session, campaign_id: int, now: datetime) -> QueueEntry:
    """Release any hold: a pause, an SMTP problem the operator fixed, a retry
    time or the provider's own limit. The entry can run at once and the engine
    checks it again. Holds that the settings decide (working hours, the hourly
    limit, the monthly quota) and a scheduled start are recomputed at once, so
    the entry still says why it waits if it must: the caller reads the
    entry's status and reason to tell the operator what resuming did."""
    entry = _live_entry(session, campaign_id)
    if entry.status not in (EntryStatus.PAUSED, EntryStatus.DEFERRED):
        return entry
    if entry.status == EntryStatus.PAUSED or entry.reason_code not in (
        *SETTINGS_REASONS,
        Reason.SCHEDULED,
    ):
        _release(session, entry, now)
    _replan_entry(session, entry, load_settings(session), now)
    return entry


def _release(session: Session, entry: QueueEntry, now: datetime) -> None:
    close_pause(session, entry, now)
    entry.status = EntryStatus.QUEUED
    entry.reason_code = entry.next_run_at = entry.reason_detail = None
    entry.content_reject_count = 0
    if entry.start_at is not None and entry.start_at > utc(now):
        defer(session, entry, Reason.SCHEDULED, entry.start_at, now)


def settings_hold(
    session: Session, st: AppSettings, entry: QueueEntry, now: datetime
) -> tuple[str, datetime, str | None] | None:
    """Why ``entry`` may not send now by its start time, the working hours and
    the limits over the ledger (the engine's checks, in its order), or None."""
    now = utc(now)
    if entry.kind == EntryKind.CAMPAIGN and entry.start_at is not None and entry.start_at > now:
        return Reason.SCHEDULED, entry.start_at, None
    if entry.kind == EntryKind.CAMPAIGN and not limits.is_open(st.limits, now):
        return Reason.OUTSIDE_HOURS, limits.next_open(st.limits, now), OUTSIDE_HOURS_DETAIL
    return limits.capacity_hold(session, st.limits, st.quota, now)


def _replan_entry(session: Session, entry: QueueEntry, st: AppSettings, now: datetime) -> bool:
    """Recompute one entry's wait; True if it may send now. Through ``defer``,
    so a wait that keeps its reason and time notifies nobody again."""
    hold = settings_hold(session, st, entry, now)
    if hold is not None:
        defer(session, entry, hold[0], hold[1], now, hold[2])
        return False
    if entry.status == EntryStatus.DEFERRED:
        close_pause(session, entry, now)
        entry.status = EntryStatus.QUEUED
        entry.reason_code = entry.next_run_at = entry.reason_detail = None
    return True


def replan(
    session: Session, now: datetime, *, smtp_changed: bool = False, account_changed: bool = False
) -> dict[str, int]:
    """Re-plan every waiting entry after the settings were saved, in the same
    write transaction as the save (invariant D).

    Waits the settings decide (working hours, hourly limit, monthly quota) are
    recomputed from the saved settings and the ledger: a raised limit or a
    wider window makes the entry runnable now, a lowered one moves its time.
    With ``smtp_changed`` (server, sender or password), entries held for an
    SMTP problem or a transient error are released for the engine to try
    again; with ``account_changed`` (another server or login) so is the old
    account's ``provider_limit``. Nothing is sent here: the caller wakes the
    engine. Returns how many entries were ``released`` (may send now) and
    ``held`` (still wait, reason and time recomputed).
    """
    st = load_settings(session)  # flushes the save this transaction made
    out = {"released": 0, "held": 0}
    waiting = session.scalars(
        select(QueueEntry).where(QueueEntry.status == EntryStatus.DEFERRED).order_by(QueueEntry.id)
    ).all()
    for entry in waiting:
        reason = entry.reason_code
        if reason in SETTINGS_REASONS:
            out["released" if _replan_entry(session, entry, st, now) else "held"] += 1
        elif (smtp_changed and reason in SMTP_REASONS) or (
            account_changed and reason == Reason.PROVIDER_LIMIT
        ):
            _release(session, entry, now)
            out["released" if entry.status == EntryStatus.QUEUED else "held"] += 1
    return out


def release_operator_holds(session: Session, now: datetime) -> int:
    """After the SMTP settings change, entries held for an SMTP problem may run."""
    held = session.scalars(
        select(QueueEntry).where(
            QueueEntry.status == EntryStatus.DEFERRED, QueueEntry.reason_code.in_(OPERATOR_REASONS)
        )
    ).all()
    for entry in held:
        _release(session, entry, now)
    return len(held)


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
        listed = ", ".join(u.email for u in uncertain[:5]) + (
            f" and {len(uncertain) - 5} more" if len(uncertain) > 5 else ""
        )
        raise StateError(
            Message(
                "queue.not_uncertain",
                campaign_id=campaign_id,
                missing=", ".join(missing),
                uncertain=Message("queue.uncertain_are", emails=listed)
                if uncertain
                else Message("queue.uncertain_none"),
            )
        )
    return list(chosen.values())
