"""Adding recipients: :class:`RecipientWriter` is the one way in (validation,
stored form, de-duplication, suppression) for every source: importing from
CSV/XLSX (preview, column mapping, one all-or-nothing transaction), the CLI's
``add-recipients``, and :func:`add_recipients` for core callers.

The import streams: rows are read, validated and inserted in batches, and the
de-duplication asks the database (the unique index on the campaign's
addresses) rather than keeping every address in memory. A cancel, an error in
the file or any other failure rolls the whole import back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses, tabular
from mailer_gui.core.audience.mapping import (
    ImportFileError,
    clean_headers,
    field_keys,
    guess_mapping,
)
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import queue
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Recipient, Suppression

PREVIEW_ROWS = 20
BATCH = 2000  # rows validated, de-duplicated and inserted together
CHECK_EVERY = 500  # rows between progress reports and cancel checks
# A suppression list up to this size is held in memory for the import (not the file).
SUPPRESSIONS_IN_MEMORY = 200_000
MEMORY_REJECTS = 100_000


class ImportCancelled(MailerError):
    """The operator cancelled the import; nothing was added."""


@dataclass
class ImportOptions:
    encoding: str | None = None
    delimiter: str | None = None
    # field name -> column header; must include "email"
    mapping: dict[str, str] | None = None
    sheet: str | None = None  # xlsx only


@dataclass
class FilePreview:
    encoding: str
    delimiter: str | None
    headers: list[str]
    rows: list[list[str]]  # the first PREVIEW_ROWS data rows
    mapping: dict[str, str]  # guessed (or given) field -> header
    sheets: list[str]  # xlsx sheet names, [] for csv
    header_row: int = 1


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


def _neutralise(value: str) -> str:
    """OWASP CSV injection: a cell starting with = + - @ tab or CR is not a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# ------------------------------------------------------------------ reading


def _source(path: str | Path, options: ImportOptions) -> tabular.Source:
    try:
        return tabular.open_source(path, options.encoding, options.delimiter, options.sheet)
    except tabular.FileFormatError as exc:
        raise ImportFileError(exc.message) from None


def _looks_like_data(headers: list[str], row: int) -> None:
    for h in headers:
        if "@" in h:
            try:
                addresses.check(h)
            except addresses.InvalidAddress:
                continue
            raise ImportFileError(Message("import.looks_like_data", row=row, value=repr(h)))


def preview_file(path: str | Path, options: ImportOptions | None = None) -> FilePreview:
    """What the import would see: encoding, delimiter, headers, first rows, mapping."""
    opts = options or ImportOptions()
    src = _source(path, opts)
    headers: list[str] | None = None
    header_row = 1
    rows: list[list[str]] = []
    reader = tabular.Records(src)
    try:
        for row, cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers, header_row = clean_headers(cells), row
            else:
                rows.append(cells)
                if len(rows) >= PREVIEW_ROWS:
                    break
    except tabular.FileFormatError as exc:
        raise ImportFileError(exc.message) from None
    finally:
        reader.close()
    if headers is None:
        raise ImportFileError(Message("import.no_rows", file=src.path.name))
    mapping = dict(opts.mapping) if opts.mapping else guess_mapping(headers)
    return FilePreview(src.encoding, src.delimiter, headers, rows, mapping, src.sheets, header_row)


