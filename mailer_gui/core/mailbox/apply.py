"""What the classified messages change, in the caller's one write transaction:
events recorded, recipients ``bounced``, addresses suppressed, the campaigns
touched handed to the guard.

Matching a bounce (or a complaint) to a recipient: by the original
Message-ID in the returned headers first (the recipient row holds the
Message-ID it was sent with), else by the address and the time (the newest
campaign recipient with that address sent before the notification's date).
A notification about nobody we sent to is ``ignored``.

Idempotent: a message already recorded (mailbox, UIDVALIDITY, UID) is
skipped, and every change it makes is itself idempotent (a suppression is
added once, a recipient is ``bounced`` once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses
from mailer_gui.core.clock import utc
from mailer_gui.core.codes import (
    LIVE_STATUSES,
    EntryKind,
    MailboxEventKind,
    RecipientStatus,
    SuppressionReason,
)
from mailer_gui.core.mailbox.classify import Classified
from mailer_gui.core.store.models import MailboxEvent, QueueEntry, Recipient, Suppression

SOFT_IN_A_ROW = 3
_SENT_STATES = (RecipientStatus.SENT, RecipientStatus.BOUNCED, RecipientStatus.UNCERTAIN)
# A notification's Date comes from another clock: allow it to run this far behind.
_CLOCK_SLACK = timedelta(hours=1)
COUNT_KEYS = ("bounces", "soft_bounces", "unsubscribes", "complaints", "ignored", "unreadable")
_COUNT_OF = {
    MailboxEventKind.BOUNCE: "bounces",
    MailboxEventKind.SOFT_BOUNCE: "soft_bounces",
    MailboxEventKind.UNSUBSCRIBE: "unsubscribes",
    MailboxEventKind.COMPLAINT: "complaints",
    MailboxEventKind.IGNORED: "ignored",
    MailboxEventKind.UNREADABLE: "unreadable",
}


@dataclass
class Item:
    """One fetched message: its UID and what it is (None + ``note``: unreadable)."""

    uid: int
    classified: Classified | None
    note: str = ""


@dataclass
class Applied:
    """What one check recorded: counts by kind, addresses suppressed, campaigns touched."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    suppressed: int = 0
    campaigns: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    newly_suppressed: set[str] = field(default_factory=set)
    soft_recipients: set[int] = field(default_factory=set)  # soft-bounced, not flushed yet

    def to_json(self) -> dict[str, Any]:
        return {**self.counts, "suppressed": self.suppressed, "notes": list(self.notes)}


def apply(s: Session, mailbox: str, uidvalidity: int, items: list[Item], now: datetime) -> Applied:
    """Record ``items`` (one mailbox, one UIDVALIDITY) and act on them."""
    out = Applied()
    now = utc(now)
    done = _already_recorded(s, mailbox, uidvalidity, [i.uid for i in items])
    # One flush at the end (and before a soft-bounce count), not one per look-up.
    with s.no_autoflush:
        _apply_items(s, mailbox, uidvalidity, items, now, out, done)
    s.flush()
    skip_pending(s, out.newly_suppressed)
    return out


def _apply_items(
    s: Session,
    mailbox: str,
    uidvalidity: int,
    items: list[Item],
    now: datetime,
    out: Applied,
    done: set[int],
) -> None:
    known = by_message_id(s, items)
    for item in items:
        if item.uid in done:
            continue
        ctx = _Ctx(s, mailbox, uidvalidity, item.uid, now, out, known)
        c = item.classified
        if c is None:
            ctx.event(MailboxEventKind.UNREADABLE, "", None, item.note)
            out.notes.append(f"UID {item.uid}: skipped, cannot be read ({item.note})")
        elif c.kind in (MailboxEventKind.BOUNCE, MailboxEventKind.SOFT_BOUNCE):
            _bounce(ctx, c)
        elif c.kind == MailboxEventKind.UNSUBSCRIBE:
            _unsubscribe(ctx, c)
        elif c.kind == MailboxEventKind.COMPLAINT:
            _complaint(ctx, c)
        else:
            ctx.event(MailboxEventKind.IGNORED, "", None, c.detail)


