"""The notification history: what the app told the operator, kept across restarts.

Rows are written by the queue (``queue.notify``); the window shows the latest
of them at start and records which ones the operator has read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mailer_gui.core.store.models import Campaign, Notification, QueueEntry
from mailer_gui.core.store.queries import recipient_counts

HISTORY_SHOWN = 200


def history(
    session: Session, up_to_id: int | None = None, limit: int = HISTORY_SHOWN
) -> Sequence[Notification]:
    """The newest ``limit`` notifications (ids up to ``up_to_id`` if given), oldest first."""
    q = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if up_to_id is not None:
        q = q.where(Notification.id <= up_to_id)
    return list(reversed(session.scalars(q).all()))


def mark_read(session: Session, ids: Iterable[int]) -> int:
    """Mark these notifications read; returns how many changed."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(
        update(Notification)
        .where(Notification.id.in_(wanted), Notification.read.is_(False))
        .values(read=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def last_id(session: Session) -> int:
    """The newest notification's id (0 when there is none)."""
    return int(session.scalar(select(func.coalesce(func.max(Notification.id), 0))) or 0)


def newer_than(session: Session, after_id: int) -> Sequence[Notification]:
    """The notifications after id ``after_id``, oldest first."""
    return session.scalars(
        select(Notification).where(Notification.id > after_id).order_by(Notification.id)
    ).all()


def notification_dict(session: Session, n: Notification, zone: str) -> dict[str, Any]:
    """A notification row as plain data, with what the GUI needs to word it;
    ``zone`` is the settings' one, that its times are shown in."""
    d: dict[str, Any] = {
        "id": n.id,
        "read": bool(n.read),
        "timezone": zone,
        "at": n.at,
        "kind": n.kind,
        "text": n.text,
        "reason_code": n.reason_code,
        "next_run_at": n.next_run_at,
        "campaign_id": n.campaign_id,
        "entry_id": n.entry_id,
        "campaign_name": None,
        "entry_kind": None,
        "final_status": None,
        "counts": None,
    }
    if n.campaign_id is not None:
        c = session.get(Campaign, n.campaign_id)
        d["campaign_name"] = c.name if c is not None else None
    entry = session.get(QueueEntry, n.entry_id) if n.entry_id is not None else None
    if entry is not None:
        d["entry_kind"] = entry.kind
        if n.kind == "finished":
            d["final_status"] = entry.status
            d["counts"] = recipient_counts(
                session, entry.campaign_id, entry.id if entry.kind == "test" else None
            )
    return d
