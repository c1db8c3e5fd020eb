"""Export a list (or every contact) as CSV or XLSX: address, every field, where
it came from and when. Cells are neutralised as the reports' are
(:func:`mailer_gui.core.reports.table.safe_cell`: a leading ``=`` ``+`` ``-``
``@`` is not a formula, controls are removed)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from mailer_gui.core.audience import lists
from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.formats import atomic_path
from mailer_gui.core.reports.table import safe_cell
from mailer_gui.core.store import dialect
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.hotsql import from_json

FORMATS = ("csv", "xlsx")
HEAD = ["email"]
TAIL = ["source", "added_at"]
# Where from and when a contact came (its import's row, by primary key).
_OF_IMPORT = "(SELECT i.{} FROM contact_imports i WHERE i.id = c.import_id)"


def _all_fields(session: Session, list_id: int | None) -> list[str]:
    source, params = lists._where(session, list_id, "", None)
    lists._key(params)
    return sorted(
        str(k)
        for k in session.scalars(
            text(
                f"SELECT DISTINCT j.key FROM (SELECT c.fields AS fields {source}) r, "
                f"{dialect.json_keys_from(session, 'r.fields')}"
            ),
            params,
        )
    )


def _rows(session: Session, list_id: int | None, names: list[str]) -> Iterator[list[str]]:
    source, params = lists._where(session, list_id, "", None)
    key = lists._key(params)
    result = session.execute(
        text(
            f"SELECT c.email, c.fields, {_OF_IMPORT.format('source')}, "
            f"{_OF_IMPORT.format('at')} {source} ORDER BY {key}"
        ),
        params,
    )
    for email, fields, source, created in result:
        values: dict[str, Any] = from_json(fields) or {}
        yield [
            safe_cell(email),
            *(safe_cell(values.get(n, "")) for n in names),
            safe_cell(source or ""),
            str(created)[:19],
        ]


def export(db: Database, list_id: int | None, out: str | Path, fmt: str | None = None) -> int:
    """Write the contacts to ``out`` (format from ``fmt`` or the suffix); the row count."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise MailerError(f"{out.name}: export as .csv or .xlsx, not {fmt!r}")
    with db.read() as s:
        if list_id is not None:
            lists.get_list(s, list_id)
        names = _all_fields(s, list_id)
        header = [*HEAD, *names, *TAIL]
        with atomic_path(out) as tmp:
            return (_csv if fmt == "csv" else _xlsx)(tmp, header, _rows(s, list_id, names))


def _csv(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([safe_cell(h) for h in header])
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def _xlsx(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append([safe_cell(h) for h in header])
    n = 0
    for row in rows:
        ws.append(row)
        n += 1
    wb.save(path)
    return n
