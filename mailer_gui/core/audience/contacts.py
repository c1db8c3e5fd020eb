"""Adding recipients: :class:`RecipientWriter` (in
:mod:`~mailer_gui.core.audience.writer`) is the one way in (validation,
stored form, de-duplication, suppression) for every source: importing from
CSV/XLSX (preview, column mapping, one all-or-nothing transaction), the CLI's
``add-recipients``, and :func:`add_recipients` for core callers.

The import streams: rows are read, validated and inserted in batches, and the
de-duplication asks the database (the unique index on the campaign's
addresses) rather than keeping every address in memory. A cancel, an error in
the file or any other failure rolls the whole import back.
"""

from __future__ import annotations

import gc
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from mailer_gui.core.audience import addresses, tabular
from mailer_gui.core.audience.mapping import (
    ImportFileError,
    clean_headers,
    field_keys,
    guess_mapping,
)
from mailer_gui.core.audience.writer import BATCH as BATCH
from mailer_gui.core.audience.writer import MEMORY_REJECTS as MEMORY_REJECTS
from mailer_gui.core.audience.writer import SUPPRESSIONS_IN_MEMORY as SUPPRESSIONS_IN_MEMORY
from mailer_gui.core.audience.writer import ImportResult as ImportResult
from mailer_gui.core.audience.writer import InvalidRecipients as InvalidRecipients
from mailer_gui.core.audience.writer import RecipientWriter as RecipientWriter
from mailer_gui.core.audience.writer import Reject as Reject
from mailer_gui.core.audience.writer import add_recipients as add_recipients
from mailer_gui.core.audience.writer import checked_address
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.queries import get_campaign

PREVIEW_ROWS = 20
CHECK_EVERY = 500  # rows between progress reports and cancel checks


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


class _RowParser:
    """Splits file rows into the address and the fields (JSON) and puts them in
    the writer's batch (``(row, value, email, norm, fields JSON)``, as ``add``
    does), ``flush`` storing it: shared by the campaign import and the list
    import (:mod:`~mailer_gui.core.audience.lists`), whose writers differ."""

    result: ImportResult
    batch: list[tuple[int, str, str, str, str]]
    # Stores a batch in one statement that runs with Python's lock released:
    # the import reads the next rows meanwhile (contacts._overlapped).
    overlap = False

    def add(self, row: int, value: str, fields_json: str) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        raise NotImplementedError

    # An overlapped import's two halves of flush: prepare (no database; the
    # reading thread) and store (this thread).
    def prepare(self, rows: list[tuple[int, str, str, str, str]], res: ImportResult) -> object:
        raise NotImplementedError

    def store(self, batch: object) -> None:
        raise NotImplementedError

    def set_keys(self, keys: list[str | None]) -> None:
        self.width = len(keys)
        self.email_col = keys.index(None)
        cols = [i for i, k in enumerate(keys) if k is not None]
        self.fields_of = _fields_function(keys, cols)

    def process(self, rows: list[tuple[int, list[str]]]) -> None:
        """Validate data rows and store them. The loop is written for speed: it
        runs once per row of files with a million rows. A plain address takes
        :func:`addresses.quick`'s path inline; any other goes through
        :func:`checked_address` (the library's check, the reject)."""
        width, col, res, batch = self.width, self.email_col, self.result, self.batch
        fields_of = self.fields_of
        fast, domains, max_len = addresses.FAST.match, addresses.DOMAINS, addresses.MAX_LEN
        roles, role_max = addresses.ROLE_LOCAL, addresses.ROLE_MAX
        for row, cells in rows:
            if len(cells) != width:
                n = len(cells)
                if n > width and "".join(cells[width:]).strip():
                    res.invalid += 1
                    res._reject(
                        row, cells[col].strip(), Message("import.cell_count", cells=n, width=width)
                    )
                    continue
                cells = cells[:width] + [""] * (width - n)
            value = cells[col].strip()
            if not value and not "".join(cells).strip():
                continue  # a blank row
            fields = fields_of(cells)
            m = fast(value)
            if m is not None and len(value) <= max_len:
                local, domain = m.groups()
                ascii_domain = domains.get(domain) or addresses.ascii_domain(domain)
                if ascii_domain is not None and not (
                    len(local) <= role_max and local.lower() in roles
                ):
                    email = value if ascii_domain == domain else local + "@" + ascii_domain
                    if len(email) <= max_len:
                        batch.append((row, value, email, email.lower(), fields))
                        if len(batch) >= BATCH:
                            self.flush()
                        continue
            addr = checked_address(res, row, value)
            if addr is not None:
                batch.append((row, value, addr[0], addr[1], fields))
                if len(batch) >= BATCH:
                    self.flush()
        self.flush()


