"""Importing recipients: a generated corpus of real-world file shapes, each
imported correctly or refused with a message naming the row and what to do;
a refused or cancelled import leaves the database as it was."""

from __future__ import annotations

import codecs
import csv
import os
import random
import time
from pathlib import Path

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from mailer_gui.core.audience import addresses, contacts, suppression
from mailer_gui.core.audience.contacts import ImportCancelled, ImportFileError, ImportOptions
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import open_context
from mailer_gui.core.errors import NotFoundError
from mailer_gui.core.store.models import Recipient

pytestmark = pytest.mark.backends

HEADER_RU = "Эл. почта;Имя;Фамилия;Город\r\n"


@pytest.fixture
def cid(ctx) -> int:
    with ctx.db.write() as s:
        return campaigns.create(
            s, "Import", "Hi {{ first_name }}", "<p>x</p>", None, ctx.clock.now()
        ).id


def recipients(ctx, cid: int) -> list[Recipient]:
    with ctx.db.read() as s:
        return list(
            s.scalars(select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.id))
        )


def db_state(ctx) -> list[tuple]:
    with ctx.db.read() as s:
        return [
            (r.campaign_id, r.email, r.status, r.row_number)
            for r in s.scalars(select(Recipient).order_by(Recipient.id))
        ]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ----------------------------------------------------------------- encodings


def test_cp1251_semicolon(ctx, cid, tmp_path):
    text = HEADER_RU + "ivan@mail.ru;Иван;Петров;Москва\r\nolga@yandex.ru;Ольга;Ёлкина;Тверь\r\n"
    p = write(tmp_path, "export.csv", text.encode("cp1251"))
    pre = contacts.preview_file(p)
    assert (pre.encoding, pre.delimiter) == ("cp1251", ";")
    assert pre.mapping == {"email": "Эл. почта", "first_name": "Имя", "last_name": "Фамилия"}
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.invalid, res.duplicate, res.suppressed) == (2, 0, 0, 0)
    r = recipients(ctx, cid)
    assert [x.email for x in r] == ["ivan@mail.ru", "olga@yandex.ru"]
    assert r[1].fields == {"first_name": "Ольга", "last_name": "Ёлкина", "город": "Тверь"}
    assert [x.row_number for x in r] == [2, 3]


def test_utf8_with_bom_comma(ctx, cid, tmp_path):
    text = "email,First Name,Company\nann@example.com,Ann,ACME\n"
    p = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + text.encode())
    pre = contacts.preview_file(p)
    assert pre.encoding == "utf-8-sig" and pre.headers == ["email", "First Name", "Company"]
    contacts.import_file(ctx.db, cid, p)
    (r,) = recipients(ctx, cid)
    assert r.fields == {"first_name": "Ann", "company": "ACME"}


def test_forced_utf8_on_a_bom_file_still_finds_the_header(ctx, cid, tmp_path):
    p = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + b"email;name\nann@example.com;Ann\n")
    pre = contacts.preview_file(p, ImportOptions(encoding="utf-8"))
    assert pre.headers == ["email", "name"] and pre.mapping == {"email": "email"}
    assert contacts.import_file(ctx.db, cid, p, ImportOptions(encoding="utf-8")).imported == 1


def test_utf16_tab_as_excel_unicode_text(ctx, cid, tmp_path):
    text = "E-mail\tИмя\r\nann@example.com\tАнна\r\nbob@example.com\tБоб\r\n"
    p = write(tmp_path, "unicode.txt", text.encode("utf-16"))  # BOM + UTF-16LE
    pre = contacts.preview_file(p)
    assert pre.encoding == "utf-16" and pre.delimiter == "\t"
    res = contacts.import_file(ctx.db, cid, p)
    assert res.imported == 2
    assert [r.fields["first_name"] for r in recipients(ctx, cid)] == ["Анна", "Боб"]


