"""One mailbox check, in three steps so that no network I/O happens while the
SQLite write lock is held:

1. a read: the IMAP settings, where the folder was read up to;
2. the network: connect, fetch the new messages by UID; classify them (CPU);
3. one short write transaction: record the events, suppress, bounce, run the
   guard, remember UIDVALIDITY and the last UID, note the result;

then, the lock released, the processed messages are flagged on the server.
A crash between 3 and the flags costs nothing: the UIDs are remembered, and
a message recorded once is never counted again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from mailer_gui.core.codes import MailboxEventKind, NotificationKind
from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.config import oauth
from mailer_gui.core.config.settings import load as load_settings
from mailer_gui.core.context import AppContext
from mailer_gui.core.mailbox import apply, guard, imap, sent
from mailer_gui.core.mailbox.classify import classify
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.pauses import notify
from mailer_gui.core.store.models import MailboxState

log = logging.getLogger("mailer_gui.core.mailbox")
WRITE_CHUNK = 100  # messages per write transaction: each holds the lock briefly


@dataclass
class CheckResult:
    """What one check found; ``to_json`` is ``inbox check --json``'s object."""

    mailbox: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(apply.COUNT_KEYS, 0))
    suppressed: int = 0
    paused: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    messages: int = 0
    more: bool = False
    uncertain_found: int = 0  # uncertain recipients found in the Sent folder now
    uncertain_marked_sent: int = 0  # ... and marked sent (the operator opted in)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.counts,
            "messages": self.messages,
            "suppressed": self.suppressed,
            "paused_campaigns": list(self.paused),
            "more": self.more,
            "uncertain_found": self.uncertain_found,
            "uncertain_marked_sent": self.uncertain_marked_sent,
            "notes": list(self.notes),
            "mailbox": self.mailbox,
        }


def password_for(ctx: AppContext, st: imap_settings.ImapSettings) -> str | imap.Bearer | None:
    """The IMAP credential: its own password (session, ``MAILER_GUI_IMAP_PASSWORD``,
    keychain), else, when the settings say it is the SMTP account, that
    account's: its password, or an access token of its Microsoft or Google
    grant (one grant serves SMTP and IMAP; a refused grant is a MailboxError
    saying "sign in again", as on the SMTP side)."""
    own = ctx.secrets.get_imap_password(st.keyring_account)
    if own or not st.reuse_smtp:
        return own
    with ctx.db.read() as s:
        smtp = load_settings(s).smtp
    if smtp is None:
        return None
    if not smtp.uses_password:
        try:
            user, token = oauth.imap_credentials(ctx.oauth, smtp)
        except oauth.GrantError as exc:
            raise imap.MailboxError(exc.message) from None
        return imap.Bearer(user, token, oauth.PROVIDER_NAMES.get(smtp.signin, smtp.signin))
    return ctx.secrets.get_password(smtp.keyring_account)


def load(ctx: AppContext) -> tuple[imap_settings.ImapSettings, MailboxState | None]:
    with ctx.db.read() as s:
        st = imap_settings.load_imap(s)
        if st is None:
            raise imap.MailboxError(Message("imap.not_configured"))
        return st, s.get(MailboxState, st.mailbox_key)


def check_once(ctx: AppContext) -> CheckResult:
    """Process the new messages of the configured folder once (the worker's
    periodic check, ``inbox check``). Raises MailboxError when the mailbox
    cannot be read (the failure is noted on the mailbox's state too)."""
    st, state = load(ctx)
    try:
        client = imap.connect(st, password_for(ctx, st))
    except imap.MailboxError as exc:
        _note_error(ctx, st, exc)
        raise
    try:
        fetched = imap.fetch_new(
            client, st.folder, state.uidvalidity if state else None, state.last_uid if state else 0
        )
        items = _classify(ctx, fetched)
        result = _record(ctx, st, fetched, items)
        if fetched.keywords and items:
            try:
                imap.flag_processed(client, [i.uid for i in items])
            except imap.MailboxError as exc:  # recorded already: the UIDs keep them counted once
                result.notes.append(f"the processed messages could not be flagged: {exc}")
        _resolve_from_sent(ctx, st, client, result)
        return result
    except imap.MailboxError as exc:
        _note_error(ctx, st, exc)
        raise
    finally:
        imap.close(client)


def _resolve_from_sent(
    ctx: AppContext, st: imap_settings.ImapSettings, client: Any, result: CheckResult
) -> None:
    """Look the uncertain recipients' Message-IDs up in the Sent folder (:mod:`sent`)."""
    with ctx.db.read() as s:
        wanted = sent.to_look_up(s)
        auto = imap_settings.load_mailbox(s).auto_resolve_uncertain
    folder, found = sent.search(client, list(wanted))
    if not found and not auto:
        return
    with ctx.db.write() as s:
        result.uncertain_found, result.uncertain_marked_sent = sent.record(
            s,
            st.mailbox_key,
            folder,
            {mid: wanted[mid] for mid in found},
            ctx.clock.now(),
            auto,
        )
    if result.uncertain_found or result.uncertain_marked_sent:
        ctx.emit("queue")