def _fields_function(keys: list[str | None], cols: list[int]) -> Callable[[list[str]], str]:
    """A function of a row's cells giving its fields as a JSON object (each
    value stripped, keys in the columns' order), made once per file.

    It is generated, as :func:`collections.namedtuple` makes its methods: one
    f-string with a JSON-encoded cell per column runs in a third of the time of
    ``json.dumps`` or of a ``%`` template filled from a tuple, and this runs for
    every row. The keys reach the code as constants (``k0``, ``k1``...), never
    in its text; the text holds only column numbers."""
    names: dict[str, object] = {"__builtins__": {}, "enc": encode_basestring}
    parts = []
    for n, i in enumerate(cols):
        names[f"k{n}"] = encode_basestring(str(keys[i]))
        parts.append(f"{{k{n}}}:{{enc(c[{int(i)}].strip())}}")
    code = "lambda c: f'{{" + ",".join(parts) + "}}'"
    made: Callable[[list[str]], str] = eval(code, names)  # noqa: S307 (column numbers only)
    return made


class _Importer(RecipientWriter, _RowParser):  # RecipientWriter's add and flush
    """One file import into one campaign, in one open write session."""

    def __init__(self, session: Session, campaign_id: int, keys: list[str | None]) -> None:
        RecipientWriter.__init__(self, session, campaign_id)
        self.set_keys(keys)


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
        get_campaign(s, campaign_id)
        result = run_rows(src, opts, lambda keys: _Importer(s, campaign_id, keys), progress, cancel)
    result.rejects.sort(key=lambda r: r.row)
    if progress:
        progress(src.size, src.size)
    return result


def _keys(row: int, cells: list[str], opts: ImportOptions) -> list[str | None]:
    """The field key of each column of the header row ``cells`` (None: the address)."""
    headers = clean_headers(cells)
    _looks_like_data(headers, row)
    mapping = dict(opts.mapping) if opts.mapping else guess_mapping(headers)
    if "email" not in mapping:
        raise ImportFileError(
            Message("import.no_email_column", row=row, columns=", ".join(headers))
        )
    return field_keys(headers, mapping, row)


