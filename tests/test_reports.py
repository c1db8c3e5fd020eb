"""Send reports (issue 5): numbers in every format agree with the database.

The state is built for real: a real SQLite file, the real engine sending to
the real SMTP test server, the simulated clock moving through the hourly
limit (see ``report_state.build_campaign``).
"""

from __future__ import annotations

import csv
import io
import itertools
import tracemalloc
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from mailer_gui.cli import main as cli
from mailer_gui.core.content import campaigns
from mailer_gui.core.reports.campaign import campaign_report
from mailer_gui.core.reports.data import ReportError
from mailer_gui.core.reports.formats import (
    ExportCancelled,
    ExportRequest,
    open_report,
    write,
)
from mailer_gui.core.reports.period import period_report
from mailer_gui.core.reports.table import safe_cell
from mailer_gui.core.store.models import PauseEvent, QueueEntry, Recipient, SlotReservation

from .conftest import make_campaign
from .report_state import build_campaign, insert_recipients, insert_rows, run_engine

pytestmark = pytest.mark.backends


def _export(ctx, tmp_path: Path, name: str, **kw) -> Path:
    req = ExportRequest(out=tmp_path / name, **kw)
    with open_report(ctx.db, req, ctx.clock.now()) as rep:
        write(rep, req)
    return req.out


def _read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def _db_states(ctx, cid: int, tests: bool = False) -> dict[str, int]:
    scope = Recipient.test_entry_id.is_not(None) if tests else Recipient.test_entry_id.is_(None)
    with ctx.db.read() as s:
        return {
            k: n
            for k, n in s.execute(
                select(Recipient.status, func.count())
                .where(Recipient.campaign_id == cid, scope)
                .group_by(Recipient.status)
            )
        }


def _nonzero(d: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in d.items() if v}


@pytest.fixture
def built(ctx, smtp_server, clock):
    return build_campaign(ctx, smtp_server, clock)


# ------------------------------------------------------------------ campaign


def test_campaign_summary_agrees_with_the_database(ctx, built, clock):
    cid = built.campaign_id
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        s = rep.summary
        rows = list(rep.rows)
    assert (
        _nonzero(s.counts)
        == _db_states(ctx, cid)
        == {"sent": 3, "failed": 1, "uncertain": 1, "suppressed": 1}
    )
    assert _nonzero(s.test_counts) == _db_states(ctx, cid, tests=True) == {"sent": 1}
    with ctx.db.read() as db:
        entry = db.scalars(
            select(QueueEntry).where(QueueEntry.campaign_id == cid, QueueEntry.kind == "campaign")
        ).one()
        pauses = db.scalars(
            select(PauseEvent).where(PauseEvent.entry_id == entry.id).order_by(PauseEvent.id)
        ).all()
        ledger = db.scalar(
            select(func.count())
            .select_from(SlotReservation)
            .join(Recipient, Recipient.id == SlotReservation.recipient_id)
            .where(Recipient.campaign_id == cid, Recipient.test_entry_id.is_(None))
        )
        by_addr = {
            r.email: r
            for r in db.scalars(
                select(Recipient).where(
                    Recipient.campaign_id == cid, Recipient.test_entry_id.is_(None)
                )
            )
        }
    assert (s.started_at, s.finished_at) == (entry.started_at, entry.finished_at)
    assert s.duration == timedelta(hours=2) and s.average_per_hour == pytest.approx(1.5)
    assert s.queue_status == "completed_with_errors"
    assert [(p.reason_code, p.started_at, p.ended_at) for p in s.pauses] == [
        (p.reason_code, p.started_at, p.ended_at) for p in pauses
    ]
    assert [p.reason_code for p in s.pauses] == ["hourly_limit", "hourly_limit"]
    assert all(p.length == timedelta(hours=1) and not p.ongoing for p in s.pauses)
    # Sends per hour: the campaign's slots (test send apart), in Moscow hours.
    assert [(h.hour.hour, h.sends) for h in s.per_hour] == [(10, 1), (11, 2), (12, 2)]
    assert sum(h.sends for h in s.per_hour) == ledger
    assert rep.field_names == ("first_name",)
    assert len(rows) == len(by_addr) == 6
    for r in rows:
        db_row = by_addr[r.address]
        assert (r.state, r.message_id, r.reply, r.attempts) == (
            db_row.status,
            db_row.message_id,
            db_row.reply,
            db_row.attempts,
        )
        assert r.time == (db_row.finished_at or db_row.claimed_at)
        assert r.fields == (db_row.fields["first_name"],)
    assert "no such user" in by_addr["r1@example.org"].reply


