"""The suppression list: addresses never to mail again, kept per database.

Entries come from the operator (added by hand or imported from a file, e.g.
a provider's unsubscribe export) and from the engine, which adds every address
refused with a 5xx at RCPT (``hard_bounce``). Imports apply the list: a
suppressed address is stored with status ``suppressed`` and never sent.
Addresses are compared by ``addresses.normalize`` (ASCII form, lower case).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses, tabular
from mailer_gui.core.audience.mapping import clean_headers, guess_mapping
from mailer_gui.core.clock import utc
from mailer_gui.core.codes import SuppressionReason
from mailer_gui.core.errors import MailerError
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Suppression

REASONS = tuple(SuppressionReason)
_EMAIL_HEADERS = frozenset(
    {
        "email",
        "e-mail",
        "mail",
        "address",
        "email address",
        "почта",
        "эл. почта",
        "электронная почта",
        "адрес",
    }
)


class SuppressionError(MailerError):
    """An address or file the suppression list cannot take; the message says why."""


def add(
    session: Session, email: str, reason: str, now: datetime, detail: str | None = None
) -> bool:
    """Suppress an address; False if it was already on the list (its entry is kept)."""
    if reason not in REASONS:
        raise SuppressionError(f"reason {reason!r}: use one of {', '.join(REASONS)}")
    try:
        norm = addresses.check(email).norm
    except addresses.InvalidAddress as exc:
        raise SuppressionError(f"{email.strip()!r} is not an email address: {exc}") from None
    if session.get(Suppression, norm) is not None:
        return False
    session.add(Suppression(email_norm=norm, reason=reason, detail=detail, added_at=utc(now)))
    session.flush()
    return True


def remove(session: Session, email: str) -> bool:
    """Take an address off the list; False if it was not on it.

    Recipients already stored as ``suppressed`` stay so; import them again
    into a new campaign to mail them.
    """
    entry = session.get(Suppression, addresses.normalize(email))
    if entry is None:
        return False
    session.delete(entry)
    session.flush()
    return True


def is_suppressed(session: Session, email: str) -> bool:
    return session.get(Suppression, addresses.normalize(email)) is not None


def list_all(session: Session) -> list[Suppression]:
    """Every entry, newest first."""
    return list(
        session.scalars(
            select(Suppression).order_by(Suppression.added_at.desc(), Suppression.email_norm)
        )
    )


def _email_column(cells: list[str]) -> int | None:
    """The header's email column, or None if the first row is an address (no header)."""
    headers = clean_headers(cells)
    guessed = guess_mapping(headers).get("email")
    if guessed is not None:
        return headers.index(guessed)
    for i, h in enumerate(headers):
        if h.lower() in _EMAIL_HEADERS:
            return i
    return None


def import_file(
    db: Database, path: str | Path, now: datetime, reason: str = SuppressionReason.IMPORTED
) -> int:
    """Add every valid address of a file (a plain list, or a table with an email
    column); returns how many were new. All or nothing."""
    try:
        src = tabular.open_source(path)
        return _import(db, src, now, reason)
    except tabular.FileFormatError as exc:
        raise SuppressionError(str(exc)) from None


def _import(db: Database, src: tabular.Source, now: datetime, reason: str) -> int:
    added = 0
    col: int | None = None
    first = True
    reader = tabular.Records(src)
    with db.write() as s, contextlib.closing(reader):
        existing = set(s.scalars(select(Suppression.email_norm)))
        for row, cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if first:
                first = False
                col = _email_column(cells)
                if col is not None:
                    continue
                if len(cells) > 1 and not any("@" in c for c in cells):
                    raise SuppressionError(
                        f"{src.path.name}: row {row}: no email column; name it `email` in "
                        "the header row, or give one address per line"
                    )
            idx = col if col is not None else _first_address(cells)
            value = cells[idx] if idx < len(cells) else ""
            try:
                norm = addresses.check(value).norm
            except addresses.InvalidAddress:
                continue  # not an address: nothing to suppress
            if norm not in existing:
                existing.add(norm)
                s.add(
                    Suppression(
                        email_norm=norm,
                        reason=reason,
                        detail=f"{src.path.name}, row {row}",
                        added_at=utc(now),
                    )
                )
                added += 1
    return added


def _first_address(cells: list[str]) -> int:
    return next((i for i, c in enumerate(cells) if "@" in c), 0)
