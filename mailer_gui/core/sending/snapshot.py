"""The status snapshot (invariant J): one function, plain data, for GUI and CLI.

Everything here is derived from the queue table and the ledger; nothing is
kept between calls, so a snapshot can always be rebuilt from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import iso, utc
from mailer_gui.core.codes import RECIPIENT_STATES, EntryKind, Reason
from mailer_gui.core.codes import EntryStatus as Status
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.settings import AppSettings
from mailer_gui.core.mailbox.stats import feedback_counts
from mailer_gui.core.sending import limits, pacing, queue
from mailer_gui.core.sending.eta import Estimator
from mailer_gui.core.sending.pacing import Pacing
from mailer_gui.core.store.models import FINAL_STATUSES, Campaign, QueueEntry
from mailer_gui.core.store.queries import counts_by_scope

FINISHED_SHOWN = 200


@dataclass(frozen=True)
class EntryStatus:
    entry_id: int
    campaign_id: int
    name: str
    kind: str
    status: str
    position: int | None
    reason_code: str | None
    reason_detail: str | None
    next_run_at: datetime | None
    counts: dict[str, int]
    eta: datetime | None
    priority: int = 0
    queued_at: datetime | None = None
    finished_at: datetime | None = None
    # The active entry between two paced messages: when the next one may go
    # (a paced wait is not a pause: the entry is processing, with no reason).
    paced_until: datetime | None = None
    # From the mailbox: {"unsubscribed": n, "complaints": n} (campaigns with any).
    feedback: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Budget:
    hourly_limit: int
    hourly_used: int
    next_slot_at: datetime | None
    monthly_limit: int
    monthly_used: int
    resets_at: datetime
    # The optional rules (None: off).
    minute: limits.RuleUsage | None = None
    daily: limits.RuleUsage | None = None


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    active_campaign: tuple[int, str] | None
    queued_count: int
    next_campaign_at: datetime | None
    budget: Budget
    smtp_configured: bool
    entries: list[EntryStatus] = field(default_factory=list)
    # The settings' zone: the one every time is shown in (core/timefmt).
    timezone: str = "UTC"
    pacing: Pacing = field(default_factory=lambda: Pacing("off", None, None, None))

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``status --json`` object (times ISO 8601 with a UTC offset)."""
        return {
            "now": iso(self.now),
            "active_campaign": None
            if self.active_campaign is None
            else {"id": self.active_campaign[0], "name": self.active_campaign[1]},
            "queued_count": self.queued_count,
            "next_campaign_at": iso(self.next_campaign_at),
            "smtp_configured": self.smtp_configured,
            "limits": _limits_json(self.budget),
            "pacing": self.pacing.to_json(),
            "entries": [_entry_json(e) for e in self.entries],
        }


def _limits_json(b: Budget) -> dict[str, Any]:
    """``limits`` of ``status --json``: hourly and monthly always, the optional
    rules null when off."""
    return {
        "hourly": {
            "limit": b.hourly_limit,
            "used": b.hourly_used,
            "next_slot_at": iso(b.next_slot_at),
        },
        "monthly": {
            "limit": b.monthly_limit,
            "used": b.monthly_used,
            "resets_at": iso(b.resets_at),
        },
        "minute": None
        if b.minute is None
        else {
            "limit": b.minute.limit,
            "used": b.minute.used,
            "next_slot_at": iso(b.minute.next_slot_at),
        },
        "daily": None
        if b.daily is None
        else {
            "limit": b.daily.limit,
            "used": b.daily.used,
            "next_slot_at": iso(b.daily.next_slot_at),
            "resets_at": iso(b.daily.resets_at),
        },
    }


def _entry_json(e: EntryStatus) -> dict[str, Any]:
    return {
        "entry_id": e.entry_id,
        "campaign_id": e.campaign_id,
        "name": e.name,
        "kind": e.kind,
        "status": e.status,
        "position": e.position,
        "reason_code": e.reason_code,
        "reason_detail": e.reason_detail,
        "next_run_at": iso(e.next_run_at),
        "counts": dict(e.counts),
        "eta": iso(e.eta),
        "priority": e.priority,
        "queued_at": iso(e.queued_at),
        "finished_at": iso(e.finished_at),
        "paced_until": iso(e.paced_until),
        "feedback": dict(e.feedback),
    }


def _budget(session: Session, st: AppSettings, now: datetime) -> Budget:
    hour = limits.hourly_usage(session, st.limits, now)
    month = limits.monthly_usage(session, st.limits, st.quota, now)
    minute, daily = (
        None if r is None else limits.rule_usage(session, st.limits, r, now)
        for r in (limits.rule(st.limits, "minute"), limits.rule(st.limits, "daily"))
    )
    return Budget(
        hour.limit,
        hour.used,
        hour.next_slot_at,
        month.limit,
        month.used,
        month.resets_at,
        minute,
        daily,
    )


def _queue_order(session: Session, live: list[QueueEntry], now: datetime) -> list[QueueEntry]:
    """Live entries as they will run: the eligible ones first, in pick order."""
    eligible_ids = [e.id for e in queue.eligible(session, now)]
    return sorted(
        live,
        key=lambda e: (
            e.id not in eligible_ids,
            eligible_ids.index(e.id) if e.id in eligible_ids else 0,
            -e.priority,
            e.order_key,
            e.id,
        ),
    )