def test_csv_rows_agree_with_the_database(ctx, built, tmp_path):
    cid = built.campaign_id
    out = _export(ctx, tmp_path, "c.csv", fmt="csv", campaign_id=cid, delimiter=";")
    head, *rows = _read_csv(out, ";")
    assert head == [
        "address",
        "first_name",
        "state",
        "time (Europe/Moscow)",
        "message_id",
        "server_reply",
        "attempts",
        "state_text",
        "content_version",
        "subject",
    ]
    assert Counter(r[2] for r in rows) == _db_states(ctx, cid)
    # Codes for machines, then their words, the version sent and its subject.
    words = {
        "sent": "sent",
        "failed": "failed",
        "uncertain": "uncertain",
        "suppressed": "suppressed",
        "pending": "waiting",
    }
    assert all(r[7] == words[r[2]] for r in rows)
    assert {(r[8], r[9]) for r in rows if r[2] != "suppressed"} == {("1", "Hello {{ first_name }}")}
    assert {(r[8], r[9]) for r in rows if r[2] == "suppressed"} == {("", "")}
    with ctx.db.read() as s:
        db = {
            r.email: r
            for r in s.scalars(
                select(Recipient).where(
                    Recipient.campaign_id == cid, Recipient.test_entry_id.is_(None)
                )
            )
        }
    assert sorted(r[0] for r in rows) == sorted(db)
    for r in rows:
        d = db[r[0]]
        assert r[4] == (d.message_id or "") and r[5] == (d.reply or "")
        assert int(r[6]) == d.attempts
        t = d.finished_at or d.claimed_at
        if t is None:
            assert r[3] == "" and r[2] == "suppressed"
        else:
            assert datetime.fromisoformat(r[3]) == t and r[3].endswith("+03:00")
    comma = _read_csv(_export(ctx, tmp_path, "c2.csv", fmt="csv", campaign_id=cid), ",")
    assert comma == [head, *rows]


