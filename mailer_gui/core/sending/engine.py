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

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.codes import EntryKind, EntryStatus, Reason
from mailer_gui.core.config.settings import AppSettings, SmtpSettings
from mailer_gui.core.content.compose import Content, build_message, new_message_id
from mailer_gui.core.context import AppContext
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import claims, deliver, lease, limits, outcomes, pacing, queue
from mailer_gui.core.sending.claims import Claim, StepResult
from mailer_gui.core.sending.lease import HEARTBEAT_EVERY, LEASE_TTL, LeaseLostError
from mailer_gui.core.sending.smtp import (
    Outcome,
    SmtpTransport,
)
from mailer_gui.core.store import hotsql
from mailer_gui.core.store.models import QueueEntry

log = logging.getLogger(__name__)

__all__ = ["HEARTBEAT_EVERY", "LEASE_TTL", "Claim", "Engine", "LeaseLostError", "StepResult"]

RECHECK_EVERY = 30.0  # the idle loop re-reads the queue at least this often
WAITS = ("idle", "paced")  # step kinds after which nothing can be sent at this moment
KEEP_LINE_FOR = 60.0  # seconds: a paced wait this short keeps the SMTP connection


def _short(until: datetime | None, now: datetime) -> bool:
    return until is not None and (until - now).total_seconds() <= KEEP_LINE_FOR


TransportFactory = Callable[[SmtpSettings, str | None], Any]

_COMMIT_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailer-commit")


class _Committer:
    """SQLite: the session's COMMIT on the commit thread (its fsync releases
    Python's lock, so MAIL, RCPT and DATA go out meanwhile); ``wait()``
    re-raises its error. Only sqlite3's own commit runs there: SQLAlchemy's
    end of the transaction (Python, holding Python's lock) waits for
    ``join()``, after the body went out, where the driver has nothing left
    to commit. Run there too, it cost the SMTP exchange 0.3-0.6 ms a message
    in waits for Python's lock (``bench_engine.py``)."""

    def __init__(self, session: Session) -> None:
        session.flush()  # anything the ORM holds goes first, in the transaction
        self._s = session
        self._future = _COMMIT_POOL.submit(hotsql.driver(session).commit)

    def wait(self) -> int | None:
        self._future.result()
        return None

    def join(self) -> None:
        futures_wait([self._future])
        if self._future.exception() is None:
            self._s.commit()


class _SentClaim:
    """PostgreSQL: the claim (its statement, not run yet) sent with COMMIT at
    once, from the step's own thread (``hotsql.PgCon.commit_sent``); the server
    runs it while MAIL, RCPT and DATA go out. ``wait()`` (before the body)
    reads its answer, and returns the slot's id once it is durable; its error
    is raised there, and again by any later ``wait()``. ``join()`` ends the
    session's transaction on SQLAlchemy's side (the server has committed it),
    after the body went out.

    It used to run on the commit thread, as SQLite's commit does: psycopg's
    Python there held Python's lock while this thread's SMTP calls waited for
    it (0.5 ms a message more in ``sendall`` and ``recv_into``)."""

    def __init__(self, session: Session, claim: tuple[str, tuple[Any, ...], int]) -> None:
        session.flush()  # anything the ORM holds goes first, in the transaction
        sql, params, self._recipient = claim
        self._s = session
        self._answer = hotsql.driver(session).commit_sent(sql, params)
        self._slot: int | None = None
        self._error: BaseException | None = None
        self._answered = False

    def wait(self) -> int | None:
        if not self._answered:
            self._answered = True
            try:
                self._slot = hotsql.claimed_slot(self._answer(), self._recipient)
            except BaseException as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._slot

    def join(self) -> None:
        try:
            self.wait()
        except BaseException:
            return  # raised by wait() to the step; the session rolls back
        self._s.commit()  # the driver has nothing left to send


@dataclasses.dataclass(frozen=True)
class _Built:
    """A message built ahead (:meth:`Engine._build_ahead`), and what from."""

    recipient_id: int
    message_id: str
    of: tuple[Content, SmtpSettings, str, dict[str, Any], str]
    msg: EmailMessage