def run_rows(
    src: tabular.Source,
    opts: ImportOptions,
    make: Callable[[list[str | None]], _RowParser],
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> ImportResult:
    """Read ``src`` (header row, then data rows in batches) into the writer
    ``make(field keys)`` returns; the caller holds the write transaction.

    A writer that says ``overlap`` stores its batches while the next ones are
    read and checked in a thread of their own (:func:`_overlapped`); the others
    read, check and store in turn."""
    imp: _RowParser | None = None
    reader = tabular.Records(src)
    try:
        chunks = reader.chunks(CHECK_EVERY)
        for chunk in chunks:
            first = next((i for i, (_r, c) in enumerate(chunk) if "".join(c).strip()), None)
            if first is None:
                continue  # blank rows before the header
            keys = _keys(chunk[first][0], chunk[first][1], opts)
            imp = make(keys)
            rows = chunk[first + 1 :]  # blank rows are skipped by process()
            with cycle_collection_paused():
                if imp.overlap:
                    _overlapped(imp, keys, rows, chunks, reader, src.size, progress, cancel)
                else:
                    _in_turn(imp, rows, chunks, reader, src.size, progress, cancel)
            break
    except tabular.FileFormatError as exc:
        raise ImportFileError(exc.message) from None
    finally:
        reader.close()
    if imp is None:
        raise ImportFileError(Message("import.no_rows", file=src.path.name))
    return imp.result


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while a file's rows are read and stored.

    The rows make no reference cycles (reference counting frees them), but
    their hundreds of thousands of short-lived tuples and lists set off
    collections that walk every object the process holds: with the window's
    Qt objects loaded that was a third of a 100,000-row import
    (tests/benchmarks/bench_contacts.py). The collector is process-wide: it is
    turned on again afterwards, unless it was off before (another import
    running at the same time, or the caller's choice)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


_Chunks = Iterator[list[tuple[int, list[str]]]]


def _in_turn(
    imp: _RowParser,
    pending: list[tuple[int, list[str]]],
    chunks: _Chunks,
    reader: tabular.Records,
    size: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    _checkpoint(reader.bytes_done(), size, progress, cancel)
    for chunk in chunks:
        pending.extend(chunk)
        _checkpoint(reader.bytes_done(), size, progress, cancel)
        if len(pending) >= BATCH:
            imp.process(pending)
            pending = []
    imp.process(pending)


def _checkpoint(
    done: int,
    size: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    if cancel is not None and cancel():
        raise ImportCancelled("import cancelled; no recipient was added")
    if progress is not None:
        progress(done, size)


class _Stopped(Exception):
    """The storing side has stopped (an error or a cancel): the reading ends."""


class _Reader(_RowParser):
    """The reading side of an overlapped import: checks rows as the writer
    would (the same keys) into batches of its own, each handed on when full; the
    rows it rejects go in a result of its own, merged into the writer's at the
    end (no counter is shared between the threads)."""

    def __init__(
        self, keys: list[str | None], writer: _RowParser, hand: Callable[[object], None]
    ) -> None:
        self.set_keys(keys)
        self.result = ImportResult()
        self.batch = []
        self.writer = writer
        self.hand = hand

    def flush(self) -> None:
        if self.batch:
            ready = self.writer.prepare(self.batch, self.result)
            self.batch.clear()
            self.hand(ready)


@dataclass(frozen=True)
class _At:
    done: int  # bytes of the file read


_END = object()
# While a batch is stored, the reading thread holds Python's lock; when the
# statement returns, this thread waits for it up to the switch interval
# (5 ms by default, as long as the statement itself): shortened meanwhile.
SWITCH_S = 0.0002
QUEUED_BATCHES = 4  # batches read ahead of the storing (memory: a few thousand rows)


def _overlapped(
    imp: _RowParser,
    keys: list[str | None],
    pending: list[tuple[int, list[str]]],
    chunks: _Chunks,
    reader: tabular.Records,
    size: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    """Read and check rows in a thread while this one stores them.

    The storing side's statements run in SQLite's C code with Python's lock
    released (one statement a batch: see the writer), so the reading side runs
    meanwhile. The database is touched by this thread only. Progress and
    cancel are checked here, between batches; an error on either side stops
    both, and this thread raises it."""
    q: queue.Queue[object] = queue.Queue(maxsize=QUEUED_BATCHES)
    stop = threading.Event()

    def hand(item: object) -> None:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
        raise _Stopped

    parser = _Reader(keys, imp, hand)

    def read() -> None:
        try:
            rows = pending
            hand(_At(reader.bytes_done()))
            for chunk in chunks:
                rows.extend(chunk)
                hand(_At(reader.bytes_done()))
                if len(rows) >= BATCH:
                    parser.process(rows)
                    rows = []
            parser.process(rows)
            hand(_END)
        except _Stopped:
            pass
        except BaseException as exc:  # raised again by the storing side
            try:
                hand(exc)
            except _Stopped:
                pass

    thread = threading.Thread(target=read, name="import-reader", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_S)
    thread.start()
    try:
        while (item := q.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, _At):
                _checkpoint(item.done, size, progress, cancel)
            else:
                imp.store(item)
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
    res, got = imp.result, parser.result
    res.invalid += got.invalid
    res.duplicate += got.duplicate
    res.suppressed += got.suppressed
    for r in got.rejects:
        res._reject(r.row, r.value, r.reason)  # kept up to MEMORY_REJECTS, as any
    res.rejects_dropped += got.rejects_dropped


def source(path: str | Path, options: ImportOptions) -> tabular.Source:
    """The file opened for an import (ImportFileError if it cannot be read)."""
    return _source(path, options)


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