def test_xlsx_reopens_with_summary_and_recipients(ctx, built, tmp_path):
    cid = built.campaign_id
    out = _export(ctx, tmp_path, "c.xlsx", fmt="xlsx", campaign_id=cid)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Recipients"]
    summary = [r for r in wb["Summary"].iter_rows(values_only=True)]
    start = summary.index(("state", "recipients", "test sends", None, None))
    table = {r[0]: (r[1], r[2]) for r in summary[start + 1 : start + 8] if r[0]}
    db = _db_states(ctx, cid)
    words = {
        "sent": "sent",
        "failed": "failed",
        "uncertain": "uncertain",
        "suppressed": "suppressed",
        "pending": "waiting",
    }
    for state in ("sent", "failed", "uncertain", "suppressed", "pending"):
        assert table[words[state]][0] == db.get(state, 0)
    assert table["total"] == (6, 1)
    pause_at = summary.index(("reason", "start", "end", "length", "detail"))
    pauses = list(itertools.takewhile(lambda r: r[0], summary[pause_at + 1 :]))
    assert [(r[0], r[1].hour, r[2].hour, r[3]) for r in pauses] == [
        ("Hourly limit reached", 10, 11, "1:00:00"),
        ("Hourly limit reached", 11, 12, "1:00:00"),
    ]
    ws = wb["Recipients"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 34 and ws.column_dimensions["H"].width == 60
    head, *rows = list(ws.iter_rows(values_only=True))
    assert head == (
        "Address",
        "first_name",
        "State",
        "Time (Europe/Moscow)",
        "Version",
        "Subject sent",
        "Message-ID",
        "Server reply",
        "Attempts",
    )
    assert Counter(r[2] for r in rows) == {words[k]: n for k, n in db.items()}
    r1 = next(r for r in rows if r[0] == "r1@example.org")
    assert r1[3] == datetime(2026, 11, 25, 11, 0) and "no such user" in r1[7]
    assert r1[4:6] == (1, "Hello {{ first_name }}")


def test_chosen_fields_and_unknown_campaign(ctx, built, tmp_path):
    cid = built.campaign_id
    with ctx.db.write() as s:
        campaigns.add_recipients(
            s, cid, [(9, "extra@example.org", {"first_name": "Ann", "city": "Tver"})]
        )
    with campaign_report(ctx.db, cid, ctx.clock.now()) as rep:
        assert rep.field_names == ("first_name", "city")
    out = _export(ctx, tmp_path, "f.csv", fmt="csv", campaign_id=cid, fields=("city", "nope"))
    head, *rows = _read_csv(out)
    assert head[:3] == ["address", "city", "nope"]
    assert [r[1:3] for r in rows if r[0] == "extra@example.org"] == [["Tver", ""]]
    with pytest.raises(ReportError, match="campaign 999 does not exist"):
        _export(ctx, tmp_path, "x.csv", fmt="csv", campaign_id=999)
    assert not (tmp_path / "x.csv").exists()


def test_running_campaign_has_an_ongoing_pause(ctx, smtp_server, clock):
    from .conftest import configure

    configure(ctx, smtp_server, hourly=1)
    cid = make_campaign(ctx, 3)
    run_engine(ctx)
    clock.advance(600)
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        s = rep.summary
    assert s.queue_status == "deferred" and s.finished_at is None
    assert s.duration == timedelta(minutes=10)
    (p,) = s.pauses
    assert p.ongoing and p.length == timedelta(minutes=10) and p.reason_code == "hourly_limit"
    assert _nonzero(s.counts) == {"sent": 1, "pending": 2}


# ------------------------------------------------------------------ period


def test_period_totals_match_the_ledger_in_local_days(ctx, built, smtp_server, clock, tmp_path):
    # 21:30 UTC on the 25th is 00:30 on the 26th in Moscow; the first try of
    # x0 meets a 451 after MAIL FROM, so it takes two slots.
    clock.set(datetime(2026, 11, 25, 21, 30, tzinfo=UTC))
    other = make_campaign(ctx, 2, name="Late", domain="late.example")
    smtp_server.rules["rcpt:r0@late.example"] = ["451 4.3.0 try later", None]
    run_engine(ctx)
    clock.advance(600)  # the retry after the transient error: x0 sent, hour full (2)
    run_engine(ctx)
    # The rolling 60 minutes free a slot at 22:30 UTC; 22:40 is 01:40 in Moscow.
    clock.set(datetime(2026, 11, 25, 22, 40, tzinfo=UTC))
    run_engine(ctx)
    with ctx.db.read() as s:
        stamps = list(s.scalars(select(SlotReservation.at)))
        assert (
            s.scalar(
                select(func.count())
                .select_from(Recipient)
                .where(Recipient.campaign_id == other, Recipient.status == "sent")
            )
            == 2
        )
    assert len(stamps) == 9
    with period_report(ctx.db, date(2026, 11, 25), date(2026, 11, 26), clock.now()) as rep:
        s = rep.summary
        rows = list(rep.rows)
    assert s.total == len(rows) == len(stamps) == 9
    assert s.test_sends == 1 and s.campaigns == 2
    assert [(d.day.day, d.sends, d.peak_hour, d.month_to_date) for d in s.days] == [
        (25, 6, 2, 6),
        (26, 3, 2, 9),
    ]
    assert [(h.hour.day, h.hour.hour, h.sends) for h in s.hours] == [
        (25, 10, 2),
        (25, 11, 2),
        (25, 12, 2),
        (26, 0, 2),
        (26, 1, 1),
    ]
    assert s.hours_over_limit == ()
    assert s.results == {"sent": 6, "failed": 1, "uncertain": 1, "retried": 1}
    retried = [r for r in rows if r.result == "retried"]
    assert [(r.address, r.campaign) for r in retried] == [("r0@late.example", "Late")]
    with period_report(ctx.db, date(2026, 11, 26), date(2026, 11, 26), clock.now()) as rep:
        only = rep.summary
    # Month to date counts the sends of the 25th, outside the period.
    assert (only.total, only.days[0].month_to_date) == (3, 9)
    with period_report(ctx.db, date(2026, 11, 27), date(2026, 11, 30), clock.now()) as rep:
        assert rep.summary.total == 0 and list(rep.rows) == []

    out = _export(
        ctx, tmp_path, "p.csv", fmt="csv", start=date(2026, 11, 25), end=date(2026, 11, 26)
    )
    head, *csv_rows = _read_csv(out)
    assert head[0] == "time (Europe/Moscow)" and len(csv_rows) == 9
    assert Counter(r[5] for r in csv_rows) == Counter(s.results)
    xl = openpyxl.load_workbook(
        _export(
            ctx, tmp_path, "p.xlsx", fmt="xlsx", start=date(2026, 11, 25), end=date(2026, 11, 26)
        )
    )
    assert xl.sheetnames == ["Summary", "Daily", "Hourly", "Sends"]
    daily = list(xl["Daily"].iter_rows(values_only=True))[1:]
    assert [(d[0].day, d[1], d[4]) for d in daily if d[0]] == [(25, 6, 6), (26, 3, 9)]
    assert len([r for r in xl["Sends"].iter_rows(values_only=True)][1:]) == 9


def test_period_bounds_are_checked(ctx, clock):
    with pytest.raises(ReportError, match="ends"):
        with period_report(ctx.db, date(2026, 11, 2), date(2026, 11, 1), clock.now()):
            pass
    with pytest.raises(ReportError, match="366 days"):
        with period_report(ctx.db, date(2025, 1, 1), date(2026, 12, 31), clock.now()):
            pass


# ------------------------------------------------------------------ safety

CORPUS = [
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "  =1+1",
    "\u2028=1",
    "line1\r\nline2",
    "nul\x00byte",
    "bidi\u202egnp.exe",
    "-",
    "=",
]


@pytest.mark.parametrize("value", CORPUS)
def test_safe_cell_neutralises_every_dangerous_start(value):
    out = safe_cell(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r", " "))
    assert not any(c in out for c in "\r\n\x00\u2028\u202e")
    if value.strip("\t\r\u2028 ")[:1] in ("=", "+", "-", "@"):
        assert out.startswith("'") and out[1:] == value.strip("\t\r\u2028 ")


def test_safe_cell_caps_length_and_keeps_harmless_text():
    assert safe_cell("Иван Петров") == "Иван Петров"
    assert safe_cell(42) == "42" and safe_cell(None) == ""
    long = safe_cell("x" * 10_000, 500)
    assert len(long) == 500 and long.endswith("\u2026")


def _all_cells_safe(cells: list[str]) -> None:
    for v in cells:
        assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), v
        assert not any(c in v for c in "\r\n\x00\u202e"), v
        assert len(v) <= 2000


def test_injection_corpus_in_csv_and_xlsx(ctx, smtp_server, clock, tmp_path):
    from .conftest import configure

    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 2, enqueue=False, name="=cmd|' /C calc'!A0")
    with ctx.db.write() as s:
        campaigns.add_recipients(
            s,
            cid,
            [
                (10 + i, f"v{i}@example.org", {"first_name": "V", "note": v, v: "x"})
                for i, v in enumerate(CORPUS)
            ],
        )
        from mailer_gui.core.sending import queue

        queue.enqueue(s, cid, clock.now())
    # A hostile server: its reply text is a DDE formula.
    smtp_server.rules["rcpt:v0@example.org"] = "550 =cmd|' /C calc'!A0"
    run_engine(ctx)
    with ctx.db.write() as s:  # a reply longer than any server should send, with controls
        r = s.scalars(select(Recipient).where(Recipient.email == "v1@example.org")).one()
        r.reply = "@evil\r\n" + "A" * 5000 + "\x1b[31m"
    with ctx.db.read() as s:
        hostile = s.scalars(
            select(Recipient.reply).where(Recipient.email == "v0@example.org")
        ).one()
    assert "=cmd|' /C calc'!A0" in hostile

    head, *rows = _read_csv(_export(ctx, tmp_path, "i.csv", fmt="csv", campaign_id=cid))
    _all_cells_safe(head + [c for r in rows for c in r])
    by_addr = {r[0]: r for r in rows}
    reply_col = head.index("server_reply")
    assert by_addr["v0@example.org"][reply_col] == hostile  # starts with the code: safe
    long = by_addr["v1@example.org"][reply_col]
    assert long.startswith("'@evil ") and len(long) <= 501 and "\x1b" not in long
    assert by_addr["v6@example.org"][head.index("note")] == "'=cmd|' /C calc'!A0"
    assert "'=1+1" in head  # field names came from the spreadsheet too

    wb = openpyxl.load_workbook(_export(ctx, tmp_path, "i.xlsx", fmt="xlsx", campaign_id=cid))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    _all_cells_safe([c.value for c in cells if isinstance(c.value, str)])
    assert "'=cmd|' /C calc'!A0" in [c.value for c in cells]