def test_encoding_and_delimiter_overrides(ctx, cid, tmp_path):
    # UTF-8 bytes that the operator says are cp1251, with a delimiter the sniffer
    # would not choose: the override wins.
    p = write(tmp_path, "odd.csv", "email|name\nann@example.com|Zoë\n".encode())
    with pytest.raises(ImportFileError, match="row 1: no column looks like the email"):
        contacts.import_file(ctx.db, cid, p)
    res = contacts.import_file(ctx.db, cid, p, ImportOptions(encoding="cp1251", delimiter="|"))
    assert res.imported == 1
    assert recipients(ctx, cid)[0].fields == {"name": "Zoë".encode().decode("cp1251")}


def test_mixed_encoding_is_refused_naming_the_line(ctx, cid, tmp_path):
    body = "email;name\n" + "".join(f"u{i}@example.com;Имя\n" for i in range(3000))
    data = body.encode() + "late@example.com;Пётр\n".encode("cp1251")
    p = write(tmp_path, "mixed.csv", data)
    with pytest.raises(ImportFileError, match=r"line 3002: .*another encoding"):
        contacts.import_file(ctx.db, cid, p)
    assert db_state(ctx) == []


# ----------------------------------------------------------------- shapes


def test_quoted_fields_with_newlines_and_delimiters(ctx, cid, tmp_path):
    text = (
        "email;note;name\r\n"
        '"ann@example.com";"line one\r\nline two; still note";"Ann ""the"" first"\r\n'
        "bob@example.com;plain;Bob\r\n"
    )
    p = write(tmp_path, "quoted.csv", text.encode())
    res = contacts.import_file(ctx.db, cid, p)
    assert res.imported == 2
    ann, bob = recipients(ctx, cid)
    assert ann.fields == {"note": "line one\r\nline two; still note", "name": 'Ann "the" first'}
    assert (ann.row_number, bob.row_number) == (2, 3)  # records, as a spreadsheet counts


def test_blank_lines_are_skipped(ctx, cid, tmp_path):
    text = "\n\nemail,name\n\nann@example.com,Ann\n,,\n\nbob@example.com,Bob\n\n"
    p = write(tmp_path, "blank.csv", text.encode())
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.invalid, res.rejects) == (2, 0, [])
    assert [r.row_number for r in recipients(ctx, cid)] == [5, 8]


def test_duplicate_unmapped_headers_get_distinct_fields(ctx, cid, tmp_path):
    p = write(tmp_path, "dup.csv", b"email,note,note,\nann@example.com,a,b,c\n")
    contacts.import_file(ctx.db, cid, p)
    assert recipients(ctx, cid)[0].fields == {"note": "a", "note_2": "b", "column_4": "c"}


def test_duplicate_email_header_is_refused(ctx, cid, tmp_path):
    p = write(tmp_path, "dup.csv", b"email;name;Email\nann@example.com;Ann;x@example.com\n")
    with pytest.raises(
        ImportFileError,
        match=r"row 1: the header 'email' appears in "
        r"columns 1, 3; rename one",
    ):
        contacts.import_file(ctx.db, cid, p)
    assert db_state(ctx) == []


def test_missing_header_row_is_refused(ctx, cid, tmp_path):
    p = write(tmp_path, "nohead.csv", b"ann@example.com;Ann\nbob@example.com;Bob\n")
    with pytest.raises(ImportFileError, match=r"row 1 holds an address .*add a header row"):
        contacts.import_file(ctx.db, cid, p)
    assert db_state(ctx) == []


def test_no_email_column_is_refused_then_mapping_fixes_it(ctx, cid, tmp_path):
    p = write(tmp_path, "noemail.csv", b"name;contact\nAnn;ann@example.com\n")
    with pytest.raises(
        ImportFileError,
        match=r"row 1: no column looks like the email address "
        r"\(columns: name, contact\); choose it",
    ):
        contacts.import_file(ctx.db, cid, p)
    assert db_state(ctx) == []
    assert "email" not in contacts.preview_file(p).mapping
    res = contacts.import_file(
        ctx.db, cid, p, ImportOptions(mapping={"email": "contact", "first_name": "name"})
    )
    assert res.imported == 1
    assert recipients(ctx, cid)[0].fields == {"first_name": "Ann"}


