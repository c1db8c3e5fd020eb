"""Holds and their release: resume, the waits the settings decide (working
hours, the limits, a scheduled start) and the re-plan after a settings save
(invariant D). Every function runs inside the caller's session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    EntryKind,
    EntryStatus,
    Reason,
)
from mailer_gui.core.config.settings import AppSettings
from mailer_gui.core.config.settings import load as load_settings
from mailer_gui.core.sending import limits
from mailer_gui.core.sending.pauses import (
    OPERATOR_REASONS,
    OUTSIDE_HOURS_DETAIL,
    SETTINGS_REASONS,
    SMTP_REASONS,
    _live_entry,
    close_pause,
    defer,
)
from mailer_gui.core.store.models import (
    QueueEntry,
)


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