def test_no_password_in_any_export(ctx, built, tmp_path):
    ctx.secrets.set_password("news@127.0.0.1:1025", "hunter2-s3cret")
    ctx.secrets.set_password("@127.0.0.1:25", "hunter2-s3cret")
    for fmt in ("csv", "xlsx"):
        out = _export(ctx, tmp_path, f"r.{fmt}", fmt=fmt, campaign_id=built.campaign_id)
        if fmt == "xlsx":
            import zipfile

            with zipfile.ZipFile(out) as z:
                blob = b"".join(z.read(n) for n in z.namelist())
        else:
            blob = out.read_bytes()
        assert b"r1@example.org" in blob and b"hunter2" not in blob


# ------------------------------------------------------------------ cancel, size


def test_cancel_leaves_no_file(ctx, clock, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cid = make_campaign(ctx, 0, enqueue=False)
    insert_recipients(ctx, cid, 5000)
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    seen: list[tuple[int, int]] = []
    temp_before = list(ALL_TEMP_FILES)
    for fmt in ("csv", "xlsx"):
        req = ExportRequest(fmt=fmt, out=tmp_path / f"big.{fmt}", campaign_id=cid)
        with open_report(ctx.db, req, clock.now()) as rep, pytest.raises(ExportCancelled):
            write(
                rep,
                req,
                progress=lambda d, t: seen.append((d, t)),
                cancelled=lambda: len(seen) >= 2,
            )
        assert list(tmp_path.iterdir()) == [], "no file and no temporary left behind"
    assert seen[0] == (1000, 5000)
    assert ALL_TEMP_FILES == temp_before, "openpyxl's temporary sheet files were removed"


def _peak_export(ctx, cid: int, out: Path, fmt: str) -> tuple[int, int]:
    req = ExportRequest(fmt=fmt, out=out, campaign_id=cid)
    tracemalloc.start()
    try:
        with open_report(ctx.db, req, ctx.clock.now()) as rep:
            n = write(rep, req)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return n, peak


@pytest.mark.parametrize(
    "fmt,small,big",
    [
        ("csv", 5_000, 50_000),
        # 100,000 rows under tracemalloc take longer than a unit test should: slow.
        pytest.param("csv", 10_000, 100_000, marks=pytest.mark.slow),
        pytest.param("xlsx", 10_000, 100_000, marks=pytest.mark.slow),
    ],
)
def test_export_memory_is_flat(ctx, tmp_path, fmt, small, big):
    a = make_campaign(ctx, 0, enqueue=False, name="small")
    b = make_campaign(ctx, 0, enqueue=False, name="big")
    insert_recipients(ctx, a, small)
    insert_recipients(ctx, b, big, start=small)
    n_small, peak_small = _peak_export(ctx, a, tmp_path / f"s.{fmt}", fmt)
    n_big, peak_big = _peak_export(ctx, b, tmp_path / f"b.{fmt}", fmt)
    assert (n_small, n_big) == (small, big)
    # Ten times the rows, about the same peak (a list of rows would be ~10x).
    assert peak_big < peak_small * 1.5 + 512 * 1024, (peak_small, peak_big)
    if fmt == "csv":
        with (tmp_path / "b.csv").open(encoding="utf-8-sig") as fh:
            assert sum(1 for _ in fh) == big + 1


# ------------------------------------------------------------------ CLI


def _cli(ctx, *args: str) -> int:
    return cli.main(["--data-dir", str(ctx.data_dir), "report", *args])


def test_cli_writes_every_format(ctx, built, tmp_path, capsys):
    # The PDF (drawn with Qt): tests/ui/test_report_pdf.py::test_cli_writes_a_pdf.
    cid = str(built.campaign_id)
    assert (
        _cli(ctx, cid, "--format", "csv", "--out", str(tmp_path / "a.csv"), "--delimiter", ";") == 0
    )
    head, *rows = _read_csv(tmp_path / "a.csv", ";")
    assert len(rows) == 6 and head[0] == "address"
    assert _cli(ctx, cid, "--out", str(tmp_path / "a.xlsx")) == 0
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == ["Summary", "Recipients"]
    assert _cli(ctx, cid, "--out", str(tmp_path / "ru.xlsx"), "--language", "ru") == 0
    assert openpyxl.load_workbook(tmp_path / "ru.xlsx").sheetnames == ["Сводка", "Получатели"]
    assert "report written" in capsys.readouterr().out


def test_cli_errors(ctx, built, tmp_path, capsys):
    assert _cli(ctx, "999", "--out", str(tmp_path / "x.csv")) == 1
    err = capsys.readouterr().err
    assert "campaign 999 does not exist" in err and len(err.strip().splitlines()) == 1
    assert _cli(ctx, "1", "--out", str(tmp_path / "x.txt")) == 1
    assert "--format" in capsys.readouterr().err
    assert (
        _cli(ctx, "--from", "2026-11-30", "--to", "2026-11-01", "--out", str(tmp_path / "x.csv"))
        == 1
    )
    for args in (
        ["--out", "x.csv"],
        ["1", "--from", "2026-11-01", "--to", "2026-11-02", "--out", "x.csv"],
        ["--from", "2026-13-01", "--to", "2026-11-02", "--out", "x.csv"],
        ["1", "--out", "x.csv", "--format", "doc"],
    ):
        with pytest.raises(SystemExit) as exc:
            _cli(ctx, *args)
        assert exc.value.code == 2
    assert not list(tmp_path.glob("x.*"))


# ------------------------------------------------ CSV built by SQLite (local times in SQL)

import dataclasses  # noqa: E402
import json  # noqa: E402
import sqlite3  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from mailer_gui.core.config import settings as settings_mod  # noqa: E402
from mailer_gui.core.reports.sql import local_time_sql, zone_segments  # noqa: E402
from mailer_gui.core.reports.table import MAX_REPLY, time_text  # noqa: E402

# Whole-hour DST, the half-hour DST of Lord Howe, +5:45, +12:45/+13:45, southern
# hemisphere, a zone without DST, and UTC.
DST_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "Europe/Moscow",
    "UTC",
]