def test_mapping_to_unknown_column_is_refused(ctx, cid, tmp_path):
    p = write(tmp_path, "x.csv", b"email\nann@example.com\n")
    with pytest.raises(ImportFileError, match="no column named 'mail' for 'email'"):
        contacts.import_file(ctx.db, cid, p, ImportOptions(mapping={"email": "mail"}))


def test_extra_cells_reject_the_row(ctx, cid, tmp_path):
    p = write(tmp_path, "x.csv", b"email,name\nann@example.com,Smith, Ann\nbob@example.com,Bob,\n")
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.invalid) == (1, 1)  # a trailing empty cell is fine
    assert res.rejects[0].row == 2 and "double quotes" in res.rejects[0].reason


def test_xlsx_with_several_sheets(ctx, cid, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["just", "notes"])
    ws2 = wb.create_sheet("Клиенты")
    ws2.append(["Email", "Имя", "Телефон", "Сумма"])
    ws2.append(["ann@example.com", "Анна", 79161234567, 10.5])
    ws2.append([None, None, None, None])
    ws2.append(["bob@example.com", "Боб", 79160000000.0, 3])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    pre = contacts.preview_file(p)
    assert pre.sheets == ["Notes", "Клиенты"] and pre.headers == ["just", "notes"]
    with pytest.raises(ImportFileError, match="no column looks like the email"):
        contacts.import_file(ctx.db, cid, p)
    with pytest.raises(ImportFileError, match="no sheet named 'Sheet9'; the sheets are Notes"):
        contacts.preview_file(p, ImportOptions(sheet="Sheet9"))
    res = contacts.import_file(ctx.db, cid, p, ImportOptions(sheet="Клиенты"))
    assert res.imported == 2
    ann, bob = recipients(ctx, cid)
    assert ann.fields == {"first_name": "Анна", "телефон": "79161234567", "сумма": "10.5"}
    assert bob.fields["телефон"] == "79160000000" and bob.row_number == 4


def test_xlsx_renamed_csv_is_read_as_a_workbook(ctx, cid, tmp_path):
    wb = Workbook()
    wb.active.append(["email"])
    wb.active.append(["ann@example.com"])
    wb.save(tmp_path / "real.xlsx")
    p = write(tmp_path, "renamed.csv", (tmp_path / "real.xlsx").read_bytes())
    assert contacts.import_file(ctx.db, cid, p).imported == 1


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,  # NULs everywhere, no UTF-16 pattern
        b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(5000),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # old .xls
    ],
)
def test_binary_file_renamed_csv_is_refused(ctx, cid, tmp_path, data):
    p = write(tmp_path, "photo.csv", data)
    with pytest.raises(ImportFileError, match=r"photo.csv: .*(not a text file|old Excel)"):
        contacts.import_file(ctx.db, cid, p)
    with pytest.raises(ImportFileError):
        contacts.preview_file(p)
    assert db_state(ctx) == []


def test_empty_and_missing_files(ctx, cid, tmp_path):
    with pytest.raises(ImportFileError, match="empty"):
        contacts.import_file(ctx.db, cid, write(tmp_path, "e.csv", b"\n\n"))
    with pytest.raises(ImportFileError, match="does not exist"):
        contacts.import_file(ctx.db, cid, tmp_path / "nope.csv")


# ----------------------------------------------------------------- validation & dedupe


