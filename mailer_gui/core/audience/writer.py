"""The one way a recipient enters a campaign (:class:`RecipientWriter`):
validation, stored form, de-duplication and suppression, in batches in the
caller's write session; :func:`add_recipients` for core callers, and the result
of an addition with its rejected rows. :mod:`~mailer_gui.core.audience.contacts`
imports files through it (and its names are importable from there too).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses, forget
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.store import dialect
from mailer_gui.core.store.models import Recipient, Suppression
from mailer_gui.core.store.queries import get_campaign

BATCH = 2000  # rows validated, de-duplicated and inserted together
# A suppression list up to this size is held in memory for the import (not the file).
SUPPRESSIONS_IN_MEMORY = 200_000
MEMORY_REJECTS = 100_000


@dataclass
class Reject:
    row: int
    value: str
    reason: str


@dataclass
class ImportResult:
    imported: int = 0
    invalid: int = 0
    duplicate: int = 0
    suppressed: int = 0
    rejects: list[Reject] = field(default_factory=list)
    # Rejects beyond MEMORY_REJECTS are counted here but not kept.
    rejects_dropped: int = 0

    def write_rejects_csv(self, path: str | Path) -> None:
        """Write the rejected rows (row, value, reason) as UTF-8 CSV with a BOM (Excel)."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "value", "reason"])
            for r in self.rejects:
                w.writerow([r.row, _neutralise(r.value), r.reason])
            if self.rejects_dropped:
                w.writerow(
                    [
                        "",
                        "",
                        f"and {self.rejects_dropped} more rejected rows, not kept "
                        f"(over {MEMORY_REJECTS:,}); fix the column mapping and import again",
                    ]
                )

    def _reject(self, row: int, value: str, reason: str) -> None:
        if len(self.rejects) < MEMORY_REJECTS:
            self.rejects.append(Reject(row, value, reason))
        else:
            self.rejects_dropped += 1


def checked_address(result: ImportResult, row: int, value: str) -> tuple[str, str] | None:
    """``value``'s (envelope, normalised) address, or None with the row counted
    invalid and rejected with the reason (the campaign and list imports alike)."""
    addr = addresses.quick(value)
    if addr is not None:
        return addr
    try:
        return addresses.check(value)
    except addresses.InvalidAddress as exc:
        result.invalid += 1
        result._reject(
            row, value, Message("import.invalid_address", problem=exc.args[0] if exc.args else exc)
        )
        return None


