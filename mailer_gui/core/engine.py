"""The send loop: one step sends at most one message, in three parts.

1. Write transaction A (``BEGIN IMMEDIATE``): own the lease, pick the entry,
   check hours, settings, monthly and hourly capacity (deferring through
   ``queue.defer`` when any says no), else reserve a slot and move one
   recipient ``pending -> sending`` with its Message-ID stored (E, G, H).
2. The SMTP transaction, with no database lock held.
3. Write transaction B: the recipient's outcome, the entry's deferral or its
   honest final status (I).

A crash between 2 and 3 leaves the recipient in ``sending``; the next lease
holder turns it into ``uncertain`` and never re-sends it on its own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import limits, queue
from . import settings as settings_mod
from .clock import utc
from .compose import Content, TemplateRenderError, build_message, new_message_id
from .context import AppContext
from .errors import LeaseHeldError, MailerError
from .models import Lease, QueueEntry, Recipient, Suppression
from .preflight import campaign_content
from .settings import AppSettings, SmtpSettings
from .smtp import (
    AUTH_FAILED,
    CONTENT_REJECTED,
    PROVIDER_LIMIT,
    RECIPIENT_FAILED,
    REJECTED,
    SENT,
    TRANSIENT,
    UNCERTAIN,
    Outcome,
    SmtpTransport,
)

log = logging.getLogger(__name__)

LEASE_TTL = 90.0  # seconds without a heartbeat before a lease is taken over
HEARTBEAT_EVERY = 10.0
RECHECK_EVERY = 30.0  # the idle loop re-reads the queue at least this often
TRANSIENT_FIRST = timedelta(minutes=5)
TRANSIENT_MAX = timedelta(minutes=60)
PROVIDER_DEFAULT = timedelta(minutes=60)
CONTENT_REJECT_LIMIT = 3

TransportFactory = Callable[[SmtpSettings, str | None], Any]


class LeaseLostError(MailerError):
    """Another engine took the lease (ours went stale); stop sending."""


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


_COMMIT_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailer-commit")


class _Committer:
    """Commits a session on the commit thread; ``wait()`` re-raises its error."""

    def __init__(self, session: Session) -> None:
        self._future = _COMMIT_POOL.submit(session.commit)

    def wait(self) -> None:
        self._future.result()

    def join(self) -> None:
        futures_wait([self._future])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _backoff(count: int) -> timedelta:
    doubled: timedelta = TRANSIENT_FIRST * (2 ** max(0, count - 1))
    return min(doubled, TRANSIENT_MAX)


class Engine:
    """The one sender for a database while it holds the lease."""

    def __init__(self, ctx: AppContext, label: str = "engine",
                 transport_factory: TransportFactory | None = None) -> None:
        self.ctx = ctx
        self.label = label
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._factory: TransportFactory = transport_factory or SmtpTransport
        self._transport: Any = None
        self._transport_key: tuple[SmtpSettings, str | None] | None = None
        self._last_beat = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.holds_lease = False
        self._pending: tuple[Claim, Outcome] | None = None

    # -- lease ---------------------------------------------------------------
    def acquire(self) -> dict[str, int]:
        """Take the sending lease (or raise LeaseHeldError) and reconcile."""
        with self.ctx.db.write() as s:
            lease = s.get(Lease, 1)
            if lease is None:
                lease = Lease(id=1)
                s.add(lease)
            if lease.owner and lease.owner != self.id and self._lease_alive(lease):
                since = lease.acquired_at.isoformat(timespec="seconds") if lease.acquired_at \
                    else "?"
                raise LeaseHeldError(
                    f"another Mailer ({lease.label}, pid {lease.pid} on {lease.host}) is "
                    f"sending from this database since {since}; stop it or let it finish"
                )
            wall = utc(datetime.fromtimestamp(time.time()))
            lease.owner, lease.host, lease.pid = self.id, socket.gethostname(), os.getpid()
            lease.label, lease.acquired_at, lease.heartbeat_at = self.label, wall, wall
            result = queue.reconcile(s, self.ctx.clock.now(), self.id)
        self._last_beat = time.monotonic()
        self.holds_lease = True
        return result

    @staticmethod
    def _lease_alive(lease: Lease) -> bool:
        if lease.heartbeat_at is None:
            return False
        age = time.time() - utc(lease.heartbeat_at).timestamp()
        if lease.host == socket.gethostname() and lease.pid and not _pid_alive(lease.pid):
            return False
        return age < LEASE_TTL

    def _own_lease(self, s: Session) -> None:
        lease = s.get(Lease, 1)
        if lease is None or lease.owner != self.id:
            self.holds_lease = False
            raise LeaseLostError("this engine no longer holds the sending lease")
        if time.monotonic() - self._last_beat >= HEARTBEAT_EVERY:
            lease.heartbeat_at = utc(datetime.fromtimestamp(time.time()))
            self._last_beat = time.monotonic()

    def heartbeat(self) -> None:
        with self.ctx.db.write() as s:
            self._last_beat = 0.0
            self._own_lease(s)

    def release(self) -> None:
        """Record what is pending, close the connection and give the lease back."""
        if self._pending is not None and self.holds_lease:
            self.flush()
        self._close_transport()
        if not self.holds_lease:
            return
        with self.ctx.db.write() as s:
            lease = s.get(Lease, 1)
            if lease is not None and lease.owner == self.id:
                lease.owner = None
                lease.heartbeat_at = None
        self.holds_lease = False

    # -- the step ------------------------------------------------------------
    def step(self) -> StepResult:
        """One unit of work; never holds the write lock during SMTP.

        The previous message's outcome (transaction B) and the next claim
        (transaction A) share one write transaction, so a message costs one
        commit. That commit runs in a helper thread while MAIL, RCPT and DATA
        go out; the body, whose final dot lets the server accept, is sent only
        once the claim is durable.
        """
        s = self.ctx.db.write_session()
        committer: _Committer | None = None
        try:
            self._own_lease(s)
            recorded = self._record_pending(s)
            picked = self._pick(s)
            if not isinstance(picked, Claim):
                s.commit()
                self._pending = None
                if recorded is not None or picked.kind != "idle":
                    self.ctx.emit("queue")
                return recorded or picked
            committer = _Committer(s)
            outcome = self._deliver(picked, committer.wait)
            committer.wait()
        finally:
            if committer is not None:
                committer.join()
            s.close()
        self._pending = (picked, outcome)
        self.ctx.emit("queue")
        return recorded or StepResult("sending", picked.entry_id, picked.campaign_id,
                                      picked.recipient_id)

    def _record_pending(self, s: Session) -> StepResult | None:
        if self._pending is None:
            return None
        claim, outcome = self._pending
        return self._record(s, claim, outcome)

    def flush(self) -> StepResult | None:
        """Record the last message's outcome now (before sleeping or stopping)."""
        if self._pending is None:
            return None
        with self.ctx.db.write() as s:
            result = self._record_pending(s)
        self._pending = None
        self.ctx.emit("queue")
        return result

    def _pick(self, s: Session) -> Claim | StepResult:
        now = self.ctx.clock.now()
        entries = queue.eligible(s, now)
        if not entries:
            return StepResult("idle", next_wake_at=self._next_wake(s))
        entry = entries[0]
        st = settings_mod.load(s)
        if entry.kind == "campaign" and entry.start_at and entry.start_at > now:
            queue.defer(s, entry, "scheduled", entry.start_at, now)
            return StepResult("deferred", entry.id, entry.campaign_id)
        password = None
        if st.smtp is None:
            return self._defer_all(s, entries, "smtp_not_configured", None, now,
                                   "no SMTP settings yet: open Settings and enter your "
                                   "provider's server")
        if st.smtp.user:
            password = self.ctx.secrets.get_password(st.smtp.keyring_account)
            if not password:
                return self._defer_all(s, entries, "smtp_not_configured", None, now,
                                       "no password is available for the SMTP account: "
                                       "enter it in Settings")
        if entry.kind == "campaign" and not limits.is_open(st.limits, now):
            nxt = limits.next_open(st.limits, now)
            campaigns = [e for e in entries if e.kind == "campaign"]
            return self._defer_all(s, campaigns, "outside_hours", nxt, now,
                                   "outside working hours")
        capacity = self._capacity(s, st, now)
        if capacity is not None:
            reason, when, detail = capacity
            return self._defer_all(s, entries, reason, when, now, detail)
        return self._claim(s, entry, st, password, now)

    def _capacity(self, s: Session, st: AppSettings,
                  now: datetime) -> tuple[str, datetime, str] | None:
        month = limits.monthly_usage(s, st.limits, st.quota, now)
        if month.exhausted:
            return ("monthly_quota", month.resets_at,
                    f"monthly quota used: {month.used}/{month.limit}")
        hour = limits.hourly_usage(s, st.limits, now)
        if hour.next_slot_at is not None:
            return ("hourly_limit", hour.next_slot_at,
                    f"hourly limit reached: {hour.used}/{hour.limit}")
        return None

    def _defer_all(self, s: Session, entries: list[QueueEntry], reason: str,
                   when: datetime | None, now: datetime, detail: str) -> StepResult:
        """Account-level reasons hold every entry that would run (edge case 6)."""
        for e in entries:
            queue.defer(s, e, reason, when, now, detail)
        first = entries[0]
        return StepResult("deferred", first.id, first.campaign_id, next_wake_at=when)

    def _claim(self, s: Session, entry: QueueEntry, st: AppSettings, password: str | None,
               now: datetime) -> Claim | StepResult:
        recipient = s.scalars(
            select(Recipient).where(*queue.recipient_scope(entry), Recipient.status == "pending")
            .order_by(Recipient.id).limit(1)
        ).first()
        if recipient is None:
            final = queue.finish_if_done(s, entry, now)
            return StepResult("finished" if final else "deferred", entry.id, entry.campaign_id)
        assert st.smtp is not None
        queue.start_processing(s, entry, now)
        recipient.status = "sending"
        recipient.message_id = recipient.message_id or new_message_id(st.smtp.from_addr)
        recipient.attempts += 1
        recipient.engine_id = self.id
        recipient.claimed_at = now
        slot = limits.reserve_slot(s, now, recipient.id, entry.campaign_id)
        s.flush()
        return Claim(entry.id, entry.kind, entry.campaign_id, recipient.id, slot.id,
                     recipient.email, dict(recipient.fields or {}), recipient.message_id,
                     campaign_content(s, entry.campaign_id), st.smtp, password)

    def _next_wake(self, s: Session) -> datetime | None:
        return s.scalar(
            select(QueueEntry.next_run_at)
            .where(QueueEntry.status == "deferred", QueueEntry.next_run_at.is_not(None))
            .order_by(QueueEntry.next_run_at).limit(1)
        )

    # -- SMTP ----------------------------------------------------------------
    def _transport_for(self, smtp: SmtpSettings, password: str | None) -> Any:
        key = (smtp, password)
        if self._transport is None or self._transport_key != key:
            self._close_transport()
            self._transport = self._factory(smtp, password)
            self._transport_key = key
        return self._transport

    def _close_transport(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._transport = None
        self._transport_key = None

    def _deliver(self, claim: Claim, before_body: Callable[[], None]) -> Outcome:
        try:
            msg = build_message(claim.content, claim.smtp, claim.to_addr, claim.fields,
                                claim.message_id, self.ctx.clock.now())
        except TemplateRenderError as exc:
            return Outcome(RECIPIENT_FAILED, "compose", None, f"template error: {exc}")
        transport = self._transport_for(claim.smtp, claim.password)
        return transport.send(  # type: ignore[no-any-return]
            msg, claim.smtp.from_addr, claim.to_addr, before_body=before_body)

    # -- transaction B -------------------------------------------------------
    def _record(self, s: Session, claim: Claim, outcome: Outcome) -> StepResult:
        now = self.ctx.clock.now()
        r = s.get(Recipient, claim.recipient_id)
        entry = s.get(QueueEntry, claim.entry_id)
        assert r is not None and entry is not None
        if r.status not in ("sending", "uncertain"):
            return StepResult("skipped", entry.id, entry.campaign_id, r.id, outcome)
        if not outcome.mail_sent:
            limits.release_slot(s, claim.slot_id)
            r.attempts -= 1
        r.reply = outcome.reply or None
        r.engine_id = None
        kind = outcome.kind
        if kind == SENT:
            r.status, r.finished_at = "sent", now
            entry.transient_count = entry.content_reject_count = 0
        elif kind in (RECIPIENT_FAILED, CONTENT_REJECTED):
            r.status, r.finished_at = "failed", now
            if outcome.phase == "rcpt" and entry.kind == "campaign":
                self._suppress(s, r, outcome, now)
            if kind == CONTENT_REJECTED:
                entry.content_reject_count += 1
                if entry.content_reject_count >= CONTENT_REJECT_LIMIT:
                    self._defer_live(s, [entry], "smtp_rejected", None, now,
                                     f"the server refused the content {CONTENT_REJECT_LIMIT} "
                                     f"times in a row: {outcome.reply}")
            else:
                entry.content_reject_count = 0
        elif kind == UNCERTAIN:
            r.status, r.finished_at = "uncertain", now
        else:
            r.status = "pending"
            self._defer_for(s, entry, outcome, now)
        final = queue.finish_if_done(s, entry, now) if entry.status == "processing" else None
        return StepResult(final and "finished" or kind, entry.id, entry.campaign_id, r.id,
                          outcome)

    def _defer_for(self, s: Session, entry: QueueEntry, outcome: Outcome, now: datetime) -> None:
        kind, text = outcome.kind, outcome.reply
        if kind == TRANSIENT:
            entry.transient_count += 1
            self._defer_live(s, [entry], "transient_error",
                             now + _backoff(entry.transient_count), now, text)
        elif kind == PROVIDER_LIMIT:
            wait = PROVIDER_DEFAULT
            if outcome.retry_after:
                wait = min(wait, timedelta(seconds=max(60.0, outcome.retry_after)))
            self._defer_live(s, self._account_entries(s, entry), "provider_limit",
                             now + wait, now, text)
        elif kind == AUTH_FAILED:
            self._defer_live(s, self._account_entries(s, entry), "smtp_auth_failed", None, now,
                             f"the server refused the login: {text}")
        elif kind == REJECTED:
            scope = [entry] if outcome.phase in ("data", "body") else \
                self._account_entries(s, entry)
            self._defer_live(s, scope, "smtp_rejected", None, now, text)
        else:  # pragma: no cover - every outcome kind is handled above
            raise AssertionError(kind)

    @staticmethod
    def _account_entries(s: Session, entry: QueueEntry) -> list[QueueEntry]:
        others = [e for e in queue.live_entries(s) if e.id != entry.id
                  and e.status in ("queued", "processing")]
        return [entry, *others]

    @staticmethod
    def _defer_live(s: Session, entries: list[QueueEntry], reason: str,
                    when: datetime | None, now: datetime, detail: str) -> None:
        for e in entries:
            # The operator's pause or cancel during the send wins.
            if e.status in ("queued", "processing", "deferred"):
                queue.defer(s, e, reason, when, now, detail)

    @staticmethod
    def _suppress(s: Session, r: Recipient, outcome: Outcome, now: datetime) -> None:
        if s.get(Suppression, r.email_norm) is None:
            s.add(Suppression(email_norm=r.email_norm, reason="hard_bounce",
                              detail=f"{outcome.code} {outcome.text}"[:500], added_at=now))

    # -- loops -----------------------------------------------------------------
    def run_until_idle(self, max_steps: int | None = None) -> list[StepResult]:
        """Step until nothing can be sent at this moment."""
        results: list[StepResult] = []
        try:
            while max_steps is None or len(results) < max_steps:
                r = self.step()
                results.append(r)
                if r.kind == "idle" or self._stop.is_set():
                    break
        finally:
            last = self.flush()
            if last is not None:
                results.append(last)
        return results

    def wake(self) -> None:
        """The queue or the settings changed: re-read now."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current message (never mid-transaction)."""
        self._stop.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_forever(self, on_step: Callable[[StepResult], None] | None = None) -> None:
        """Send whenever something can be sent; sleep until the next run time,
        a wake-up, or a periodic re-check (clock jumps, sleep/resume)."""
        try:
            self._loop(on_step)
        finally:
            last = self.flush()
            if last is not None and on_step is not None:
                on_step(last)

    def _loop(self, on_step: Callable[[StepResult], None] | None) -> None:
        while not self._stop.is_set():
            r = self.step()
            if on_step is not None:
                on_step(r)
            if r.kind != "idle":
                continue
            self._close_transport()
            wait = RECHECK_EVERY
            if r.next_wake_at is not None:
                wait = min(wait, max(0.0, (r.next_wake_at - self.ctx.clock.now())
                                     .total_seconds()) + 0.05)
            self._wake.wait(wait)
            self._wake.clear()
            if not self._stop.is_set():
                self.heartbeat()
