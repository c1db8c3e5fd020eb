"""Transaction A's per-message statements, as SQL (Core) rather than ORM loads.

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

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from . import queue
from . import settings as settings_mod
from .compose import Content
from .errors import NotFoundError
from .models import Attachment, Campaign, QueueEntry, Recipient, SlotReservation, UTCDateTime
from .settings import AppSettings, SmtpSettings
from .smtp import Outcome


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
    """What one step did: ``idle`` (nothing can send now), ``deferred`` (a pause
    was recorded), ``finished`` (an entry ended) or an outcome kind."""

    kind: str
    entry_id: int | None = None
    campaign_id: int | None = None
    recipient_id: int | None = None
    outcome: Outcome | None = None
    next_wake_at: datetime | None = None


_ELIGIBLE = (
    select(QueueEntry.id, QueueEntry.kind, QueueEntry.status, QueueEntry.campaign_id,
           QueueEntry.start_at)
    .where(*queue.eligible_where(bindparam("now", type_=UTCDateTime())))
    .order_by(*queue.ELIGIBLE_ORDER)
)


def eligible(s: Session, now: datetime) -> Sequence[Any]:
    """:func:`queue.eligible` as rows (id, kind, status, campaign_id, start_at),
    best first."""
    return s.connection().execute(_ELIGIBLE, {"now": now}).all()


def entries(s: Session, rows: Sequence[Any]) -> list[QueueEntry]:
    """The ORM objects for ``rows`` (for ``queue.defer`` and friends)."""
    return [entry(s, r) for r in rows]


def entry(s: Session, row: Any) -> QueueEntry:
    """The ORM object for one row of :func:`eligible`."""
    e = s.get(QueueEntry, row.id)
    assert e is not None
    return e


def _scope(test: bool) -> Any:
    return Recipient.test_entry_id == bindparam("eid") if test else \
        Recipient.test_entry_id.is_(None)


def _recipients(test: bool, statuses: tuple[str, ...], *cols: Any) -> Any:
    return select(*cols).where(Recipient.campaign_id == bindparam("cid"), _scope(test),
                               Recipient.status.in_(statuses) if len(statuses) > 1
                               else Recipient.status == statuses[0]).limit(1)


_NEXT = {test: _recipients(test, ("pending",), Recipient.id, Recipient.email, Recipient.fields,
                           Recipient.message_id).order_by(Recipient.id)
         for test in (False, True)}
# Any one will do: no ORDER BY, so SQLite probes the (campaign, status) index.
_LEFT = {test: _recipients(test, ("pending", "sending"), Recipient.id)
         for test in (False, True)}
_CLAIM = (
    update(Recipient).where(Recipient.id == bindparam("rid"), Recipient.status == "pending")
    .values(status="sending", message_id=bindparam("mid"), attempts=Recipient.attempts + 1,
            engine_id=bindparam("eng"), claimed_at=bindparam("at", type_=UTCDateTime()))
)
_RESERVE = insert(SlotReservation).values(
    at=bindparam("s_at", type_=UTCDateTime()), recipient_id=bindparam("s_rid"),
    campaign_id=bindparam("s_cid"))


def left_probe(test: bool) -> Any:
    """A scalar subquery, correlated to ``queue_entries``: the id of one of the
    entry's recipients still pending or sending, or NULL when none is left."""
    scope = Recipient.test_entry_id == QueueEntry.id if test else \
        Recipient.test_entry_id.is_(None)
    return (select(Recipient.id)
            .where(Recipient.campaign_id == QueueEntry.campaign_id, scope,
                   Recipient.status.in_(("pending", "sending")))
            .limit(1).correlate(QueueEntry).scalar_subquery())


def next_pending(s: Session, kind: str, entry_id: int, campaign_id: int) -> Row[Any] | None:
    """The entry's next pending recipient (id, email, fields, message_id), if any."""
    return s.connection().execute(_NEXT[kind == "test"],
                                  {"cid": campaign_id, "eid": entry_id}).first()


def any_left(s: Session, kind: str, entry_id: int, campaign_id: int) -> bool:
    """True while the entry has a recipient pending or sending (so not done)."""
    return s.connection().execute(_LEFT[kind == "test"],
                                  {"cid": campaign_id, "eid": entry_id}).first() is not None


def claim(s: Session, recipient_id: int, campaign_id: int, message_id: str, engine_id: str,
          now: datetime) -> int:
    """Move the recipient ``pending -> sending`` with its Message-ID, and reserve
    its slot in the ledger; returns the slot's id. The caller checked capacity
    in this same write transaction (E, H)."""
    conn = s.connection()
    res = conn.execute(_CLAIM, {"rid": recipient_id, "mid": message_id, "eng": engine_id,
                                "at": now})
    if res.rowcount != 1:
        raise AssertionError(f"recipient {recipient_id} was not pending")
    slot = conn.execute(_RESERVE, {"s_at": now, "s_rid": recipient_id, "s_cid": campaign_id})
    key = slot.inserted_primary_key
    assert key is not None
    return int(key[0])


class SettingsCache:
    """Settings read in every transaction; parsed again only when they changed."""

    def __init__(self) -> None:
        self._raw: dict[str, Any] | None = None
        self._parsed = AppSettings()

    def load(self, s: Session) -> AppSettings:
        raw = settings_mod.load_raw(s.connection())
        if raw != self._raw:
            self._parsed, self._raw = settings_mod.parse(raw), raw
        return self._parsed


_CONTENT = (
    select(Campaign.subject, Campaign.html_body, Campaign.text_body, Campaign.reply_to,
           Attachment.filename, Attachment.mime_type, Attachment.content)
    .outerjoin(Attachment, Attachment.campaign_id == Campaign.id)
    .where(Campaign.id == bindparam("cid"))
    .order_by(Attachment.id)
)


def content(s: Session, campaign_id: int) -> Content:
    """The campaign's content as the engine sends it (as
    :func:`preflight.campaign_content`), read in one statement inside the
    claim's transaction, so it is never older than the claim."""
    rows = s.connection().execute(_CONTENT, {"cid": campaign_id}).all()
    if not rows:
        raise NotFoundError(f"campaign {campaign_id} does not exist")
    subject, html, text, reply_to = rows[0][:4]
    atts = tuple((r.filename, r.mime_type, r.content) for r in rows if r.filename is not None)
    return Content(subject, html, text, reply_to, atts)
