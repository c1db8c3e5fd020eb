"""Transaction B: the recipient's outcome, the entry's deferral or its honest
final status (I). Runs in the same write transaction as the next claim.

A sent message (nearly every one) takes the SQL path: one UPDATE of the
recipient and one read of the entry with an "anything left?" probe; the
entry is loaded as an object only when it may be finished. Every other outcome
takes the object path, which defers through ``queue.defer`` (C).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mailer_gui.core.codes import EntryKind, EntryStatus, Reason, RecipientStatus, SuppressionReason
from mailer_gui.core.mailbox import guard
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import limits, queue
from mailer_gui.core.sending.claims import Claim, StepResult
from mailer_gui.core.sending.smtp import (
    AUTH_FAILED,
    CONTENT_REJECTED,
    PROVIDER_LIMIT,
    RECIPIENT_FAILED,
    REJECTED,
    SENT,
    TRANSIENT,
    UNCERTAIN,
    Outcome,
)
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import QueueEntry, Recipient, Suppression

TRANSIENT_FIRST = timedelta(minutes=5)
TRANSIENT_MAX = timedelta(minutes=60)
PROVIDER_DEFAULT = timedelta(minutes=60)
CONTENT_REJECT_LIMIT = 3


def backoff(count: int) -> timedelta:
    doubled: timedelta = TRANSIENT_FIRST * (2 ** max(0, count - 1))
    return min(doubled, TRANSIENT_MAX)


def record(s: Session, claim: Claim, outcome: Outcome, now: datetime) -> StepResult:
    """Record one message's outcome; leaves no unflushed ORM change behind, so
    the SQL reads of the next claim see it."""
    if outcome.kind == SENT:
        return _record_sent(s, claim, outcome, now)
    result = _record_other(s, claim, outcome, now)
    s.flush()
    return result


def sent_statement(
    claim: Claim, outcome: Outcome, now: datetime
) -> tuple[str, tuple[Any, ...]] | None:
    """The statement :func:`record` runs first for this outcome, when it is a
    "sent" on PostgreSQL (the engine sends it ahead), else None."""
    if outcome.kind != SENT:
        return None
    test = claim.entry_kind == EntryKind.TEST
    return hotsql.sent_and_left(
        test, outcome.reply or None, now, claim.recipient_id, claim.entry_id
    )


def _record_sent(s: Session, claim: Claim, outcome: Outcome, now: datetime) -> StepResult:
    """The common case, in raw SQL (:mod:`hotsql`): one UPDATE of the recipient
    and one read of the entry with an "anything left?" probe."""
    con = hotsql.driver(s)
    test = claim.entry_kind == EntryKind.TEST
    row = hotsql.mark_sent(
        con, test, outcome.reply or None, now, claim.recipient_id, claim.entry_id
    )
    if row is None:  # the operator resolved it meanwhile
        return StepResult("skipped", claim.entry_id, claim.campaign_id, claim.recipient_id, outcome)
    status, transient, rejects, left = row
    if transient or rejects:
        con.execute(hotsql.RESET, (claim.entry_id,))
    final = None
    if status == EntryStatus.PROCESSING and left is None:
        entry = s.get(QueueEntry, claim.entry_id)
        assert entry is not None
        final = queue.finish_if_done(s, entry, now)
        s.flush()
    return StepResult(
        final and "finished" or SENT, claim.entry_id, claim.campaign_id, claim.recipient_id, outcome
    )


def _record_other(s: Session, claim: Claim, outcome: Outcome, now: datetime) -> StepResult:
    r = s.get(Recipient, claim.recipient_id)
    entry = s.get(QueueEntry, claim.entry_id)
    assert r is not None and entry is not None
    if r.status not in (RecipientStatus.SENDING, RecipientStatus.UNCERTAIN):
        return StepResult("skipped", entry.id, entry.campaign_id, r.id, outcome)
    if not outcome.mail_sent:
        limits.release_slot(s, claim.slot_id)
        r.attempts -= 1
    r.reply = outcome.reply or None
    r.engine_id = None
    kind = outcome.kind
    if kind in (RECIPIENT_FAILED, CONTENT_REJECTED):
        r.status, r.finished_at = RecipientStatus.FAILED, now
        if outcome.phase == "rcpt" and entry.kind == EntryKind.CAMPAIGN:
            _suppress(s, r, outcome, now)
            s.flush()
            guard.check(s, entry.campaign_id, now)  # too many hard bounces: pause
        if kind == CONTENT_REJECTED:
            entry.content_reject_count += 1
            if entry.content_reject_count >= CONTENT_REJECT_LIMIT:
                _defer_live(
                    s,
                    [entry],
                    Reason.SMTP_REJECTED,
                    None,
                    now,
                    f"the server refused the content {CONTENT_REJECT_LIMIT} "
                    f"times in a row: {outcome.reply}",
                )
        else:
            entry.content_reject_count = 0
    elif kind == UNCERTAIN:
        r.status, r.finished_at = RecipientStatus.UNCERTAIN, now
    else:
        r.status = RecipientStatus.PENDING
        _defer_for(s, entry, outcome, now)
    final = queue.finish_if_done(s, entry, now) if entry.status == EntryStatus.PROCESSING else None
    return StepResult(final and "finished" or kind, entry.id, entry.campaign_id, r.id, outcome)


def _defer_for(s: Session, entry: QueueEntry, outcome: Outcome, now: datetime) -> None:
    kind, text = outcome.kind, outcome.reply
    if kind == TRANSIENT:
        entry.transient_count += 1
        _defer_live(
            s, [entry], Reason.TRANSIENT_ERROR, now + backoff(entry.transient_count), now, text
        )
    elif kind == PROVIDER_LIMIT:
        wait = PROVIDER_DEFAULT
        if outcome.retry_after:
            wait = min(wait, timedelta(seconds=max(60.0, outcome.retry_after)))
        _defer_live(s, _account_entries(s, entry), Reason.PROVIDER_LIMIT, now + wait, now, text)
    elif kind == AUTH_FAILED:
        # A sign-in grant's own message ("sign in again") is kept as it is.
        signin = isinstance(outcome.text, Message) and outcome.text.code.startswith("oauth.")
        _defer_live(
            s,
            _account_entries(s, entry),
            Reason.SMTP_AUTH_FAILED,
            None,
            now,
            outcome.text if signin else Message("smtp.refused_login", reply=text),
        )
    elif kind == REJECTED:
        scope = [entry] if outcome.phase in ("data", "body") else _account_entries(s, entry)
        _defer_live(s, scope, Reason.SMTP_REJECTED, None, now, _rejected_detail(outcome))
    else:  # pragma: no cover - every outcome kind is handled above
        raise AssertionError(kind)


def _rejected_detail(outcome: Outcome) -> str:
    """The hold's message: the server's own words, with what they refuse when
    the reply came before MAIL FROM (the app's own sentences stay as they are)."""
    if outcome.code is None:
        return outcome.reply
    if outcome.phase == "connect":
        return Message("smtp.refused_connection", reply=outcome.reply)
    if outcome.phase == "tls":
        return Message("smtp.refused_starttls", reply=outcome.reply)
    return outcome.reply


def _account_entries(s: Session, entry: QueueEntry) -> list[QueueEntry]:
    others = [
        e
        for e in queue.live_entries(s)
        if e.id != entry.id and e.status in (EntryStatus.QUEUED, EntryStatus.PROCESSING)
    ]
    return [entry, *others]


def _defer_live(
    s: Session,
    entries: list[QueueEntry],
    reason: str,
    when: datetime | None,
    now: datetime,
    detail: str,
) -> None:
    for e in entries:
        # The operator's pause or cancel during the send wins.
        if e.status in (EntryStatus.QUEUED, EntryStatus.PROCESSING, EntryStatus.DEFERRED):
            queue.defer(s, e, reason, when, now, detail)


def _suppress(s: Session, r: Recipient, outcome: Outcome, now: datetime) -> None:
    if s.get(Suppression, r.email_norm) is None:
        s.add(
            Suppression(
                email_norm=r.email_norm,
                reason=SuppressionReason.HARD_BOUNCE,
                detail=f"{outcome.code} {outcome.text}"[:500],
                added_at=now,
            )
        )