def _scope(e: QueueEntry) -> tuple[int, int | None]:
    """The key of ``counts_by_scope`` for the entry's recipients."""
    return (e.campaign_id, e.id if e.kind == EntryKind.TEST else None)


def _live_statuses(
    st: AppSettings,
    est: Estimator,
    now: datetime,
    order: list[QueueEntry],
    active: QueueEntry | None,
    names: dict[int, str],
    counts: dict[tuple[int, int | None], dict[str, int]],
    pace: Pacing,
) -> tuple[list[EntryStatus], datetime | None]:
    """Each live entry's status in queue order, and the next time one may run
    (the active entry between paced messages: when its next one may go)."""
    entries: list[EntryStatus] = []
    next_at: datetime | None = None
    for pos, e in enumerate(order, start=1):
        c = counts.get(_scope(e)) or dict.fromkeys(RECIPIENT_STATES, 0)
        reason = e.reason_code
        if e.status == Status.QUEUED and active is not None and active.id != e.id:
            reason = Reason.WAITING
        runnable = e.status != Status.PAUSED and not (
            e.status == Status.DEFERRED and e.next_run_at is None
        )
        eta = None
        if runnable and st.smtp is not None:
            start = e.next_run_at if e.status == Status.DEFERRED and e.next_run_at else now
            eta = est.spend(utc(start), c["pending"] + c["sending"], e.kind == EntryKind.CAMPAIGN)
        if runnable:
            when = e.next_run_at if e.status == Status.DEFERRED and e.next_run_at else now
            if e.status == Status.PROCESSING and pace.next_slot_at is not None:
                when = pace.next_slot_at  # between two paced messages
            next_at = when if next_at is None else min(next_at, when)
        name = names.get(e.campaign_id, "?")
        status = _entry_status(e, name, pos, reason, e.reason_detail, e.next_run_at, c, eta)
        if e.status == Status.PROCESSING and pace.next_slot_at is not None:
            status = replace(status, paced_until=pace.next_slot_at)
        entries.append(status)
    return entries, next_at


def _entry_status(
    e: QueueEntry,
    name: str,
    pos: int | None,
    reason: str | None,
    detail: str | None,
    next_run_at: datetime | None,
    c: dict[str, int],
    eta: datetime | None,
) -> EntryStatus:
    return EntryStatus(
        e.id,
        e.campaign_id,
        name,
        e.kind,
        e.status,
        pos,
        reason,
        detail,
        next_run_at,
        c,
        eta,
        e.priority,
        e.queued_at,
        e.finished_at,
    )


def _finished_statuses(
    session: Session,
    names: dict[int, str],
    counts: dict[tuple[int, int | None], dict[str, int]],
) -> list[EntryStatus]:
    """The latest finished entries (at most :data:`FINISHED_SHOWN`), newest first."""
    finished = session.scalars(
        select(QueueEntry)
        .where(QueueEntry.status.in_(FINAL_STATUSES))
        .order_by(QueueEntry.finished_at.desc(), QueueEntry.id.desc())
        .limit(FINISHED_SHOWN)
    ).all()
    return [
        _entry_status(
            e,
            names.get(e.campaign_id, "?"),
            None,
            None,
            None,
            None,
            dict(counts.get(_scope(e)) or {}),
            None,
        )
        for e in finished
    ]


def _with_feedback(session: Session, entries: list[EntryStatus]) -> list[EntryStatus]:
    """The mailbox's unsubscribes and complaints on each campaign's own entry."""
    fb = feedback_counts(session)
    if not fb:
        return entries
    return [
        replace(e, feedback=fb[e.campaign_id])
        if e.kind == EntryKind.CAMPAIGN and e.campaign_id in fb
        else e
        for e in entries
    ]


def build(session: Session, now: datetime) -> Snapshot:
    """The complete status: active campaign, queued count, next run, limits,
    and for every entry its reason, next run time, counts and ETA."""
    now = utc(now)
    st = settings_mod.load(session)
    budget = _budget(session, st, now)
    names = dict(session.execute(select(Campaign.id, Campaign.name)).all())
    counts = counts_by_scope(session)
    live = queue.live_entries(session)
    order = _queue_order(session, live, now)
    active = next((e for e in live if e.status == Status.PROCESSING), None)
    pace = pacing.status(session, st.limits, now)
    est = Estimator(
        session, st, budget.monthly_limit - budget.monthly_used, budget.resets_at, pace, now
    )
    entries, next_at = _live_statuses(st, est, now, order, active, names, counts, pace)
    entries += _finished_statuses(session, names, counts)
    entries = _with_feedback(session, entries)
    queued = sum(
        1 for e in live if e.kind == EntryKind.CAMPAIGN and (active is None or e.id != active.id)
    )
    return Snapshot(
        now=now,
        active_campaign=None
        if active is None
        else (active.campaign_id, names.get(active.campaign_id, "?")),
        queued_count=queued,
        next_campaign_at=next_at,
        budget=budget,
        smtp_configured=st.smtp is not None,
        entries=entries,
        timezone=st.limits.timezone,
        pacing=pace,
    )