def _neutralise(value: str) -> str:
    """OWASP CSV injection: a cell starting with = + - @ tab or CR is not a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class InvalidRecipients(MailerError):
    """Rows whose address is not valid, in an all-or-nothing addition; nothing was added."""

    def __init__(self, rejects: list[Reject], total: int) -> None:
        shown = Message(
            "list",
            items=[
                Message("import.reject_row", row=r.row, value=repr(r.value), reason=r.reason)
                for r in rejects[:3]
            ],
        )
        super().__init__(
            Message("import.invalid_rows_more", rows=shown, more=total - 3)
            if total > 3
            else Message("import.invalid_rows", rows=shown)
        )
        self.rejects = rejects


class RecipientWriter:
    """The one way a recipient enters a campaign, whatever the source (file
    import, the CLI's ``add-recipients``, :func:`add_recipients` for the sample
    and other core callers): the address is validated and stored in its ASCII
    form (:mod:`addresses`: an internationalised domain as punycode), compared
    by its normalised form, de-duplicated against the batch and the campaign,
    and stored ``suppressed`` when the suppression list has it.

    Rows go to the database in batches in the caller's write session.
    """

    def __init__(self, session: Session, campaign_id: int) -> None:
        self.s = session
        self.cid = campaign_id
        self.result = ImportResult()
        # Recipients above this id were added by this writer (for the reject reason).
        self.first_new = int(session.scalar(select(func.coalesce(func.max(Recipient.id), 0))) or 0)
        self.batch: list[tuple[int, str, str, str, str]] = []
        n_supp = int(session.scalar(select(func.count()).select_from(Suppression)) or 0)
        self.suppressed: set[str] | None = None
        if n_supp <= SUPPRESSIONS_IN_MEMORY:
            self.suppressed = set(session.scalars(select(Suppression.email_norm)))
        # Forgotten people (core/audience/forget.py) are refused, never stored again.
        self.forgotten = forget.Marks(session)

    def add(self, row: int, value: str, fields_json: str) -> None:
        """One row: its address as written (stripped) and its fields as a JSON object."""
        addr = checked_address(self.result, row, value)
        if addr is None:
            return
        self.batch.append((row, value, addr[0], addr[1], fields_json))
        if len(self.batch) >= BATCH:
            self.flush()

    def _lookup(self, norms: list[str]) -> tuple[dict[str, tuple[int, int]], set[str]]:
        conn = self.s.connection()
        marks = ",".join("?" * len(norms))
        lookup = dialect.native(
            conn,
            "SELECT email_norm, id, row_number FROM recipients WHERE campaign_id = ? AND "
            f"test_entry_id IS NULL AND email_norm IN ({marks})",
        )
        if dialect.is_pg(conn):
            # Planned for its values every time (psycopg prepares a statement run
            # five times; the generic plan of a long IN list, on a table grown in
            # this transaction without statistics, reads the whole campaign per
            # value: 100,000 rows took minutes); the values as one array.
            cur = dialect.driver_cursor(self.s)
            cur.execute(
                "SELECT email_norm, id, row_number FROM recipients WHERE campaign_id = %s "
                "AND test_entry_id IS NULL AND email_norm = ANY(%s)",
                (self.cid, norms),
                prepare=False,
            )
            found = cur.fetchall()
        else:
            found = conn.exec_driver_sql(lookup, (self.cid, *norms)).all()
        existing = {n: (i, r) for n, i, r in found}
        if self.suppressed is not None:
            return existing, self.suppressed
        suppressed = {
            n
            for (n,) in conn.exec_driver_sql(
                dialect.native(
                    conn, f"SELECT email_norm FROM suppressions WHERE email_norm IN ({marks})"
                ),
                tuple(norms),
            ).all()
        }
        return existing, suppressed

    def flush(self) -> None:
        """De-duplicate the batch (against itself and the database) and insert it."""
        if not self.batch:
            return
        existing, suppressed = self._lookup(list({b[3] for b in self.batch}))
        seen: dict[str, int] = {}
        out: list[tuple[Any, ...]] = []
        res = self.result
        forgotten = self.forgotten if self.forgotten else None
        for row, value, email, norm, fields in self.batch:
            if forgotten is not None and forgotten.has(norm):
                res.suppressed += 1  # on the suppression list, as a hash
                res._reject(row, value, Message("import.forgotten"))
                continue
            if norm in seen:
                why = Message("import.duplicate", row=seen[norm])
            elif norm in existing:
                rid, first_row = existing[norm]
                why = (
                    Message("import.duplicate", row=first_row)
                    if rid > self.first_new
                    else Message("import.already_in")
                )
            else:
                seen[norm] = row
                status = (
                    RecipientStatus.SUPPRESSED if norm in suppressed else RecipientStatus.PENDING
                )
                if status == RecipientStatus.SUPPRESSED:
                    res.suppressed += 1
                else:
                    res.imported += 1
                out.append((self.cid, email, norm, fields, row, status))
                continue
            res.duplicate += 1
            res._reject(row, value, why)
        if out:
            out.sort(key=lambda r: r[2])  # index order: fewer pages touched per batch
            conn = self.s.connection()
            if dialect.is_pg(conn):
                # One statement for the batch (a row per statement costs 0.1 ms).
                conn.exec_driver_sql(
                    "INSERT INTO recipients (campaign_id, email, email_norm, fields, row_number, "
                    "status, attempts) SELECT %s, v ->> 0, v ->> 1, CAST(v ->> 2 AS json), "
                    "CAST(v ->> 3 AS integer), v ->> 4, 0 "
                    "FROM jsonb_array_elements(CAST(%s AS jsonb)) AS j(v)",
                    (self.cid, json.dumps([o[1:] for o in out])),
                )
            else:
                conn.exec_driver_sql(
                    "INSERT INTO recipients (campaign_id, email, email_norm, fields, row_number, "
                    "status, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)",
                    out,
                )
        self.batch.clear()


def add_recipients(
    session: Session,
    campaign_id: int,
    rows: Iterable[tuple[int | None, str, Mapping[str, Any]]],
    strict: bool = True,
) -> ImportResult:
    """Add ``(row number, address, fields)`` rows through :class:`RecipientWriter`.

    ``strict`` (the default): any invalid address refuses the whole addition
    with :class:`InvalidRecipients` naming the rows, and nothing is added (a
    savepoint inside the caller's transaction). Otherwise invalid rows are
    counted and listed in the result, as a file import does.
    """
    get_campaign(session, campaign_id)
    with session.begin_nested():  # an exception rolls back to here
        w = RecipientWriter(session, campaign_id)
        for n, (row, email, fields) in enumerate(rows, start=1):
            w.add(
                row if row is not None else n,
                str(email).strip(),
                json.dumps(dict(fields), ensure_ascii=False, separators=(",", ":")),
            )
        if strict and w.result.invalid:
            bad = [r for r in w.result.rejects if r.reason.startswith("not a valid")]
            raise InvalidRecipients(bad, w.result.invalid)
        w.flush()
    return w.result
