"""Transaction A's per-message statements, as SQL rather than ORM loads (most of
them raw SQL on the driver connection of the session's own transaction: see :mod:`hotsql`).

Every function here runs on the caller's write session (``BEGIN IMMEDIATE``,
so under the write lock) and reads or writes the queue tables directly: the
queue table stays the one source of truth (D). The only thing the engine keeps
between messages is the parsed settings, re-read in every transaction and
parsed again when they changed (:class:`SettingsCache`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mailer_gui.core.codes import EntryKind, RecipientStatus
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.settings import AppSettings, LimitSettings, SmtpSettings
from mailer_gui.core.content.compose import Content
from mailer_gui.core.errors import NotFoundError
from mailer_gui.core.sending.smtp import Outcome
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import QueueEntry, Recipient


@dataclass(frozen=True)
class Claim:
    entry_id: int
    entry_kind: str
    campaign_id: int
    recipient_id: int
    slot_id: int
    to_addr: str
    fields: dict[str, Any]
    message_id: str
    content: Content
    smtp: SmtpSettings
    password: str | None


@dataclass(frozen=True)
class StepResult:
    """What one step did: ``idle`` (nothing can send now), ``paced`` (the entry
    sends, but its next message waits for the pacing gap until
    ``next_wake_at``: not a pause), ``deferred`` (a pause was recorded),
    ``finished`` (an entry ended) or an outcome kind."""

    kind: str
    entry_id: int | None = None
    campaign_id: int | None = None
    recipient_id: int | None = None
    outcome: Outcome | None = None
    next_wake_at: datetime | None = None


def eligible(s: Session, now: datetime) -> Sequence[Any]:
    """:func:`queue.eligible` as rows (id, kind, status, campaign_id, start_at),
    best first (raw SQL: see :mod:`hotsql`)."""
    return hotsql.eligible(hotsql.driver(s), now)


def entries(s: Session, rows: Sequence[Any]) -> list[QueueEntry]:
    """The ORM objects for ``rows`` (for ``queue.defer`` and friends)."""
    return [entry(s, r) for r in rows]


def entry(s: Session, row: Any) -> QueueEntry:
    """The ORM object for one row of :func:`eligible`."""
    e = s.get(QueueEntry, row.id)
    assert e is not None
    return e


def _scope(test: bool) -> Any:
    return (
        Recipient.test_entry_id == bindparam("eid") if test else Recipient.test_entry_id.is_(None)
    )


def _recipients(test: bool, statuses: tuple[str, ...], *cols: Any) -> Any:
    return (
        select(*cols)
        .where(
            Recipient.campaign_id == bindparam("cid"),
            _scope(test),
            Recipient.status.in_(statuses)
            if len(statuses) > 1
            else Recipient.status == statuses[0],
        )
        .limit(1)
    )


# Any one will do: no ORDER BY, so SQLite probes the (campaign, status) index.
_LEFT = {
    test: _recipients(test, (RecipientStatus.PENDING, RecipientStatus.SENDING), Recipient.id)
    for test in (False, True)
}


def next_pending(
    s: Session, kind: str, entry_id: int, campaign_id: int
) -> hotsql.PendingRow | None:
    """The entry's next pending recipient (id, email, fields, message_id), if any."""
    return next_two_pending(s, kind, entry_id, campaign_id)[0]


def next_two_pending(
    s: Session, kind: str, entry_id: int, campaign_id: int
) -> tuple[hotsql.PendingRow | None, hotsql.PendingRow | None]:
    """The entry's next pending recipient and the one after it, each if any."""
    return hotsql.next_two_pending(hotsql.driver(s), kind == EntryKind.TEST, entry_id, campaign_id)


def any_left(s: Session, kind: str, entry_id: int, campaign_id: int) -> bool:
    """True while the entry has a recipient pending or sending (so not done)."""
    return (
        s.connection()
        .execute(_LEFT[kind == EntryKind.TEST], {"cid": campaign_id, "eid": entry_id})
        .first()
        is not None
    )


def claim(
    s: Session,
    recipient_id: int,
    campaign_id: int,
    message_id: str,
    engine_id: str,
    now: datetime,
    limits: LimitSettings | None = None,
) -> int:
    """Move the recipient ``pending -> sending`` with its Message-ID and the
    campaign's content version, and reserve its slot in the ledger with the
    ``limits`` in force; returns the slot's id. The caller checked capacity
    in this same write transaction (E, H)."""
    return hotsql.claim(
        hotsql.driver(s),
        recipient_id,
        campaign_id,
        message_id,
        engine_id,
        now,
        limits.hourly if limits else None,
        limits.monthly if limits else None,
    )


class SettingsCache:
    """Settings read in every transaction; parsed again only when they changed."""

    def __init__(self) -> None:
        self._raw: tuple[tuple[str, str], ...] | None = None
        self._parsed = AppSettings()

    def load(self, s: Session) -> AppSettings:
        raw = hotsql.settings_text(hotsql.driver(s))
        if raw != self._raw:
            rows = {key: hotsql.from_json(value) for key, value in raw}
            self._parsed, self._raw = settings_mod.parse(rows), raw
        return self._parsed


def content(s: Session, campaign_id: int) -> Content:
    """The campaign's content as the engine sends it (as
    :func:`preflight.campaign_content`), read in one statement inside the
    claim's transaction, so it is never older than the claim."""
    rows = hotsql.driver(s).execute(hotsql.CONTENT, (campaign_id,)).fetchall()
    if not rows:
        raise NotFoundError(f"campaign {campaign_id} does not exist")
    subject, html, text, reply_to = rows[0][:4]
    atts = tuple((r[4], r[5], r[6]) for r in rows if r[4] is not None)
    return Content(subject, html, text, reply_to, atts, campaign_id=campaign_id, name=rows[0][7])
