"""The notification history: what the app told the operator, kept across restarts.

Rows are written by the queue (``queue.notify``); the window shows the latest
of them at start and records which ones the operator has read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mailer_gui.core.store.models import Notification

HISTORY_SHOWN = 200


def history(session: Session, up_to_id: int | None = None,
            limit: int = HISTORY_SHOWN) -> Sequence[Notification]:
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