# ------------------------------------------------------------------ import


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

    def add(self, row: int, value: str, fields_json: str) -> None:
        """One row: its address as written (stripped) and its fields as a JSON object."""
        addr = addresses.quick(value)
        if addr is None:
            try:
                addr = addresses.check(value)
            except addresses.InvalidAddress as exc:
                self.result.invalid += 1
                self.result._reject(
                    row,
                    value,
                    Message("import.invalid_address", problem=exc.args[0] if exc.args else exc),
                )
                return
        self.batch.append((row, value, addr[0], addr[1], fields_json))
        if len(self.batch) >= BATCH:
            self.flush()

    def _lookup(self, norms: list[str]) -> tuple[dict[str, tuple[int, int]], set[str]]:
        conn = self.s.connection()
        marks = ",".join("?" * len(norms))
        existing = {
            n: (i, r)
            for n, i, r in conn.exec_driver_sql(
                f"SELECT email_norm, id, row_number FROM recipients WHERE campaign_id = ? AND "
                f"test_entry_id IS NULL AND email_norm IN ({marks})",
                (self.cid, *norms),
            ).all()
        }
        if self.suppressed is not None:
            return existing, self.suppressed
        suppressed = {
            n
            for (n,) in conn.exec_driver_sql(
                f"SELECT email_norm FROM suppressions WHERE email_norm IN ({marks})", tuple(norms)
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
        for row, value, email, norm, fields in self.batch:
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
            self.s.connection().exec_driver_sql(
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
    queue.get_campaign(session, campaign_id)
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


class _Importer(RecipientWriter):
    """One file import into one open write session."""

    def __init__(self, session: Session, campaign_id: int, keys: list[str | None]) -> None:
        super().__init__(session, campaign_id)
        self.width = len(keys)
        self.email_col = keys.index(None)
        # Field values are JSON-encoded by hand (the keys once): json.dumps per row
        # costs as much as the rest of the import.
        self.field_cols = [
            (i, encode_basestring(k) + ":") for i, k in enumerate(keys) if k is not None
        ]

    def process(self, rows: list[tuple[int, list[str]]]) -> None:
        """Validate data rows and store them. The loop is written for speed: it
        runs once per row of files with a million rows."""
        width, col, field_cols = self.width, self.email_col, self.field_cols
        enc, res, add = encode_basestring, self.result, self.add
        for row, cells in rows:
            n = len(cells)
            if n != width:
                if n > width and "".join(cells[width:]).strip():
                    res.invalid += 1
                    res._reject(
                        row, cells[col].strip(), Message("import.cell_count", cells=n, width=width)
                    )
                    continue
                cells = cells[:width] + [""] * (width - n)
            add(
                row,
                cells[col].strip(),
                "{" + ",".join([k + enc(cells[i].strip()) for i, k in field_cols]) + "}",
            )
        self.flush()


def import_file(
    db: Database,
    campaign_id: int,
    path: str | Path,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import a file's rows into a campaign, all or nothing.

    ``progress(bytes_done, bytes_total)`` is called as the file is read;
    ``cancel()`` returning True stops the import (ImportCancelled) and leaves
    nothing behind. Raises ImportFileError when the file cannot be imported.
    """
    opts = options or ImportOptions()
    src = _source(path, opts)
    with db.write() as s:
        queue.get_campaign(s, campaign_id)
        result = _run(s, campaign_id, src, opts, progress, cancel)
    result.rejects.sort(key=lambda r: r.row)
    if progress:
        progress(src.size, src.size)
    return result


def _start(
    s: Session, campaign_id: int, row: int, cells: list[str], opts: ImportOptions
) -> _Importer:
    headers = clean_headers(cells)
    _looks_like_data(headers, row)
    mapping = dict(opts.mapping) if opts.mapping else guess_mapping(headers)
    if "email" not in mapping:
        raise ImportFileError(
            Message("import.no_email_column", row=row, columns=", ".join(headers))
        )
    return _Importer(s, campaign_id, field_keys(headers, mapping, row))


def _run(
    s: Session,
    campaign_id: int,
    src: tabular.Source,
    opts: ImportOptions,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> ImportResult:
    imp: _Importer | None = None
    pending: list[tuple[int, list[str]]] = []
    reader = tabular.Records(src)
    try:
        for row, cells in reader:
            if not "".join(cells).strip():
                continue  # a blank row
            if imp is None:
                imp = _start(s, campaign_id, row, cells, opts)
                continue
            pending.append((row, cells))
            if len(pending) % CHECK_EVERY == 0:
                if cancel is not None and cancel():
                    raise ImportCancelled("import cancelled; no recipient was added")
                if progress is not None:
                    progress(reader.bytes_done(), src.size)
                if len(pending) >= BATCH:
                    imp.process(pending)
                    pending = []
    except tabular.FileFormatError as exc:
        raise ImportFileError(exc.message) from None
    finally:
        reader.close()
    if imp is None:
        raise ImportFileError(Message("import.no_rows", file=src.path.name))
    imp.process(pending)
    return imp.result


def count_recipients(session: Session, campaign_id: int) -> dict[str, int]:
    """Recipients of a campaign by status (test sends excluded)."""
    rows = session.execute(
        text(
            "SELECT status, count(*) FROM recipients WHERE campaign_id = :c AND test_entry_id "
            "IS NULL GROUP BY status"
        ),
        {"c": campaign_id},
    ).all()
    return {str(st): int(n) for st, n in rows}
