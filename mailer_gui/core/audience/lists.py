"""Contacts and lists: the marketer's lasting audience, kept between campaigns.

One contact per stored address (the import's normalisation, ``email_norm``
unique), with its fields and where and when it came; lists group contacts (a
contact may be on many). A file goes into a list through the same import as a
campaign's (encodings, mapping, rejects: :func:`contacts.run_rows`), with a
choice for contacts already stored: keep their fields, or update them (the
file's values replace those it names). Suppressed addresses are kept as
contacts (the suppression list applies when an audience is resolved); a
forgotten person's address is refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses, contacts, forget
from mailer_gui.core.audience.contacts import ImportOptions, _RowParser
from mailer_gui.core.audience.writer import BATCH, ImportResult, checked_address
from mailer_gui.core.clock import utc
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.store import dialect
from mailer_gui.core.store.db import Database, defer_checkpoint
from mailer_gui.core.store.hotsql import from_json, from_ts, ts
from mailer_gui.core.store.models import Contact, ContactImport, ContactList, ListMember

SEARCH_LIMIT = 200  # page size of the Contacts view
# Rows per SQLite insert statement of an import (tests/benchmarks/bench_contacts.py:
# 500 compiles in a quarter of the time 2,000 takes, and runs as fast).
STATEMENT_ROWS = 500
_PAD: tuple[None, ...] = (None,) * (STATEMENT_ROWS * 3)


class ListError(MailerError):
    """A list operation refused; the message says why and what to do."""


@dataclass
class ListImportResult(ImportResult):
    """``imported`` counts the rows put on the list; of those, ``new`` contacts
    were created, ``updated`` had their fields replaced, ``kept`` kept theirs.
    ``already`` were on the list before (still counted in ``imported``)."""

    new: int = 0
    updated: int = 0
    kept: int = 0
    already: int = 0


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    contacts: int
    created_at: datetime


@dataclass(frozen=True)
class ContactRow:
    id: int
    email: str
    fields: dict[str, Any]
    source: str | None
    created_at: datetime
    updated_at: datetime


# ------------------------------------------------------------------ lists


def create_list(session: Session, name: str, now: datetime) -> int:
    """A new empty list; its id. Refuses an empty or taken name."""
    name = name.strip()
    if not name:
        raise ListError(Message("lists.name_missing"))
    taken = session.scalar(select(ContactList.id).where(ContactList.name == name))
    if taken is not None:
        raise ListError(Message("lists.name_taken", name=repr(name), list_id=taken))
    row = ContactList(name=name, created_at=utc(now))
    session.add(row)
    session.flush()
    return row.id


def get_list(session: Session, list_id: int) -> ContactList:
    row = session.get(ContactList, list_id)
    if row is None:
        raise ListError(Message("lists.not_found", list_id=list_id))
    return row


def list_lists(session: Session) -> list[ListInfo]:
    """Every list in id order with its number of contacts."""
    counts = dict(
        session.execute(select(ListMember.list_id, func.count()).group_by(ListMember.list_id)).all()
    )
    return [
        ListInfo(r.id, r.name, int(counts.get(r.id, 0)), r.created_at)
        for r in session.scalars(select(ContactList).order_by(ContactList.id))
    ]


def remove(session: Session, list_id: int, email: str) -> None:
    """Take one address off a list (the contact stays, as on other lists)."""
    get_list(session, list_id)
    try:
        norm = addresses.check(email).norm
    except addresses.InvalidAddress as exc:
        raise ListError(
            Message("lists.bad_address", address=repr(email.strip()), problem=str(exc))
        ) from None
    n = (
        session.connection()
        .execute(
            text(
                "DELETE FROM list_members WHERE list_id = :l AND contact_id = "
                "(SELECT id FROM contacts WHERE email_norm = :n)"
            ),
            {"l": list_id, "n": norm},
        )
        .rowcount
    )
    if not n:
        raise ListError(Message("lists.not_member", address=email.strip(), list_id=list_id))


def rename_list(session: Session, list_id: int, name: str) -> ListInfo:
    """Give a list another name (refused when empty or another list's)."""
    row = get_list(session, list_id)
    name = name.strip()
    if not name:
        raise ListError(Message("lists.name_missing"))
    taken = session.scalar(
        select(ContactList.id).where(ContactList.name == name, ContactList.id != list_id)
    )
    if taken is not None:
        raise ListError(Message("lists.name_taken", name=repr(name), list_id=taken))
    row.name = name
    session.flush()
    return next(i for i in list_lists(session) if i.id == list_id)


@dataclass(frozen=True)
class DeletedList:
    """What :func:`delete_list` removed, enough to put it back
    (:func:`restore_list`): the list, its members and the audience rules that
    named it. ``orphans``: contacts that are on no list any more (they stay)."""

    id: int
    name: str
    created_at: datetime
    members: tuple[tuple[int, int], ...]  # (contact id, the import that put it on)
    rules: tuple[tuple[int, str], ...]  # (campaign id, kind) naming the list
    orphans: int


def _audience_users(session: Session, list_id: int) -> list[tuple[int, str]]:
    return [
        (int(c), str(k))
        for c, k in session.execute(
            text(
                "SELECT campaign_id, kind FROM campaign_audience WHERE ref_id = :l "
                "AND kind IN ('list', 'exclude_list') ORDER BY campaign_id"
            ),
            {"l": list_id},
        )
    ]


def delete_list(session: Session, list_id: int) -> DeletedList:
    """Delete a list: its contacts stay (on their other lists, or as contacts on
    no list), and campaigns' audiences no longer name it. Refused while a
    campaign whose audience names it is in the queue (its recipients were
    resolved from it: pause or cancel it first)."""
    from mailer_gui.core.store.models import LIVE_STATUSES, QueueEntry

    row = get_list(session, list_id)
    rules = _audience_users(session, list_id)
    if rules:
        live = session.execute(
            select(QueueEntry.campaign_id, QueueEntry.status)
            .where(
                QueueEntry.campaign_id.in_([c for c, _k in rules]),
                QueueEntry.kind == "campaign",
                QueueEntry.status.in_(LIVE_STATUSES),
            )
            .limit(1)
        ).first()
        if live is not None:
            raise ListError(
                Message("lists.in_use", list_id=list_id, campaign_id=live[0], status=str(live[1]))
            )
    conn = session.connection()
    members = tuple(
        (int(c), int(i))
        for c, i in conn.execute(
            text(
                "SELECT contact_id, import_id FROM list_members WHERE list_id = :l "
                "ORDER BY contact_id"
            ),
            {"l": list_id},
        )
    )
    conn.execute(text("DELETE FROM list_members WHERE list_id = :l"), {"l": list_id})
    orphans = int(
        conn.execute(
            text(
                f"SELECT count(*) FROM {dialect.json_array_from(conn, ':ids', 'j')} "
                "WHERE NOT EXISTS (SELECT 1 FROM list_members m WHERE m.contact_id = "
                f"{dialect.json_int_sql(conn, 'j.value')})"
            ),
            {"ids": json.dumps([c for c, _a in members])},
        ).scalar()
        or 0
    )
    conn.execute(
        text(
            "DELETE FROM campaign_audience WHERE ref_id = :l AND kind IN ('list', 'exclude_list')"
        ),
        {"l": list_id},
    )
    deleted = DeletedList(row.id, row.name, row.created_at, members, tuple(rules), orphans)
    session.delete(row)
    session.flush()
    return deleted


def restore_list(session: Session, deleted: DeletedList) -> int:
    """Put a deleted list back (the window's Undo): its name, its members that
    are still contacts, the audience rules that named it. Its id if free, else
    a new one; returns the id."""
    name = deleted.name
    taken = session.scalar(select(ContactList.id).where(ContactList.name == name))
    if taken is not None:
        raise ListError(Message("lists.name_taken", name=repr(name), list_id=taken))
    free = session.get(ContactList, deleted.id) is None
    row = ContactList(name=name, created_at=deleted.created_at)
    if free:
        row.id = deleted.id
    session.add(row)
    session.flush()
    conn = session.connection()
    insert, skip = dialect.insert_ignore(conn)
    contact = dialect.json_item_sql(conn, "j.value", 0, "bigint")
    import_id = dialect.json_item_sql(conn, "j.value", 1, "bigint")
    conn.execute(
        text(
            f"{insert} INTO list_members (list_id, contact_id, import_id) "
            f"SELECT :l, {contact}, {import_id} "
            f"FROM {dialect.json_array_from(conn, ':rows', 'j')} JOIN contacts c ON c.id = "
            f"{contact}{skip}"
        ),
        {"l": row.id, "rows": json.dumps(deleted.members)},
    )
    for campaign_id, kind in deleted.rules:
        conn.execute(
            text(
                f"{insert} INTO campaign_audience (campaign_id, kind, ref_id) "
                f"SELECT :c, :k, :l WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = :c){skip}"
            ),
            {"c": campaign_id, "k": kind, "l": row.id},
        )
    return row.id


# ------------------------------------------------------------------ import


# Row number, the address as written, as stored, normalised, fields JSON (the
# tuple the row parser makes: contacts._RowParser.process).
_Row = tuple[int, str, str, str, str]


@dataclass(frozen=True)
class _Batch:
    """Rows ready for the insert, and the parameters the insert takes for them
    (:func:`_rows_args`)."""

    rows: list[_Row]
    args: list[str]


def _rows_args(rows: list[_Row], pg: bool) -> list[str]:
    """The insert's parameters for ``rows``: on PostgreSQL one JSON array of the
    rows (address, normalised, fields); on SQLite those three values of every
    row in turn, for a ``VALUES`` list (no JSON for SQLite to parse: a third of
    the storing side's time)."""
    if pg:
        return [json.dumps([r[2:] for r in rows])]
    return [v for r in rows for v in r[2:]]


class ContactWriter(_RowParser):
    """Rows into contacts and onto one list, in batches in the caller's write
    session: the contact is created, or (``update``) its fields replaced by the
    file's, or kept as it is; then it is put on the list."""

    overlap = True  # each batch is one statement (contacts) and one (members)

    def __init__(
        self, session: Session, list_id: int, now: datetime, update: bool, source: str | None
    ) -> None:
        self.s = session
        self.list_id = list_id
        self.at = utc(now)
        self.now = ts(self.at)
        self.update = update
        self.source = source
        self._import_id: int | None = None  # made with the first batch stored
        self.result: ListImportResult = ListImportResult()
        self.batch: list[tuple[int, str, str, str, str]] = []
        self.forgotten = forget.Marks(session)
        # Contacts above this id were made by this import (a later row repeating one).
        self.first_new = int(session.scalar(select(func.coalesce(func.max(Contact.id), 0))) or 0)
        self.touched: set[str] = set()  # contacts stored before, met in this import
        self.pg = dialect.is_pg(session)
        # Rows per SQLite VALUES statement: its bound parameters (three a row
        # and two more) within the library's limit (32,766 since 3.32).
        self.per_statement = STATEMENT_ROWS
        if not self.pg:
            driver = session.connection().connection.dbapi_connection
            limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
            self.per_statement = max(1, min(STATEMENT_ROWS, (int(limit) - 2) // 3))
        self._sql: str | None = None  # the insert, made once

    def add(self, row: int, value: str, fields_json: str) -> None:
        addr = checked_address(self.result, row, value)
        if addr is None:
            return
        self.batch.append((row, value, addr[0], addr[1], fields_json))
        if len(self.batch) >= BATCH:
            self.flush()

    def _known(self, norms: list[str]) -> dict[str, tuple[int, bool]]:
        """Stored contacts among ``norms``: norm -> (id, already on this list)."""
        marks = ",".join("?" * len(norms))
        conn = self.s.connection()
        rows = conn.exec_driver_sql(
            dialect.native(
                conn,
                "SELECT c.email_norm, c.id, m.list_id IS NOT NULL FROM contacts c LEFT JOIN "
                "list_members m ON m.contact_id = c.id AND m.list_id = ? "
                f"WHERE c.email_norm IN ({marks})",
            ),
            (self.list_id, *norms),
        ).all()
        return {str(n): (int(i), bool(on)) for n, i, on in rows}

    def prepare(self, rows: list[tuple[int, str, str, str, str]], res: ImportResult) -> _Batch:
        """``rows`` without those refused (a forgotten person's, a repeat in the
        batch: rejected into ``res``), with the JSON the insert takes. Reads no
        database: an overlapped import runs it in its reading thread."""
        forgotten = self.forgotten if self.forgotten else None
        if forgotten is None and len({r[3] for r in rows}) == len(rows):
            return _Batch(
                list(rows), _rows_args(rows, self.pg)
            )  # the usual batch: nothing to refuse
        seen: dict[str, int] = {}
        out: list[_Row] = []
        for row, value, email, norm, fields in rows:
            if forgotten is not None and forgotten.has(norm):
                res.suppressed += 1
                res._reject(row, value, Message("import.forgotten"))
            elif norm in seen:
                res.duplicate += 1
                res._reject(row, value, Message("import.duplicate", row=seen[norm]))
            else:
                seen[norm] = row
                out.append((row, value, email, norm, fields))
        return _Batch(out, _rows_args(out, self.pg))

    def flush(self) -> None:
        if self.batch:
            batch = self.prepare(self.batch, self.result)
            self.batch.clear()
            self.store(batch)

    def store(self, batch: object) -> None:
        assert isinstance(batch, _Batch)
        if batch.rows:
            self._store(batch)

    def import_id(self) -> int:
        """This import's row (where from, when): written once, with the first
        batch stored (an import that stores nothing leaves none)."""
        if self._import_id is None:
            row = ContactImport(source=self.source, at=self.at)
            self.s.add(row)
            self.s.flush()
            self._import_id = row.id
        return self._import_id

    def _store(self, batch: _Batch) -> None:
        res = self.result
        out = batch.rows
        import_id = self.import_id()
        conn = self.s.connection()
        known: dict[str, tuple[int, bool]] = {}
        if self.update:
            # A repeat of an earlier row must not update the contact again: the
            # stored contacts are looked up before the batch is written.
            known = self._known([o[3] for o in out])
            fewer = self._drop_again(out, known)
            if not fewer:
                return
            if len(fewer) < len(out):
                out = fewer
                batch = _Batch(out, _rows_args(out, self.pg))
        top = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM contacts").scalar_one())
        written = self._insert(conn, batch, import_id)
        if not self.update and written < len(out):
            # Some rows made no contact: it was stored before, or they repeat a row.
            known = {n: k for n, k in self._known([o[3] for o in out]).items() if k[0] <= top}
            made = [o for o in out if o[3] not in known]
            out = made + self._drop_again([o for o in out if o[3] in known], known)
        res.already += sum(1 for k in known.values() if k[1])
        res.imported += len(out)
        res.new += len(out) - len(known)
        if self.update:
            res.updated += len(known)
        else:
            res.kept += len(known)
        # The contacts made have ids above the top before the batch (the write
        # lock keeps every other writer out); the stored ones not yet on the
        # list go by id.
        conn.exec_driver_sql(
            dialect.native(
                conn,
                "INSERT INTO list_members (list_id, contact_id, import_id) "
                "SELECT ?, id, ? FROM contacts WHERE id > ?",
            ),
            (self.list_id, import_id, top),
        )
        ids = [k[0] for k in known.values() if not k[1]]
        if ids:
            conn.exec_driver_sql(
                dialect.native(
                    conn,
                    "INSERT INTO list_members (list_id, contact_id, import_id) "
                    f"SELECT ?, {dialect.json_int_sql(conn, 'value')}, ? "
                    f"FROM {dialect.json_array_from(conn, '?')}",
                ),
                (self.list_id, import_id, json.dumps(ids)),
            )

    def _drop_again(
        self,
        out: list[_Row],
        known: dict[str, tuple[int, bool]],
    ) -> list[_Row]:
        """``out`` without the rows repeating an earlier row of this import (each
        rejected): their contact was made by this import (its id is new), or was
        stored before and already met in it. The others among ``known`` are
        marked met; the repeats leave ``known``."""
        again = {n for n, k in known.items() if k[0] > self.first_new or n in self.touched}
        self.touched.update(n for n in known if n not in again)
        if not again:
            return out
        res = self.result
        for o in out:
            if o[3] in again:
                res.duplicate += 1
                res._reject(o[0], o[1], Message("import.duplicate_earlier"))
        for n in again:
            del known[n]
        return [o for o in out if o[3] not in again]

    def _insert(self, conn: Connection, batch: _Batch, import_id: int) -> int:
        """Write the batch's contacts; how many rows were written (made, and
        with ``update`` also replaced)."""
        # A few statements a batch, not one a row: each runs with Python's lock
        # released (the reading thread goes on meanwhile). On SQLite every
        # statement has the same text (the last of a batch padded with empty
        # rows), so it is compiled once: compiling a VALUES list costs more
        # than running it, and more than in proportion to its length.
        # Parameters in the text's order: the import, the rows, the update's time.
        after = (self.now,) if self.update else ()
        sql = self._sql_for(conn)
        if self.pg:
            return int(conn.exec_driver_sql(sql, (import_id, *batch.args, *after)).rowcount)
        written, width, args = 0, self.per_statement * 3, batch.args
        for at in range(0, len(args), width):
            values = args[at : at + width]
            pad = _PAD[: width - len(values)]  # empty but for the batch's last statement
            written += int(conn.exec_driver_sql(sql, (import_id, *values, *pad, *after)).rowcount)
        return written

    def _sql_for(self, conn: Connection) -> str:
        """The insert: its rows from a JSON array (PostgreSQL) or from a
        ``VALUES`` list of :attr:`per_statement` rows (SQLite; rows of NULLs
        are padding, skipped)."""
        if self._sql is not None:
            return self._sql
        patched = dialect.json_patch_sql(conn, "contacts.fields", "excluded.fields")
        conflict = (
            f"DO UPDATE SET fields = {patched}, email = excluded.email, updated_at = ?"
            if self.update
            else "DO NOTHING"
        )
        head = "INSERT INTO contacts (email, email_norm, fields, import_id) "
        if self.pg:
            item = dialect.json_item_sql
            rows = (
                f"SELECT {item(conn, 'value', 0)}, {item(conn, 'value', 1)}, "
                f"{item(conn, 'value', 2, 'json')}, ? "
                f"FROM {dialect.json_array_from(conn, '?')}"
            )
        else:
            # The import comes first in the text, so it is bound first.
            rows = (
                "SELECT column1, column2, column3, ? FROM (VALUES "
                + ",".join(["(?, ?, ?)"] * self.per_statement)
                + ")"
            )
        # The WHERE also keeps SQLite's parser from reading ON CONFLICT as a join's.
        where = "true" if self.pg else "column1 IS NOT NULL"
        sql = dialect.native(
            conn, f"{head}{rows} WHERE {where} ON CONFLICT (email_norm) {conflict}"
        )
        self._sql = sql
        return sql


def import_file(
    db: Database,
    list_id: int,
    path: str | Path,
    now: datetime,
    options: ImportOptions | None = None,
    update: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ListImportResult:
    """Import a file into a list, all or nothing (ImportFileError, ImportCancelled).
    The new contacts enter the search index afterwards: call
    :func:`index_new_contacts` (the CLI and the window do, off the import's
    transaction); searches find them meanwhile."""
    opts = options or ImportOptions()
    src = contacts.source(path, opts)
    with db.write() as s:
        get_list(s, list_id)
        defer_checkpoint(s)  # the index's catch-up, next, copies the WAL's pages
        writer = ContactWriter(s, list_id, now, update, src.path.name)
        contacts.run_rows(src, opts, lambda keys: _keyed(writer, keys), progress, cancel)
    writer.result.rejects.sort(key=lambda r: r.row)
    if progress:
        progress(src.size, src.size)
    return writer.result


def _keyed(writer: ContactWriter, keys: list[str | None]) -> ContactWriter:
    writer.set_keys(keys)
    return writer


def add_contacts(
    session: Session,
    list_id: int,
    rows: Iterable[tuple[int | None, str, Mapping[str, Any]]],
    now: datetime,
    update: bool = False,
    source: str | None = None,
) -> ListImportResult:
    """``(row, address, fields)`` rows onto a list (invalid rows are rejected and listed)."""
    get_list(session, list_id)
    w = ContactWriter(session, list_id, now, update, source)
    for n, (row, email, fields) in enumerate(rows, start=1):
        w.add(
            row if row is not None else n,
            str(email).strip(),
            json.dumps(dict(fields), ensure_ascii=False, separators=(",", ":")),
        )
    w.flush()
    index_new(session)  # a few contacts: indexed in the same transaction
    return w.result


# ------------------------------------------------------------------ reading


# The search index (migration 0007, SQLite only) finds substrings of three
# characters or more (the trigram tokenizer's minimum).
FTS_MIN = 3
# A search whose index candidates reach this many is common: a page is found
# sooner by reading the contacts in id order (it stops at the page's end).
DENSE = 2000
# Contacts indexed per write transaction when the index catches up (short
# transactions: the engine never waits long for the write lock).
INDEX_CHUNK = 5000
# The text indexed for a contact: exactly migration 0007's (a test compares
# them; a contentless FTS5 delete must be given the text that was inserted).
INDEX_TEXT = (
    "{r}.email_norm || ' ' || "
    "coalesce((SELECT group_concat(j.value, ' ') FROM json_each({r}.fields) j), '')"
)


def index_mark(session: Session) -> int | None:
    """The id up to which contacts are in the search index, or None when the
    database has no index (PostgreSQL, or SQLite before 0007)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    tables = session.execute(
        text(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
            "AND name IN ('contacts_fts', 'contacts_fts_mark')"
        )
    ).scalar()
    if tables != 2:
        return None
    return int(session.execute(text("SELECT indexed_to FROM contacts_fts_mark")).scalar() or 0)


def _has_index(session: Session) -> bool:
    return index_mark(session) is not None


def index_new(session: Session, limit: int | None = None) -> int:
    """Put the contacts added since the last time (above the mark) into the
    search index, at most ``limit`` of them, in the caller's write
    transaction, in one statement; how many."""
    mark = index_mark(session)
    if mark is None:
        return 0
    conn = session.connection()
    top, n = conn.execute(
        text(
            "SELECT max(id), count(*) FROM (SELECT id FROM contacts WHERE id > :m "
            "ORDER BY id LIMIT :n)"
        ),
        {"m": mark, "n": -1 if limit is None else limit},
    ).one()
    if not n:
        return 0
    conn.execute(
        text(
            f"INSERT INTO contacts_fts (rowid, body) SELECT c.id, {INDEX_TEXT.format(r='c')} "
            "FROM contacts c WHERE c.id > :m AND c.id <= :top"
        ),
        {"m": mark, "top": top},
    )
    conn.execute(text("UPDATE contacts_fts_mark SET indexed_to = :top"), {"top": top})
    return int(n)


def index_new_contacts(db: Database, chunk: int = INDEX_CHUNK) -> int:
    """Bring the search index up to date (after an import: its contacts are
    indexed here rather than in the import's transaction), ``chunk`` contacts
    per write transaction; how many. Searches find the contacts meanwhile
    (they read those not yet indexed)."""
    total = 0
    while True:
        with db.write() as s:
            n = index_new(s, chunk)
        if not n:
            return total
        total += n


def _phrase(search: str) -> str:
    """``search`` as one FTS5 phrase (a substring, with the trigram tokenizer)."""
    return '"' + search.replace('"', '""') + '"'


def _dense(session: Session, phrase: str, mark: int) -> bool:
    n = session.execute(
        text(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM contacts_fts WHERE contacts_fts "
            f"MATCH :p LIMIT {DENSE})) + (SELECT count(*) FROM (SELECT 1 FROM contacts "
            f"WHERE id > :m LIMIT {DENSE}))"
        ),
        {"p": phrase, "m": mark},
    ).scalar()
    return int(n or 0) >= DENSE


def _where(
    session: Session,
    list_id: int | None,
    search: str,
    filters: Mapping[str, str] | None,
    page: bool = False,
) -> tuple[str, dict[str, Any]]:
    """``FROM ... WHERE ...`` for the contacts (alias ``c``) of a list or all, with
    ``k`` their id: a list is read through its primary key (list, contact), in
    contact order, so a page is found without reading the whole list.

    A search matches the address or any field's value containing it (LIKE: any
    case for Latin letters, others as typed). With the search index and three
    characters or more, the index gives the candidates (with the contacts not
    indexed yet) and the same test confirms them, so both ways find the same
    contacts; for a ``page`` of a common search
    (:data:`DENSE` candidates or more) the scan in id order is quicker."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    wanted = search.strip()
    # The index's candidates first, then their contacts (CROSS JOIN keeps that
    # order: the list is not read through).
    indexed = ""
    mark = index_mark(session) if len(wanted) >= FTS_MIN else None
    if mark is not None:
        phrase = _phrase(wanted)
        if not (page and _dense(session, phrase, mark)):
            # The index's candidates, and the contacts not indexed yet.
            indexed = (
                "FROM (SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH :p "
                "UNION ALL SELECT id FROM contacts WHERE id > :mark) f "
                "CROSS JOIN contacts c ON c.id = f.id"
            )
            params["p"], params["mark"] = phrase, mark
    if list_id is not None:
        source = (
            f"{indexed} CROSS JOIN list_members m ON m.contact_id = c.id"
            if indexed
            else "FROM list_members m JOIN contacts c ON c.id = m.contact_id"
        )
        parts.append("m.list_id = :list")
        params["list"] = list_id
        key = "m.contact_id"
    else:
        source, key = indexed or "FROM contacts c", "c.id"
    if wanted:
        fold = dialect.like_fold_sql
        parts.append(
            f"({fold(session, 'c.email_norm')} LIKE :q ESCAPE '\\' OR EXISTS (SELECT 1 FROM "
            f"{dialect.json_values_from(session, 'c.fields')} "
            f"WHERE {fold(session, 'j.value')} LIKE :q ESCAPE '\\'))"
        )
        # As typed: LIKE folds the case of Latin letters only (the addresses are
        # ASCII); other letters match as typed ("Иван" finds "Иван"). The same
        # on PostgreSQL (dialect.like_fold_sql).
        q = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = dialect.like_fold(session, f"%{q}%")
    for i, (name, value) in enumerate((filters or {}).items()):
        parts.append(f"{dialect.json_field_sql(session, 'c.fields', f'fk{i}')} = :fv{i}")
        params[f"fk{i}"] = dialect.json_key_param(session, name)
        params[f"fv{i}"] = value
    where = " AND ".join(parts) or dialect.true_sql(session)
    return f"{source} WHERE {where}", {**params, "_key": key}


def _key(params: dict[str, Any]) -> str:
    return str(params.pop("_key"))


def contact_page(
    session: Session,
    list_id: int | None,
    search: str = "",
    filters: Mapping[str, str] | None = None,
    after_id: int = 0,
    limit: int = SEARCH_LIMIT,
) -> list[ContactRow]:
    """Up to ``limit`` contacts after ``after_id`` (id order), of one list or all,
    matching ``search`` (in the address or any field, any case) and every
    ``filters`` field exactly."""
    source, params = _where(session, list_id, search, filters, page=True)
    key = _key(params)
    # The page first, then its contacts' imports (where from, when): by key.
    rows = session.execute(
        text(
            "SELECT p.id, p.email, p.fields, i.source, i.at, coalesce(p.updated_at, i.at) "
            "FROM (SELECT c.id, c.email, c.fields, c.import_id, c.updated_at "
            f"{source} AND {key} > :after ORDER BY {key} LIMIT :limit) p "
            "JOIN contact_imports i ON i.id = p.import_id ORDER BY p.id"
        ),
        {**params, "after": after_id, "limit": limit},
    ).all()
    return [
        ContactRow(int(r[0]), str(r[1]), from_json(r[2]) or {}, r[3], _at(r[4]), _at(r[5]))
        for r in rows
    ]


def _at(stored: str | datetime) -> datetime:
    """A stored time (SQLite's text, PostgreSQL's naive datetime) as aware UTC."""
    at = from_ts(stored)
    assert at is not None
    return at


def contact_count(
    session: Session,
    list_id: int | None,
    search: str = "",
    filters: Mapping[str, str] | None = None,
) -> int:
    if list_id is not None and not search.strip() and not filters:
        return int(
            session.scalar(
                select(func.count()).select_from(ListMember).where(ListMember.list_id == list_id)
            )
            or 0
        )
    source, params = _where(session, list_id, search, filters)
    _key(params)
    return int(session.execute(text(f"SELECT count(*) {source}"), params).scalar() or 0)


def field_names(session: Session, list_id: int | None, sample: int = 500) -> list[str]:
    """The field names of (a sample of) a list's contacts, sorted."""
    source, params = _where(session, list_id, "", None)
    key = _key(params)
    return sorted(
        str(k)
        for k in session.scalars(
            text(
                f"SELECT DISTINCT j.key FROM (SELECT c.fields AS fields {source} "
                f"ORDER BY {key} LIMIT {int(sample)}) r, "
                f"{dialect.json_keys_from(session, 'r.fields')}"
            ),
            params,
        )
    )