def _classify(ctx: AppContext, fetched: imap.Fetched) -> list[apply.Item]:
    keys = ctx.secrets.unsubscribe_keys(ctx.data_dir)
    items: list[apply.Item] = []
    for uid, data in fetched.messages:
        if data is None:
            items.append(apply.Item(uid, None, f"larger than {imap.MAX_SIZE // 1024 // 1024} MB"))
            continue
        try:
            items.append(apply.Item(uid, classify(data, keys)))
        except Exception as exc:  # a broken message never stops the loop
            log.warning("mailbox: UID %d cannot be read: %s", uid, exc)
            items.append(apply.Item(uid, None, f"{type(exc).__name__}: {exc}"[:200]))
    return items


def _record(
    ctx: AppContext,
    st: imap_settings.ImapSettings,
    fetched: imap.Fetched,
    items: list[apply.Item],
) -> CheckResult:
    """Write the results in short transactions of :data:`WRITE_CHUNK` messages
    (the engine waits for the write lock meanwhile), each one complete: its
    events, suppressions, the guard and the UID reached."""
    out = CheckResult(st.mailbox_key, messages=len(items), more=fetched.more)
    paused: set[int] = set()
    for i in range(0, max(len(items), 1), WRITE_CHUNK):
        chunk = items[i : i + WRITE_CHUNK]
        last = i + WRITE_CHUNK >= len(items)
        with ctx.db.write() as s:
            _record_chunk(s, ctx.clock.now(), st, fetched.uidvalidity, chunk, out, paused)
            if last:
                _finish_state(s, ctx.clock.now(), st, out, sorted(paused))
    if out.paused or out.suppressed:
        ctx.emit("queue")
    return out


def _record_chunk(
    s: Any,
    now: Any,
    st: imap_settings.ImapSettings,
    uidvalidity: int,
    chunk: list[apply.Item],
    out: CheckResult,
    paused: set[int],
) -> None:
    done = apply.apply(s, st.mailbox_key, uidvalidity, chunk, now)
    ms = imap_settings.load_mailbox(s)
    paused.update(cid for cid in sorted(done.campaigns) if guard.check(s, cid, now, ms))
    for k, v in done.counts.items():
        out.counts[k] += v
    out.suppressed += done.suppressed
    out.notes += done.notes
    state = s.get(MailboxState, st.mailbox_key)
    if state is None:
        state = MailboxState(mailbox=st.mailbox_key, last_uid=0)
        s.add(state)
    if state.uidvalidity != uidvalidity:
        state.uidvalidity, state.last_uid = uidvalidity, 0
    state.last_uid = max([state.last_uid, *(i.uid for i in chunk)])


def _finish_state(
    s: Any, now: Any, st: imap_settings.ImapSettings, out: CheckResult, paused: list[int]
) -> None:
    out.paused = paused
    state = s.get(MailboxState, st.mailbox_key)
    state.checked_at, state.error = now, None
    state.result = out.to_json()
    if out.suppressed or out.paused:
        notify(s, now, NotificationKind.MAILBOX, _summary(out))


def _summary(out: CheckResult) -> Message:
    c = out.counts
    return Message(
        "mailbox.found",
        bounces=c[_key(MailboxEventKind.BOUNCE)],
        soft_bounces=c[_key(MailboxEventKind.SOFT_BOUNCE)],
        unsubscribes=c[_key(MailboxEventKind.UNSUBSCRIBE)],
        complaints=c[_key(MailboxEventKind.COMPLAINT)],
        suppressed=out.suppressed,
    )


def _key(kind: MailboxEventKind) -> str:
    return apply._COUNT_OF[kind]


def _note_error(ctx: AppContext, st: imap_settings.ImapSettings, exc: Exception) -> None:
    with ctx.db.write() as s:
        state = s.get(MailboxState, st.mailbox_key)
        if state is None:
            state = MailboxState(mailbox=st.mailbox_key, last_uid=0)
            s.add(state)
        state.checked_at = ctx.clock.now()
        state.error = exc.message if isinstance(exc, imap.MailboxError) else str(exc)[:1000]


def last_check(ctx: AppContext) -> dict[str, Any] | None:
    """The configured mailbox's last check: when, what it found, or its error."""
    with ctx.db.read() as s:
        st = imap_settings.load_imap(s)
        state = s.get(MailboxState, st.mailbox_key) if st else None
        if state is None:
            return None
        return {
            "mailbox": state.mailbox,
            "checked_at": state.checked_at,
            "result": dict(state.result or {}),
            "error": state.error,
            "uidvalidity": state.uidvalidity,
            "last_uid": state.last_uid,
        }
