"""A campaign's recipients as the front ends show them: the imported field
names, one recipient by its row, and the table read page by page.

Test-send recipients are never included (they belong to their test entry).
Counts by state are :func:`mailer_gui.core.store.queries.recipient_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mailer_gui.core.store import dialect
from mailer_gui.core.store.models import Recipient

BUILTINS = ("email", "unsubscribe_url")  # every template may use these
FIELD_SAMPLE = 500  # the field names are read from the first recipients only


@dataclass(frozen=True)
class RecipientLine:
    """One row of the recipients table."""

    id: int
    row_number: int | None
    email: str
    status: str
    reply: str
    fields: dict[str, Any]


def field_names(session: Session, campaign_id: int | None) -> list[str]:
    """The imported column names (from a sample of recipients) plus the built-ins."""
    names: list[str] = []
    if campaign_id is not None:
        names = sorted(
            session.scalars(
                text(
                    "SELECT DISTINCT j.key FROM (SELECT fields FROM recipients "
                    "WHERE campaign_id = :c "
                    f"AND test_entry_id IS NULL ORDER BY id LIMIT {FIELD_SAMPLE}) r, "
                    + dialect.json_keys_from(session, "r.fields")
                ),
                {"c": campaign_id},
            ).all()
        )
    return [n for n in names if n not in BUILTINS] + list(BUILTINS)


def recipient_at(
    session: Session, campaign_id: int | None, row: int
) -> tuple[str, dict[str, Any], int | None] | None:
    """The ``row``-th recipient (1-based, in id order, as ``campaigns.test_send``
    picks it): its address, fields and row number in the imported file."""
    if campaign_id is None:
        return None
    r = session.execute(
        select(Recipient.email, Recipient.fields, Recipient.row_number)
        .where(Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None))
        .order_by(Recipient.id)
        .offset(max(0, row - 1))
        .limit(1)
    ).first()
    return None if r is None else (r[0], dict(r[1] or {}), r[2])


def recipient_page(
    session: Session, campaign_id: int, after_id: int, limit: int
) -> list[RecipientLine]:
    """Up to ``limit`` recipients after id ``after_id``, in id order."""
    return [
        RecipientLine(r[0], r[1], r[2], r[3], r[4] or "", dict(r[5] or {}))
        for r in session.execute(
            select(
                Recipient.id,
                Recipient.row_number,
                Recipient.email,
                Recipient.status,
                Recipient.reply,
                Recipient.fields,
            )
            .where(
                Recipient.campaign_id == campaign_id,
                Recipient.test_entry_id.is_(None),
                Recipient.id > after_id,
            )
            .order_by(Recipient.id)
            .limit(limit)
        )
    ]