def _stored_times(lo: datetime, hi: datetime) -> list[str]:
    """Times as ``UTCDateTime`` stores them: every 7 min 13.5 s, plus the seconds
    around each whole and half hour (where zones change their offset)."""
    out, t = [], lo
    while t <= hi:
        out.append(t)
        t += timedelta(minutes=7, seconds=13, microseconds=500_000)
    t = lo.replace(minute=0, second=0, microsecond=0)
    while t <= hi:
        for d in (-1, -0.000001, 0, 0.999999, 1):
            out.append(t + timedelta(seconds=d))
        t += timedelta(minutes=30)
    return [x.strftime("%Y-%m-%d %H:%M:%S.%f") for x in out if lo <= x <= hi]


@pytest.mark.parametrize("zone", DST_ZONES)
def test_local_times_in_sql_equal_zoneinfo_across_dst_changes(zone):
    tz = ZoneInfo(zone)
    lo, hi = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (at TEXT)")
    stored = _stored_times(lo, hi)
    conn.executemany("INSERT INTO t VALUES (?)", [(s,) for s in stored] + [(None,)])
    got = [r[0] for r in conn.execute(f"SELECT {local_time_sql('at', tz, lo, hi)} FROM t")]
    want = [time_text(datetime.fromisoformat(s).replace(tzinfo=UTC), tz) for s in stored]
    assert got == [*want, ""]