class _NeedPassword(Exception):
    """Raised inside the write transaction when the password for ``smtp`` has
    not been read yet; the step rolls back, reads it and starts again."""

    def __init__(self, smtp: SmtpSettings) -> None:
        super().__init__("password needed")
        self.smtp = smtp


class Engine:
    """The one sender for a database while it holds the lease."""

    def __init__(
        self,
        ctx: AppContext,
        label: str = "engine",
        transport_factory: TransportFactory | None = None,
    ) -> None:
        self.ctx = ctx
        self.label = label
        self.id = lease.engine_id()
        self._factory: TransportFactory = transport_factory or self._smtp_transport
        self._transport: Any = None
        self._transport_key: tuple[SmtpSettings, str | None] | None = None
        self._last_beat = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.holds_lease = False
        # The last message, and its outcome or what reads the server's verdict
        # on it (read at the next step, once its transaction has begun).
        self._pending: tuple[Claim, Outcome | Callable[[], Outcome]] | None = None
        # The last claim's entry and limits: the next step's reads sent ahead.
        self._guess: tuple[str, int, int, Any, Any] | None = None
        # PostgreSQL: the recipient likely next after the last claim (its
        # entry, row, content and account), and that message built while the
        # next step's reads were answered (used by that step only, if nothing
        # it was built from changed).
        self._after: tuple[hotsql.PendingRow, Content, SmtpSettings] | None = None
        self._built: _Built | None = None
        self._settings = claims.SettingsCache()
        # PostgreSQL: the claim _claim made, for _Committer to run with COMMIT.
        self._deferred_claim: tuple[str, tuple[Any, ...], int] | None = None
        self._unsub_key: bytes | None = None  # read before any write transaction
        # The SMTP password and the settings it was read for, read outside any
        # transaction; dropped when the queue goes idle or on wake().
        self._password: tuple[SmtpSettings, str | None] | None = None

    # -- lease ---------------------------------------------------------------
    def acquire(self) -> dict[str, int]:
        """Take the sending lease (or raise LeaseHeldError) and reconcile."""
        # The key that signs unsubscribe codes, read here and only here: the
        # keychain may be slow, never under the write lock, and no engine
        # sends without taking the lease first.
        if self._unsub_key is None:
            self._unsub_key = self.ctx.secrets.unsubscribe_key(self.ctx.data_dir)
        with self.ctx.db.write() as s:
            result = lease.take(s, self.id, self.label, self.ctx.clock.now())
        self._last_beat = time.monotonic()
        self.holds_lease = True
        return result

    def _own_lease(self, s: Session, beat: bool | None = None) -> None:
        if beat is None:
            beat = time.monotonic() - self._last_beat >= HEARTBEAT_EVERY
        try:
            lease.check(s, self.id, beat)
        except LeaseLostError:
            self.holds_lease = False
            raise
        if beat:
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
            lease.give_back(s, self.id)
        self.holds_lease = False

    # -- the step ------------------------------------------------------------
    def step(self) -> StepResult:
        """One unit of work; never holds the write lock during SMTP.

        The previous message's outcome (transaction B) and the next claim
        (transaction A) share one write transaction, so a message costs one
        commit. That commit runs while MAIL, RCPT and DATA go out (SQLite's on
        a helper thread, PostgreSQL's on the server, sent without waiting);
        the body, whose final dot lets the server accept, is sent only once
        the claim is durable.
        """
        while True:
            try:
                return self._step()
            except _NeedPassword as need:
                # Read the keychain with no transaction open: it may wait on
                # an unlock prompt, and every writer would wait with it.
                self._fetch_password(need.smtp)

    def _step(self) -> StepResult:
        s = self.ctx.db.write_session(lock_with_first=True)
        committer: _Committer | _SentClaim | None = None
        try:
            now = self.ctx.clock.now()
            beat = time.monotonic() - self._last_beat >= HEARTBEAT_EVERY
            if not beat:
                self._send_ahead(s, now)
            # The last message's verdict, read before any statement takes the
            # write lock (SQLite's BEGIN IMMEDIATE; PostgreSQL's goes with the
            # first statement): never held while the server judges a message.
            self._settled()
            self._own_lease(s, beat)
            recorded = self._record_pending(s, now)
            picked = self._pick(s, now)
            if not isinstance(picked, Claim):
                s.commit()
                self._pending = None
                if recorded is not None or picked.kind != "idle":
                    self.ctx.emit("queue")
                return recorded or picked
            committer = (
                _Committer(s)
                if self._deferred_claim is None
                else _SentClaim(s, self._deferred_claim)
            )
            self._deferred_claim = None
            outcome = self._deliver(picked, committer.wait)
            slot_id = committer.wait()
            if slot_id is not None:
                picked = dataclasses.replace(picked, slot_id=slot_id)
        finally:
            self._deferred_claim = None
            self._built = None  # built for this step only (its Date)
            if committer is not None:
                committer.join()
            s.close()
        self._pending = (picked, outcome)
        self.ctx.emit("queue")
        return recorded or StepResult(
            "sending", picked.entry_id, picked.campaign_id, picked.recipient_id
        )

    def _settled(self) -> tuple[Claim, Outcome] | None:
        """The last message and its outcome, the server's verdict read now if
        it was left on the line (while this step's work began)."""
        if self._pending is None:
            return None
        claim, got = self._pending
        if not isinstance(got, Outcome):
            got = got()
            self._pending = (claim, got)
        return claim, got

    def _record_pending(self, s: Session, now: datetime | None = None) -> StepResult | None:
        pending = self._settled()  # the step and flush() read the verdict before this
        if pending is None:
            return None
        claim, outcome = pending
        return outcomes.record(s, claim, outcome, now or self.ctx.clock.now())

    def _send_ahead(self, s: Session, now: datetime) -> None:
        """On PostgreSQL, what the step is about to run, in the round trip that
        also takes the write lock and begins the transaction: the lease's
        owner, the last message's "sent" (a write: run next, as sent), the
        queue and the settings, and, guessed from the last claim (the same
        entry and settings, as is usual mid-campaign), the limit counts, the
        next recipient, the last slot and the content. A wrong guess costs a
        second round trip, never a wrong answer: a read is used only for the
        very statement sent (hotsql.PgCon)."""
        if self.ctx.db.backend != "postgresql":
            return
        con = hotsql.driver(s)
        assert type(con) is hotsql.PgCon
        guessed = self._claim_reads(*self._guess, now) if self._guess is not None else []
        stmts: list[tuple[Any, ...]] = [(hotsql.LEASE_OWNER, ())]
        pending = self._settled()  # the verdict, read before the lock goes
        if pending is not None:
            sent = outcomes.sent_statement(*pending, now)
            if sent is not None:
                stmts.append((*sent, True))
        stmts += [hotsql.eligible_read(now), (hotsql.SETTINGS_RAW, ()), *guessed]
        after, self._after = self._after, None
        con.ahead(stmts, (lambda: self._build_ahead(*after)) if after and guessed else None)

    def _build_ahead(self, row: hotsql.PendingRow, content: Content, smtp: SmtpSettings) -> None:
        """Build the message to ``row`` (the recipient likely claimed next) while
        the server answers the step's reads: the step sends it if its claim is
        that recipient with the same content and account (:meth:`_deliver`)."""
        message_id = row.message_id or new_message_id(smtp.from_addr)
        fields = dict(row.fields or {})
        try:
            msg = build_message(
                content,
                smtp,
                row.email,
                fields,
                message_id,
                self.ctx.clock.now(),
                unsub_key=self._unsub_key,
            )
        except Exception:
            return  # built again at the claim, which fails it as it should
        self._built = _Built(
            row.id, message_id, (content, smtp, row.email, fields, message_id), msg
        )

    @staticmethod
    def _claim_reads(
        kind: str, entry_id: int, campaign_id: int, lim: Any, quota: Any, now: datetime
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """The reads a claim for this entry makes under these limits, in order."""
        return [
            limits.capacity_read(lim, quota, now),
            hotsql.next_pending_read(kind == EntryKind.TEST, entry_id, campaign_id),
            *pacing.last_read(lim),
            (hotsql.CONTENT, (campaign_id,)),
        ]

    def flush(self) -> StepResult | None:
        """Record the last message's outcome now (before sleeping or stopping)."""
        if self._settled() is None:
            return None
        with self.ctx.db.write() as s:
            result = self._record_pending(s)
        self._pending = None
        self.ctx.emit("queue")
        return result

    def _pick(self, s: Session, now: datetime | None = None) -> Claim | StepResult:
        now = now or self.ctx.clock.now()
        con = hotsql.driver(s)
        # On PostgreSQL each read below that can go ahead goes in one round trip.
        hotsql.ahead(con, [hotsql.eligible_read(now), (hotsql.SETTINGS_RAW, ())])
        rows = claims.eligible(s, now)
        if not rows:
            self._password = None  # read again when there is work again
            return StepResult("idle", next_wake_at=self._next_wake(s))
        entry = rows[0]
        st = self._settings.load(s)
        if entry.kind == EntryKind.CAMPAIGN and entry.start_at and entry.start_at > now:
            queue.defer(s, claims.entry(s, entry), Reason.SCHEDULED, entry.start_at, now)
            return StepResult("deferred", entry.id, entry.campaign_id)
        password = None
        if st.smtp is None:
            return self._defer_all(
                s, rows, Reason.SMTP_NOT_CONFIGURED, None, now, Message("queue.no_smtp")
            )
        if st.smtp.user and st.smtp.uses_password:
            password = self._password_for(st.smtp)
            if not password:
                return self._defer_all(
                    s, rows, Reason.SMTP_NOT_CONFIGURED, None, now, Message("queue.no_password")
                )
        if entry.kind == EntryKind.CAMPAIGN and not limits.is_open(st.limits, now):
            nxt = limits.next_open(st.limits, now)
            campaigns = [r for r in rows if r.kind == EntryKind.CAMPAIGN]
            return self._defer_all(
                s, campaigns, Reason.OUTSIDE_HOURS, nxt, now, queue.OUTSIDE_HOURS_DETAIL
            )
        guess = (entry.kind, entry.id, entry.campaign_id, st.limits, st.quota)
        if type(con) is hotsql.PgCon:  # on SQLite a read costs no round trip
            con.ahead(self._claim_reads(*guess, now))
        capacity = self._capacity(s, st, now)
        if capacity is not None:
            reason, when, detail = capacity
            return self._defer_all(s, rows, reason, when, now, detail)
        claimed = self._claim(s, entry, st, password, now)
        self._guess = guess if isinstance(claimed, Claim) else None
        return claimed

    @staticmethod
    def _capacity(s: Session, st: AppSettings, now: datetime) -> tuple[str, datetime, str] | None:
        return limits.capacity_hold(s, st.limits, st.quota, now)

    @staticmethod
    def _defer_all(
        s: Session,
        rows: Sequence[Any],
        reason: str,
        when: datetime | None,
        now: datetime,
        detail: str,
    ) -> StepResult:
        """Account-level reasons hold every entry that would run (edge case 6)."""
        for e in claims.entries(s, rows):
            queue.defer(s, e, reason, when, now, detail)
        first = rows[0]
        return StepResult("deferred", first.id, first.campaign_id, next_wake_at=when)

    def _claim(
        self, s: Session, entry: Any, st: AppSettings, password: str | None, now: datetime
    ) -> Claim | StepResult:
        recipient, after = claims.next_two_pending(s, entry.kind, entry.id, entry.campaign_id)
        if recipient is None:
            final = queue.finish_if_done(s, claims.entry(s, entry), now)
            return StepResult("finished" if final else "deferred", entry.id, entry.campaign_id)
        assert st.smtp is not None
        if entry.status != EntryStatus.PROCESSING:
            queue.start_processing(s, claims.entry(s, entry), now)
            s.flush()
        paced = pacing.next_slot(s, st.limits, now)
        if paced is not None:  # not a pause: no defer, no notification (README "Even pacing")
            return StepResult("paced", entry.id, entry.campaign_id, next_wake_at=paced)
        built = self._built
        message_id = (
            recipient.message_id
            or (built.message_id if built and built.recipient_id == recipient.id else None)
            or new_message_id(st.smtp.from_addr)
        )
        content = claims.content(s, entry.campaign_id)
        if type(hotsql.driver(s)) is hotsql.PgCon:
            self._after = (after, content, st.smtp) if after is not None else None
            # Sent with COMMIT as MAIL goes out (_SentClaim); its slot's id is
            # known once it is durable, before the outcome needs it.
            sql, params = hotsql.claim_and_reserve(
                recipient.id,
                entry.campaign_id,
                message_id,
                self.id,
                now,
                st.limits.hourly,
                st.limits.monthly,
            )
            self._deferred_claim = (sql, params, recipient.id)
            slot_id = 0
        else:
            slot_id = claims.claim(
                s, recipient.id, entry.campaign_id, message_id, self.id, now, st.limits
            )
        return Claim(
            entry.id,
            entry.kind,
            entry.campaign_id,
            recipient.id,
            slot_id,
            recipient.email,
            dict(recipient.fields or {}),
            message_id,
            content,
            st.smtp,
            password,
        )

    def _password_for(self, smtp: SmtpSettings) -> str | None:
        """The password read for exactly these settings, else _NeedPassword
        (the step is rolled back and retried once it is read)."""
        known = self._password
        if known is None or known[0] != smtp:
            raise _NeedPassword(smtp)
        return known[1]

    def _fetch_password(self, smtp: SmtpSettings) -> None:
        self._password = (smtp, self.ctx.secrets.get_password(smtp.keyring_account))

    def _next_wake(self, s: Session) -> datetime | None:
        return s.scalar(
            select(QueueEntry.next_run_at)
            .where(QueueEntry.status == EntryStatus.DEFERRED, QueueEntry.next_run_at.is_not(None))
            .order_by(QueueEntry.next_run_at)
            .limit(1)
        )

    # -- SMTP ----------------------------------------------------------------
    def _smtp_transport(self, smtp: SmtpSettings, password: str | None) -> SmtpTransport:
        """The real transport; a signed-in account gets its access tokens."""
        tokens = None if smtp.uses_password else self.ctx.oauth.source(smtp)
        return SmtpTransport(smtp, password, access_token=tokens)

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

    def _deliver(
        self, claim: Claim, before_body: Callable[[], object]
    ) -> Outcome | Callable[[], Outcome]:
        """Build and send one message. A failure that belongs to this recipient
        (its address, its data, any unexpected error building or sending this
        one message) fails this recipient and the run goes on; only the
        account's settings (the sender) hold the queue."""
        built, self._built = self._built, None
        made = (claim.content, claim.smtp, claim.to_addr, claim.fields, claim.message_id)
        try:
            if built is not None and built.recipient_id == claim.recipient_id and built.of == made:
                msg = built.msg  # built from the same while the reads were answered
            else:
                msg = build_message(*made, self.ctx.clock.now(), unsub_key=self._unsub_key)
        except Exception as exc:
            return deliver.build_failed(claim, exc)
        transport = self._transport_for(claim.smtp, claim.password)
        return deliver.send(transport, claim, msg, before_body, self._close_transport)

    # -- loops -----------------------------------------------------------------
    def run_until_idle(self, max_steps: int | None = None) -> list[StepResult]:
        """Step until nothing can be sent at this moment."""
        results: list[StepResult] = []
        try:
            while max_steps is None or len(results) < max_steps:
                r = self.step()
                results.append(r)
                if r.kind in WAITS or self._stop.is_set():
                    break
        finally:
            last = self.flush()
            if last is not None:
                results.append(last)
        return results

    def wake(self) -> None:
        """The queue or the settings changed: re-read now."""
        self._password = None
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
            if r.kind not in WAITS:
                continue
            if r.kind == "idle" or not _short(r.next_wake_at, self.ctx.clock.now()):
                self._close_transport()  # a paced gap under a minute keeps the line open
            wait = RECHECK_EVERY
            if r.next_wake_at is not None:
                wait = min(
                    wait, max(0.0, (r.next_wake_at - self.ctx.clock.now()).total_seconds()) + 0.05
                )
            self._wake.wait(wait)
            self._wake.clear()
            if not self._stop.is_set():
                self.heartbeat()
