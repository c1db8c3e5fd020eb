"""Reading spreadsheet-like files row by row: CSV (any of the encodings and
delimiters Excel and CRMs write) and XLSX (openpyxl, read-only mode).

Nothing here loads a whole file: detection reads a sample (plus one streaming
pass to confirm UTF-8), and rows are yielded one at a time with the number of
bytes consumed so far, for a progress bar. Row numbers are 1-based record
numbers, the header being row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_FIELD_LIMIT = 1024 * 1024


class FileFormatError(MailerError):
    """The file cannot be read as a table; the message says where and what to do."""


@dataclass
class Source:
    """A table file and how to read it."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str  # "xlsx" for workbooks
    delimiter: str | None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    size: int = 0


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise FileFormatError(Message("file.missing", path=path)) from None
    except IsADirectoryError:
        raise FileFormatError(Message("file.is_folder", path=path)) from None
    except OSError as exc:
        raise FileFormatError(Message("file.unreadable", path=path, problem=exc.strerror)) from None


def _utf8_check(path: Path) -> bool:
    """True if the whole file is UTF-8; raises if it mixes UTF-8 with another encoding."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    saw_multibyte = False
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                if not (saw_multibyte or not chunk[: exc.start].isascii()):
                    return False
                with path.open("rb") as g:
                    line = g.read(offset + exc.start).count(b"\n") + 1
                raise FileFormatError(
                    Message("file.mixed_encoding", file=path.name, line=line)
                ) from None
            saw_multibyte = saw_multibyte or not text.isascii()
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(path: Path, head: bytes) -> str:
    """utf-8-sig, utf-16 (with BOM or without), utf-8 or cp1251."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise FileFormatError(Message("file.binary", file=path.name))
    return "utf-8" if _utf8_check(path) else "cp1251"


def _decode_sample(path: Path, head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head)
    except (UnicodeDecodeError, LookupError) as exc:
        code = "file.unknown_encoding" if isinstance(exc, LookupError) else "file.wrong_encoding"
        raise FileFormatError(Message(code, file=path.name, encoding=repr(encoding))) from None
    controls = sum(1 for c in text if c < " " and c not in "\t\r\n\f")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise FileFormatError(Message("file.binary", file=path.name))
    return text


def detect_delimiter(sample: str, truncated: bool) -> str:
    """The delimiter that splits the first rows into the same number (> 1) of cells."""
    best: tuple[float, int, str] = (0.0, 1, ",")
    for d in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if r][:50]
        if truncated and len(rows) > 1:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        share = sum(1 for r in rows if len(r) == width) / len(rows)
        if (share, width) > best[:2]:
            best = (share, width, d)
    return best[2]


def _workbook(path: Path) -> tuple[Any, BinaryIO]:
    """An openpyxl read-only workbook and its open file (close both).

    Opened from a file object so that an .xlsx saved under another name
    (``.csv``) still reads: openpyxl refuses paths by their extension.
    """
    from openpyxl import load_workbook

    fh = path.open("rb")
    try:
        return load_workbook(fh, read_only=True, data_only=True), fh
    except Exception as exc:  # zipfile, XML or openpyxl's own errors
        fh.close()
        raise FileFormatError(
            Message("file.bad_xlsx", file=path.name, error=exc.__class__.__name__)
        ) from None


def open_source(
    path: str | Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Source:
    """Look at a file and decide how to read it (the caller may override each choice)."""
    p = Path(path)
    head = _read_head(p)
    size = p.stat().st_size
    if not head.strip():
        raise FileFormatError(Message("file.empty", file=p.name))
    if head.startswith(_ZIP_MAGIC):
        wb, fh = _workbook(p)
        try:
            names = list(wb.sheetnames)
        finally:
            wb.close()
            fh.close()
        if sheet is not None and sheet not in names:
            raise FileFormatError(
                Message("file.no_sheet", file=p.name, sheet=repr(sheet), sheets=", ".join(names))
            )
        return Source(p, "xlsx", "xlsx", None, names, sheet or names[0], size)
    if head.startswith(_OLE_MAGIC):
        raise FileFormatError(Message("file.xls", file=p.name))
    enc = encoding or detect_encoding(p, head)
    sample = _decode_sample(p, head, enc)
    if delimiter is None:
        delimiter = detect_delimiter(sample, truncated=len(head) == SAMPLE_BYTES)
    elif len(delimiter) != 1 or delimiter in '"\r\n':
        raise FileFormatError(Message("file.bad_delimiter", delimiter=repr(delimiter)))
    return Source(p, "csv", enc, delimiter, [], None, size)


class Records:
    """The records of a file: iterate for ``(row number, cells)``, blank rows too;
    ``bytes_done()`` says how far the reading got (for a progress bar)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self._raw: io.BufferedReader | None = None
        self._xlsx_done = 0
        self._chunks: Generator[list[tuple[int, list[str]]], None, None] | None = None
        self._it = self._xlsx() if src.kind == "xlsx" else self._csv()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._it

    def bytes_done(self) -> int:
        if self._raw is not None and not self._raw.closed:
            return self._raw.tell()
        return self._xlsx_done

    def close(self) -> None:
        self._it.close()
        if self._chunks is not None:
            self._chunks.close()

    def chunks(self, n: int) -> Iterator[list[tuple[int, list[str]]]]:
        """The same records, ``n`` at a time (the CSV reader's loop runs in C:
        no Python step per row). Use either this or the iteration, not both."""
        self._chunks = self._csv_chunks(n) if self.src.kind == "csv" else self._islices(n)
        return self._chunks

    def _islices(self, n: int) -> Generator[list[tuple[int, list[str]]], None, None]:
        while chunk := list(islice(self._it, n)):
            yield chunk

    def _csv_chunks(self, n: int) -> Generator[list[tuple[int, list[str]]], None, None]:
        src = self.src
        csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
        failed = False
        with src.path.open("rb") as raw:
            self._raw = raw
            text = io.TextIOWrapper(raw, encoding=src.encoding, newline="")
            records = enumerate(csv.reader(text, delimiter=src.delimiter or ","), start=1)
            try:
                while True:
                    try:
                        chunk = list(islice(records, n))
                    except (UnicodeDecodeError, csv.Error):
                        failed = True
                        break
                    if not chunk:
                        break
                    yield chunk
            finally:
                text.detach()
        if failed:
            # Read again record by record: the error names its row.
            for _ in self._it:
                pass

    def _csv(self) -> Generator[tuple[int, list[str]], None, None]:
        src = self.src
        csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
        row = 0
        with src.path.open("rb") as raw:
            self._raw = raw
            text = io.TextIOWrapper(raw, encoding=src.encoding, newline="")
            reader = csv.reader(text, delimiter=src.delimiter or ",")
            try:
                for row, cells in enumerate(reader, start=1):
                    yield row, cells
            except UnicodeDecodeError:
                raise FileFormatError(
                    Message(
                        "file.row_encoding", file=src.path.name, row=row + 1, encoding=src.encoding
                    )
                ) from None
            except csv.Error as exc:
                raise FileFormatError(
                    Message("file.row_quotes", file=src.path.name, row=row + 1, error=exc)
                ) from None
            finally:
                text.detach()

    def _xlsx(self) -> Generator[tuple[int, list[str]], None, None]:
        src = self.src
        wb, fh = _workbook(src.path)
        try:
            ws = wb[src.sheet] if src.sheet else wb.worksheets[0]
            total = max(int(ws.max_row or 1), 1)
            for row, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                self._xlsx_done = min(src.size, src.size * row // total)
                yield row, cells
        finally:
            wb.close()
            fh.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees (no '.0' on whole numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