def _already_recorded(s: Session, mailbox: str, uidvalidity: int, uids: list[int]) -> set[int]:
    if not uids:
        return set()
    return set(
        s.scalars(
            select(MailboxEvent.uid).where(
                MailboxEvent.mailbox == mailbox,
                MailboxEvent.uidvalidity == uidvalidity,
                MailboxEvent.uid.in_(uids),
            )
        )
    )


@dataclass
class _Ctx:
    s: Session
    mailbox: str
    uidvalidity: int
    uid: int
    now: datetime
    out: Applied
    known: dict[str, list[Recipient]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def event(self, kind: str, norm: str, r: Recipient | None, detail: str) -> bool:
        """Record one (message, address) event; False if this message named it already."""
        if norm in self.seen:
            return False
        self.seen.add(norm)
        self.s.add(
            MailboxEvent(
                mailbox=self.mailbox,
                uidvalidity=self.uidvalidity,
                uid=self.uid,
                kind=kind,
                email_norm=norm,
                recipient_id=r.id if r else None,
                campaign_id=r.campaign_id if r else None,
                detail=detail[:1000] or None,
                at=self.now,
            )
        )
        self.out.counts[_COUNT_OF[MailboxEventKind(kind)]] += 1
        if r is not None:
            self.out.campaigns.add(r.campaign_id)
        return True

    def suppress(self, norm: str, reason: str, detail: str) -> None:
        """Suppress ``norm`` (as ``suppression.add`` does, without its flush: the
        check flushes once at the end)."""
        if norm in self.out.newly_suppressed:
            return  # suppressed by an earlier message of this check (not flushed yet)
        try:
            norm = addresses.check(norm).norm
        except addresses.InvalidAddress:
            return
        if self.s.get(Suppression, norm) is None:
            self.s.add(
                Suppression(email_norm=norm, reason=reason, detail=detail[:500], added_at=self.now)
            )
            self.out.suppressed += 1
        self.out.newly_suppressed.add(norm)


def skip_pending(s: Session, norms: set[str]) -> int:
    """Newly suppressed addresses are not sent by a campaign already queued:
    their pending recipients become ``suppressed``."""
    if not norms:
        return 0
    live = select(QueueEntry.campaign_id).where(
        QueueEntry.kind == EntryKind.CAMPAIGN, QueueEntry.status.in_(LIVE_STATUSES)
    )
    res = s.execute(
        update(Recipient)
        .where(
            Recipient.email_norm.in_(sorted(norms)),
            Recipient.status == RecipientStatus.PENDING,
            Recipient.test_entry_id.is_(None),
            Recipient.campaign_id.in_(live),
        )
        .values(status=RecipientStatus.SUPPRESSED)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(res, "rowcount", 0) or 0)


def by_message_id(s: Session, items: list[Item]) -> dict[str, list[Recipient]]:
    """The campaign recipients the items' Message-IDs name, in one query."""
    ids = sorted({m for i in items if i.classified for m in i.classified.message_ids})
    out: dict[str, list[Recipient]] = {}
    for n in range(0, len(ids), 500):
        for r in s.scalars(
            select(Recipient).where(
                Recipient.message_id.in_(ids[n : n + 500]), Recipient.test_entry_id.is_(None)
            )
        ):
            out.setdefault(str(r.message_id), []).append(r)
    return out


def match(
    s: Session,
    c: Classified,
    norm: str | None,
    known: dict[str, list[Recipient]] | None = None,
) -> Recipient | None:
    """The campaign recipient a notification is about (see the module's docstring);
    ``known``: :func:`by_message_id` for these messages, else it is queried."""
    if c.message_ids:
        if known is None:
            known = by_message_id(s, [Item(0, c)])
        rows = [r for m in c.message_ids for r in known.get(m, [])]
        exact = [r for r in rows if norm is None or r.email_norm == norm]
        if exact:
            return exact[0]
        if len(rows) == 1 and len(c.addresses) <= 1:
            return rows[0]  # forwarded or aliased: the final address differs
    if norm is None:
        return None
    q = select(Recipient).where(
        Recipient.email_norm == norm,
        Recipient.test_entry_id.is_(None),
        Recipient.status.in_(_SENT_STATES),
        Recipient.claimed_at.is_not(None),
    )
    if c.date is not None:
        q = q.where(Recipient.claimed_at <= utc(c.date) + _CLOCK_SLACK)
    return s.scalars(q.order_by(Recipient.claimed_at.desc(), Recipient.id.desc()).limit(1)).first()


def _bounce(ctx: _Ctx, c: Classified) -> None:
    for norm in c.addresses:
        r = match(ctx.s, c, norm, ctx.known)
        if r is None:
            ctx.event(MailboxEventKind.IGNORED, norm, None, f"bounce for no recipient: {c.detail}")
            continue
        if c.permanent.get(norm, c.kind == MailboxEventKind.BOUNCE):
            if not ctx.event(MailboxEventKind.BOUNCE, r.email_norm, r, c.detail):
                continue
            if r.status in (RecipientStatus.SENT, RecipientStatus.UNCERTAIN):
                r.status = RecipientStatus.BOUNCED
                r.reply = (c.detail or "bounced")[:1000]
                r.finished_at = r.finished_at or ctx.now
            ctx.suppress(r.email_norm, SuppressionReason.BOUNCE, c.detail or "bounce")
        else:
            if not ctx.event(MailboxEventKind.SOFT_BOUNCE, r.email_norm, r, c.detail):
                continue
            ctx.out.soft_recipients.add(r.id)
            if soft_in_a_row(ctx.s, r.email_norm, ctx.out.soft_recipients) >= SOFT_IN_A_ROW:
                ctx.suppress(
                    r.email_norm,
                    SuppressionReason.BOUNCE,
                    f"{SOFT_IN_A_ROW} temporary bounces in a row: {c.detail}",
                )


def soft_in_a_row(s: Session, norm: str, pending: set[int] | frozenset[int] = frozenset()) -> int:
    """How many of the address's latest sent messages, newest first, came back
    with a temporary bounce before one that did not."""
    recent = list(
        s.scalars(
            select(Recipient.id)
            .where(
                Recipient.email_norm == norm,
                Recipient.test_entry_id.is_(None),
                Recipient.status.in_(_SENT_STATES),
                Recipient.claimed_at.is_not(None),
            )
            .order_by(Recipient.claimed_at.desc(), Recipient.id.desc())
            .limit(SOFT_IN_A_ROW)
        )
    )
    soft = set(
        s.scalars(
            select(MailboxEvent.recipient_id).where(
                MailboxEvent.recipient_id.in_(recent),
                MailboxEvent.kind == MailboxEventKind.SOFT_BOUNCE,
            )
        )
    )
    soft |= set(pending)
    n = 0
    for rid in recent:
        if rid not in soft:
            break
        n += 1
    return n


def _unsubscribe(ctx: _Ctx, c: Classified) -> None:
    norm = c.addresses[0]
    r = ctx.s.scalars(
        select(Recipient)
        .where(
            Recipient.campaign_id == c.campaign_id,
            Recipient.email_norm == norm,
            Recipient.test_entry_id.is_(None),
        )
        .limit(1)
    ).first()
    if ctx.event(MailboxEventKind.UNSUBSCRIBE, norm, r, c.detail):
        ctx.suppress(
            norm, SuppressionReason.UNSUBSCRIBED, f"unsubscribe reply, campaign {c.campaign_id}"
        )


def _complaint(ctx: _Ctx, c: Classified) -> None:
    targets: list[tuple[str, Recipient | None]] = []
    for norm in c.addresses or (None,):
        r = match(ctx.s, c, norm, ctx.known)
        if r is not None:
            targets.append((r.email_norm, r))
    if not targets:
        ctx.event(MailboxEventKind.IGNORED, "", None, f"complaint about no recipient: {c.detail}")
        return
    for norm, r in targets:
        if ctx.event(MailboxEventKind.COMPLAINT, norm, r, c.detail):
            ctx.suppress(norm, SuppressionReason.COMPLAINT, c.detail)