def test_invalid_duplicates_existing_suppressed_and_idn(ctx, cid, tmp_path):
    with ctx.db.write() as s:
        campaigns.add_recipients(s, cid, [(None, "old@example.com", {})])
        suppression.add(s, "Gone@Example.com", "unsubscribed", ctx.clock.now())
    text = (
        "email,name\n"
        "ann@example.com,Ann\n"  # 2 ok
        "not-an-address,X\n"  # 3 invalid
        "ANN@Example.COM,Ann again\n"  # 4 duplicate of row 2
        "OLD@example.com,Old\n"  # 5 already in the campaign
        "gone@example.com,Gone\n"  # 6 suppressed
        "ivan@пример.рф,Иван\n"  # 7 IDN
        "a@b,short\n"  # 8 invalid (no dot)
        ",empty\n"
    )  # 9 invalid (empty)
    p = write(tmp_path, "mix.csv", text.encode())
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.invalid, res.duplicate, res.suppressed) == (2, 3, 2, 1)
    assert [(r.row, r.value) for r in res.rejects] == [
        (3, "not-an-address"),
        (4, "ANN@Example.COM"),
        (5, "OLD@example.com"),
        (8, "a@b"),
        (9, ""),
    ]
    reasons = {r.row: r.reason for r in res.rejects}
    assert reasons[4] == "duplicate of row 2" and reasons[5] == "already in the campaign"
    assert reasons[3].startswith("not a valid email address: ")
    got = {r.email: r.status for r in recipients(ctx, cid)}
    assert got == {
        "old@example.com": "pending",
        "ann@example.com": "pending",
        "gone@example.com": "suppressed",
        "ivan@xn--e1afmkfd.xn--p1ai": "pending",
    }


def test_duplicates_across_batches(ctx, cid, tmp_path):
    rows = [f"u{i}@example.com" for i in range(contacts.BATCH + 10)] + ["U3@EXAMPLE.COM"]
    p = write(tmp_path, "many.csv", ("email\n" + "\n".join(rows) + "\n").encode())
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.duplicate) == (contacts.BATCH + 10, 1)
    assert res.rejects == [contacts.Reject(len(rows) + 1, "U3@EXAMPLE.COM", "duplicate of row 5")]


def test_rejects_csv_is_neutralised(ctx, cid, tmp_path):
    p = write(tmp_path, "x.csv", b'email\n=HYPERLINK("http://x")\n+1 555\nok@example.com\n')
    res = contacts.import_file(ctx.db, cid, p)
    out = tmp_path / "rejects.csv"
    res.write_rejects_csv(out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "value", "reason"]
    assert [r[:2] for r in rows[1:]] == [["2", '\'=HYPERLINK("http://x")'], ["3", "'+1 555"]]


ADDRESS_CHARS = st.sampled_from(list("abcXYZ019.-_+'@!#\" üя"))


@settings(max_examples=1500, deadline=None)
@given(
    local=st.text(ADDRESS_CHARS, min_size=0, max_size=12),
    domain=st.sampled_from(
        [
            "example.com",
            "Example.COM",
            "пример.рф",
            "xn--e1afmkfd.xn--p1ai",
            "a.b",
            "b",
            "test.test",
            "ex-ample.org",
            "-bad.com",
            "1.2.3.4",
            "localhost",
            "x" * 70 + ".com",
            "sub.example.co.uk",
        ]
    ),
)
def test_fast_path_agrees_with_email_validator(local, domain):
    value = f"{local}@{domain}" if "@" not in local else local
    try:
        info = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
        expected: tuple[str, str] | None = (info.ascii_email, info.ascii_email.lower())
    except EmailNotValidError:
        expected = None
    try:
        got: tuple[str, str] | None = tuple(addresses.check(value))  # type: ignore[assignment]
    except addresses.InvalidAddress:
        got = None
    assert got == expected


# ----------------------------------------------------------------- transactions


def test_error_late_in_the_file_changes_nothing(ctx, cid, tmp_path):
    with ctx.db.write() as s:
        campaigns.add_recipients(s, cid, [(None, "keep@example.com", {})])
    before = db_state(ctx)
    good = "".join(f"u{i}@example.com,N\n" for i in range(3 * contacts.BATCH))
    bad = 'x@example.com,"' + "y" * (1100 * 1024) + "\n"  # a quote never closed
    p = write(tmp_path, "late.csv", ("email,name\n" + good + bad).encode())
    with pytest.raises(ImportFileError, match=rf"row {3 * contacts.BATCH + 2}: .*quotes"):
        contacts.import_file(ctx.db, cid, p)
    assert db_state(ctx) == before