def test_zone_segments_find_each_change_to_the_microsecond():
    berlin = zone_segments(
        ZoneInfo("Europe/Berlin"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert [(s.isoformat(), o) for s, o in berlin] == [
        ("2026-01-01T00:00:00+00:00", timedelta(hours=1)),
        ("2026-03-29T01:00:00+00:00", timedelta(hours=2)),
        ("2026-10-25T01:00:00+00:00", timedelta(hours=1)),
    ]
    lord_howe = zone_segments(
        ZoneInfo("Australia/Lord_Howe"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    # 02:00 local (+11:00) in April and 02:00 local (+10:30) in October: half past in UTC.
    assert [s.isoformat() for s, _ in lord_howe[1:]] == [
        "2026-04-04T15:00:00+00:00",
        "2026-10-03T15:30:00+00:00",
    ]
    assert [o for _, o in lord_howe] == [
        timedelta(hours=11),
        timedelta(hours=10, minutes=30),
        timedelta(hours=11),
    ]


NASTY = [
    "=1+2",
    "+x",
    "-y",
    "@z",
    "\tt",
    "\rr",
    " lead",
    "trail ",
    "a,b",
    'q"uote',
    "se;mi",
    "ctl\x07x",
    "bidi\u202ex",
    "nbsp\u00a0",
    "\u00a6sep",
    "x\u00a6y",
    "Иван",
    "a" * 600,
    "",
    "line\nbreak",
    '=HYPERLINK("http://x")',
]


def _reference_csv(rep, delimiter: str) -> str:
    """The CSV from the plain dataclass rows: every cell through ``safe_cell``,
    times through ``time_text`` (zoneinfo); what the SQL-built lines must equal."""
    tz = ZoneInfo(rep.summary.timezone)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rep.rows:
        w.writerow(
            [
                safe_cell(r.address),
                *map(safe_cell, r.fields),
                safe_cell(r.state),
                time_text(r.time, tz),
                safe_cell(r.message_id),
                safe_cell(r.reply, MAX_REPLY),
                r.attempts,
                safe_cell(rep.labels.state(r.state)),
                "" if r.version is None else r.version,
                safe_cell(r.subject),
            ]
        )
    return buf.getvalue()


@pytest.mark.parametrize(
    "zone,delimiter", [("Australia/Lord_Howe", ","), ("America/New_York", ";")]
)
def test_sql_built_csv_equals_the_row_by_row_reference(ctx, clock, tmp_path, zone, delimiter):
    with ctx.db.write() as s:
        limits = settings_mod.load(s).limits
        settings_mod.save_limits(s, dataclasses.replace(limits, timezone=zone))
    cid = make_campaign(ctx, 0, enqueue=False, name="nasty")
    start = datetime(2026, 3, 27, 12, 0, 0, 123456)  # across the March/April changes
    rows = []
    for i in range(600):
        v = NASTY[i % len(NASTY)]
        fields: dict[str, object] = {
            "first_name": v,
            "city": NASTY[i * 7 % len(NASTY)],
            "Имя": "Пётр",
            'say "hi"': "x",
        }
        if i % 11 == 0:  # values that are not JSON strings, and a missing key
            fields = {"first_name": 5, "city": None, "Имя": True, "n": {"a": [1]}}
        at = (start + timedelta(minutes=97 * i, seconds=i % 60)).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows.append(
            (
                cid,
                f"u{i}{v[:4]}@ex.org",
                f"u{i}@ex.org",
                json.dumps(fields),
                i + 2,
                ("sent", "failed", "uncertain", "suppressed", "sending")[i % 5],
                NASTY[i * 3 % len(NASTY)] if i % 5 else None,
                NASTY[i * 5 % len(NASTY)] if i % 4 else None,
                i % 4,
                at if i % 7 else None,
                at if i % 9 else None,
            )
        )
    insert_rows(ctx, rows)
    insert_recipients(ctx, cid, 300, start=1000)  # plain rows too, in November
    for fields in (None, ("city", "missing", 'say "hi"', "Имя")):
        req = ExportRequest(
            fmt="csv", out=tmp_path / "r.csv", campaign_id=cid, delimiter=delimiter, fields=fields
        )
        with open_report(ctx.db, req, ctx.clock.now()) as rep:
            write(rep, req)
        with campaign_report(ctx.db, cid, ctx.clock.now(), fields) as rep:
            want = _reference_csv(rep, delimiter)
        got = req.out.read_bytes()[3:].decode("utf-8")
        assert got.split("\r\n", 1)[1] == want


def test_a_report_left_half_read_closes_its_cursor_inside_the_with(ctx, built):
    """A cancelled export stops reading the rows; their cursor must be closed
    while the connection is open, not by the garbage collector later (then
    "Cannot operate on a closed database", seen as a warning in loaded runs)."""
    import inspect

    with campaign_report(ctx.db, built.campaign_id, ctx.clock.now()) as rep:
        next(rep.records)
        records = rep.records
    assert inspect.getgeneratorstate(records) == inspect.GEN_CLOSED
