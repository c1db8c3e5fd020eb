"""Forgetting a person (an erasure request): their address and fields leave
contacts, lists, campaign recipients, reports and stored texts; the counts
stay (the recipient rows stay, anonymous); a keyed hash of the address goes on
the suppression list so that a later import of the same address is refused.

The key (HMAC-SHA256, 32 random bytes) is made on the first forget and kept in
the settings table of the same database. That is deliberate: the hash only has
to block a re-import into *this* database, and whoever holds the database file
could read the addresses anyway before they were forgotten. Kept in the
keychain instead, a copied or restored database would silently stop blocking
(the key lost with the laptop), which is the failure that matters here. The
hash does not let anyone list the forgotten addresses; it only answers "is
this address one of them?" to someone who already has the address and the
database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses
from mailer_gui.core.clock import utc
from mailer_gui.core.codes import RecipientStatus, SuppressionReason
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.store import dialect
from mailer_gui.core.store.models import Setting, Suppression

KEY_SETTING = "forget_hmac_key"
PREFIX = "hmac:"  # a suppression entry whose email_norm is a hash, not an address
ERASED = "[forgotten]"


class ForgetError(MailerError):
    """The address cannot be forgotten as given; the message says why."""


@dataclass(frozen=True)
class Forgotten:
    """What one forget changed: rows made anonymous or removed."""

    contacts: int
    memberships: int
    recipients: int
    texts: int


def _key(session: Session, create: bool) -> bytes | None:
    row = session.get(Setting, KEY_SETTING)
    if row is None:
        if not create:
            return None
        row = Setting(key=KEY_SETTING, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(str(row.value))


def mark(key: bytes, norm: str) -> str:
    """The suppression key of a forgotten address (its normalised form)."""
    return PREFIX + hmac.new(key, norm.encode(), hashlib.sha256).hexdigest()


class Marks:
    """Answers "was this address forgotten?" for an import, from one read of
    the suppression list (no hash is computed when nobody was forgotten)."""

    def __init__(self, session: Session) -> None:
        self.key = _key(session, create=False)
        self.marks: frozenset[str] = frozenset()
        if self.key is not None:
            self.marks = frozenset(
                session.scalars(
                    select(Suppression.email_norm).where(
                        Suppression.reason == SuppressionReason.FORGOTTEN
                    )
                )
            )

    def __bool__(self) -> bool:
        return bool(self.marks)

    def has(self, norm: str) -> bool:
        return self.key is not None and mark(self.key, norm) in self.marks


def is_forgotten(session: Session, email: str) -> bool:
    key = _key(session, create=False)
    if key is None:
        return False
    return session.get(Suppression, mark(key, addresses.normalize(email))) is not None


def forget(session: Session, email: str, now: datetime) -> Forgotten:
    """Erase one person, in the caller's write transaction (all or nothing).

    A recipient not yet sent becomes ``suppressed`` (never sent, counted as the
    report counts suppressed addresses)."""
    try:
        checked = addresses.check(email)
    except addresses.InvalidAddress as exc:
        raise ForgetError(
            Message("forget.invalid", address=repr(email.strip()), problem=str(exc))
        ) from None
    conn = session.connection()
    if dialect.is_pg(conn):  # the server's storage: VACUUM reclaims it (README, team mode)
        return _erase(session, checked, email, now)
    # Deleted and overwritten content is zeroed in the file, not left in free pages.
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        return _erase(session, checked, email, now)
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")


def _erase(session: Session, checked: addresses.Checked, email: str, now: datetime) -> Forgotten:
    norm = checked.norm
    conn = session.connection()
    members = conn.execute(
        text(
            "DELETE FROM list_members WHERE contact_id IN "
            "(SELECT id FROM contacts WHERE email_norm = :n)"
        ),
        {"n": norm},
    ).rowcount
    n_contacts = conn.execute(
        text("DELETE FROM contacts WHERE email_norm = :n"), {"n": norm}
    ).rowcount
    # Recipients stay (the counts and the slot ledger stay right), without the address,
    # the fields or the server's reply (which often quotes the address).
    # PostgreSQL types a parameter once: the reply (text) gets its own, apart
    # from the address (varchar).
    reply = ":erased_reply" if dialect.is_pg(conn) else ":erased"
    n_recipients = conn.execute(
        text(
            "UPDATE recipients SET email = :erased, email_norm = 'forgotten:' || id, "
            f"fields = '{{}}', reply = CASE WHEN reply IS NULL THEN NULL ELSE {reply} END, "
            "status = CASE WHEN status = :pending THEN :suppressed ELSE status END "
            "WHERE email_norm = :n"
        ),
        {
            "n": norm,
            "erased": ERASED,
            "erased_reply": ERASED,
            "pending": RecipientStatus.PENDING,
            "suppressed": RecipientStatus.SUPPRESSED,
        },
    ).rowcount
    n_texts = _scrub_texts(session, {checked.email, norm, email.strip()})
    session.execute(text("DELETE FROM suppressions WHERE email_norm = :n"), {"n": norm})
    key = _key(session, create=True)
    assert key is not None
    if session.get(Suppression, mark(key, norm)) is None:
        session.add(
            Suppression(
                email_norm=mark(key, norm),
                reason=SuppressionReason.FORGOTTEN,
                detail=None,
                added_at=utc(now),
            )
        )
    session.flush()
    return Forgotten(n_contacts, members, n_recipients, n_texts)


# Stored texts that may quote an address: notifications (the uncertain notice
# names recipients), pause history and queue details (a server's reply), an
# import's file name (shared by its contacts, so kept, with the address erased).
_TEXT_COLUMNS = (  # table, column, key (PostgreSQL has no rowid)
    ("contact_imports", "source", "id"),
    ("notifications", "text", "id"),
    ("pause_events", "detail", "id"),
    ("queue_entries", "reason_detail", "id"),
    ("suppressions", "detail", "email_norm"),
)


def _scrub_texts(session: Session, forms: set[str]) -> int:
    """Replace every written form of the address in stored texts (matched
    without regard to case, as addresses are compared)."""
    conn = session.connection()
    pg = dialect.is_pg(conn)
    find = "strpos" if pg else "instr"
    changed = 0
    for table, column, key in _TEXT_COLUMNS:
        rowid = key if pg else "rowid"
        for form in sorted(f for f in forms if f):
            low = form.lower()
            rows = conn.execute(
                text(
                    f"SELECT {rowid}, {column} FROM {table} "  # noqa: S608 (fixed names)
                    f"WHERE {find}(lower({column}), :f) > 0"
                ),
                {"f": low},
            ).all()
            for rowid_value, value in rows:
                conn.execute(
                    text(f"UPDATE {table} SET {column} = :v WHERE {rowid} = :r"),  # noqa: S608
                    {"v": _replace_ci(str(value), low), "r": rowid_value},
                )
                changed += 1
    return changed


def _replace_ci(value: str, low: str) -> str:
    return re.sub(re.escape(low), ERASED, value, flags=re.IGNORECASE)