def test_cancel_leaves_nothing_and_progress_is_reported(ctx, cid, tmp_path):
    p = write(
        tmp_path,
        "c.csv",
        ("email\n" + "".join(f"u{i}@example.com\n" for i in range(5000))).encode(),
    )
    seen: list[tuple[int, int]] = []
    with pytest.raises(ImportCancelled):
        contacts.import_file(
            ctx.db, cid, p, progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) >= 3
        )
    assert db_state(ctx) == []
    seen.clear()
    res = contacts.import_file(ctx.db, cid, p, progress=lambda d, t: seen.append((d, t)))
    size = p.stat().st_size
    assert res.imported == 5000 and len(seen) >= 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert all(t == size for _, t in seen) and seen[-1] == (size, size)


def test_unknown_campaign(ctx, tmp_path):
    p = write(tmp_path, "x.csv", b"email\nann@example.com\n")
    with pytest.raises(NotFoundError, match="campaign 999 does not exist"):
        contacts.import_file(ctx.db, 999, p)


# ----------------------------------------------------------------- size


def _big_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("email;first_name;last_name;city\n")
        for i in range(rows):
            f.write(f"user{i}@example{i % 97}.com;Name{i};Last{i};City{i % 13}\n")


@pytest.fixture
def sqlite_ctx(tmp_path, clock):
    """A context on a SQLite file alone: for the timed import below, whose
    bound is SQLite's speed (the local app's). PostgreSQL runs every other
    import test here; it is not held to this bound: its 100,000 rows took
    9.8 s alone on this machine and 13.8 s beside another test worker."""
    c = open_context(
        tmp_path / "data",
        clock=clock,
        secrets=SecretStore(use_env=False),
        allow_reserved_domains=True,
        database_clock=False,
    )
    yield c
    c.close()


def test_100k_rows_import(sqlite_ctx, tmp_path):
    ctx = sqlite_ctx
    with ctx.db.write() as s:
        cid = campaigns.create(s, "Import", "Hi", "<p>x</p>", None, ctx.clock.now()).id
    p = tmp_path / "100k.csv"
    _big_file(p, 100_000)
    t = time.perf_counter()
    res = contacts.import_file(ctx.db, cid, p)
    took = time.perf_counter() - t
    assert res.imported == 100_000 and res.rejects == []
    assert took < 10, f"100k rows took {took:.1f}s"


@pytest.mark.slow
def test_million_rows_memory_stays_flat(tmp_path):
    """Peak RSS importing 1,000,000 rows stays within 50 MB of importing 100,000."""
    import subprocess
    import sys

    child = (
        "import resource, sys\nfrom pathlib import Path\nfrom datetime import UTC, datetime\n"
        "from mailer_gui.core.audience import contacts\n"
        "from mailer_gui.core.content import campaigns\n"
        "from mailer_gui.core.context import open_context\n"
        "ctx = open_context(Path(sys.argv[2]))\n"
        "with ctx.db.write() as s:\n"
        "    cid = campaigns.create(s, 'x', 's', '<p>x</p>', None, datetime.now(UTC)).id\n"
        "r = contacts.import_file(ctx.db, cid, sys.argv[1])\n"
        "print(r.imported, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    peaks = {}
    for n in (100_000, 1_000_000):
        p = tmp_path / f"{n}.csv"
        _big_file(p, n)
        out = subprocess.run(
            [sys.executable, "-c", child, str(p), str(tmp_path / f"d{n}")],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ},
        ).stdout.split()
        assert int(out[0]) == n
        peaks[n] = int(out[1]) / 1024
        p.unlink()
    assert peaks[1_000_000] - peaks[100_000] < 50, peaks
