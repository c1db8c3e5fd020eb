"""The report's table, shared by every writer (CSV, XLSX, the PDF): the row
types, the column titles, the rows as safe cells, and the summary's small
tables (``Section``).

Every text cell is untrusted (addresses and fields came from someone's
spreadsheet, replies from a remote server): control characters become
spaces, length is capped, and a cell that starts with ``= + - @``, tab or CR
gets a leading single quote so a spreadsheet shows it instead of running it
(OWASP CSV injection).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mailer_gui.core import timefmt
from mailer_gui.core.reports.data import (
    PROBE_SEP,
    CampaignReport,
    PeriodReport,
    Record,
)
from mailer_gui.core.reports.data import STATES as STATE_CODES
from mailer_gui.core.reports.labels import Labels

MAX_CELL = 2000
MAX_REPLY = 500
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_START = (*_DANGEROUS, " ")
# One check of a whole row, its cells joined by a printable separator: C-level
# string operations find any control character, any dangerous or blank start
# and any blank end. Rows that pass (nearly all) skip the per-cell work; the
# separator count catches a cell that itself contains the separator.
_SEP = "\u00a6"
_BAD_EDGES = tuple(_SEP + c for c in "=+-@ ") + (" " + _SEP,)


def _row_is_plain(texts: list[str], limit: int) -> bool:
    probe = f"{_SEP}{_SEP.join(texts)}{_SEP}"
    if not probe.isprintable() or len(probe) > limit or probe.count(_SEP) != len(texts) + 1:
        return False
    e0, e1, e2, e3, e4, e5 = _BAD_EDGES
    return not (
        e0 in probe or e1 in probe or e2 in probe or e3 in probe or e4 in probe or e5 in probe
    )


# C0/C1 controls, line/paragraph separators, and bidi overrides that can make
# a reply read differently from what it says.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


Report = CampaignReport | PeriodReport


def clean_text(value: Any, limit: int = MAX_CELL) -> str:
    """Untrusted text on one line, without controls, at most ``limit`` characters."""
    s = "" if value is None else str(value)
    if not s.isprintable():
        s = _CONTROL.sub(" ", s)
    s = s.strip()
    if len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return s


def safe_cell(value: Any, limit: int = MAX_CELL) -> str:
    """``clean_text`` plus the formula guard: a leading ``'`` on dangerous starts."""
    # Fast path, one call per cell: most cells are short, printable, trimmed, harmless.
    if (
        type(value) is str
        and value.isprintable()
        and len(value) <= limit
        and not value.startswith(_UNSAFE_START)
        and not value.endswith(" ")
    ):
        return value
    s = clean_text(value, limit)
    if s.startswith(_DANGEROUS):
        s = "'" + s
    return s


def local_time(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Naive local time (spreadsheets have no time zones; the header names it)."""
    return None if dt is None else timefmt.in_zone(dt, tz).replace(tzinfo=None)


def time_text(dt: datetime | None, tz: ZoneInfo) -> str:
    """In the settings' zone with its UTC offset (a report is read anywhere)."""
    return "" if dt is None else timefmt.in_zone(dt, tz).isoformat(sep=" ", timespec="seconds")


def length_text(td: timedelta | None) -> str:
    if td is None:
        return ""
    total = int(td.total_seconds())
    h, rest = divmod(total, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def header(report: Report) -> list[str]:
    """Column titles of the CSV row table: names for machines (codes stay in the
    ``state``/``result``/``kind`` columns; their words follow at the end)."""
    tz = report.summary.timezone
    if isinstance(report, CampaignReport):
        return [
            "address",
            *(safe_cell(f) for f in report.field_names),
            "state",
            f"time ({tz})",
            "message_id",
            "server_reply",
            "attempts",
            "state_text",
            "content_version",
            "subject",
        ]
    return [
        f"time ({tz})",
        "campaign_id",
        "campaign",
        "kind",
        "address",
        "result",
        "message_id",
        "server_reply",
        "hourly_limit",
        "monthly_limit",
        "result_text",
        "kind_text",
    ]


def xlsx_header(report: Report) -> list[str]:
    """Column titles of the XLSX row sheet: words, for people."""
    t, tz = report.labels.t, report.summary.timezone
    if isinstance(report, CampaignReport):
        return [
            t("Address"),
            *(safe_cell(f) for f in report.field_names),
            t("State"),
            t("Time ({zone})", zone=tz),
            t("Version"),
            t("Subject sent"),
            t("Message-ID"),
            t("Server reply"),
            t("Attempts"),
        ]
    return [
        t("Time ({zone})", zone=tz),
        t("Campaign id"),
        t("Campaign"),
        t("Kind"),
        t("Address"),
        t("Result"),
        t("Message-ID"),
        t("Server reply"),
        t("Hourly limit in force"),
        t("Monthly limit in force"),
    ]


def _stored_time(stored: str | None) -> datetime | None:
    """A time as ``UTCDateTime`` stores it (naive UTC text) to an aware datetime."""
    return None if stored is None else datetime.fromisoformat(stored).replace(tzinfo=UTC)


def _safe_record(record: Record, when: Any, labels: Labels) -> list[Any]:
    """The CSV row: the machine columns, then the state's words, version and subject."""
    email, values, state, _stored, version, subject, mid, reply, attempts = record
    return [
        safe_cell(email),
        *map(safe_cell, values),
        safe_cell(state),
        when,
        safe_cell(mid),
        safe_cell(reply, MAX_REPLY),
        attempts,
        safe_cell(labels.state(state)),
        "" if version is None else version,
        safe_cell(subject),
    ]


def _safe_xlsx_record(record: Record, when: Any, labels: Labels) -> list[Any]:
    email, values, state, _stored, version, subject, mid, reply, attempts = record
    return [
        safe_cell(email),
        *map(safe_cell, values),
        safe_cell(labels.state(state)),
        when,
        version,
        safe_cell(subject),
        safe_cell(mid),
        safe_cell(reply, MAX_REPLY),
        attempts,
    ]


def campaign_csv_rows(
    report: CampaignReport, delimiter: str | None = None
) -> Iterator[list[Any] | str]:
    """CSV rows from the lines SQLite builds (``CampaignReport.csv_probes``): a line
    is used as is only when every cell in it would come out of ``safe_cell``
    unchanged (all printable, short enough for the reply cap, no cell starting with
    a dangerous character or a blank, none ending in a blank, none holding the
    separator); any other recipient is read again and every cell cleaned.

    With a ``delimiter``, a passing line that ``csv.writer`` would not quote (no
    quote character, no delimiter; printable, so no line break) comes as the
    finished CSV line, text, exactly as the writer would write it."""
    tz = ZoneInfo(report.summary.timezone)
    sep, limit = PROBE_SEP, MAX_REPLY
    seps = len(report.field_names) + 10  # cells + 1
    e0, e1, e2, e3, e4, e5 = (*(sep + c for c in "=+-@ "), " " + sep)
    direct = delimiter is not None
    delim = delimiter or ","
    for probe, rid in report.csv_probes():
        if (
            probe is not None
            and probe.isprintable()
            and len(probe) <= limit
            and probe.count(sep) == seps
            and not (
                e0 in probe
                or e1 in probe
                or e2 in probe
                or e3 in probe
                or e4 in probe
                or e5 in probe
            )
        ):
            if direct and not ('"' in probe or delim in probe):
                yield probe[1:-1].replace(sep, delim) + "\r\n"
            else:
                yield probe[1:-1].split(sep)
        else:
            record = report.record(rid)
            yield _safe_record(record, time_text(_stored_time(record[3]), tz), report.labels)


def _campaign_xlsx_rows(report: CampaignReport, tz: ZoneInfo) -> Iterator[list[Any]]:
    labels = report.labels
    words = {code: labels.state(code) for code in STATE_CODES}
    for record in report.records:
        email, values, state, stored, version, subject, mid, reply, attempts = record
        when = local_time(_stored_time(stored), tz)
        if _row_is_plain([email, *values, state, subject or "", mid or "", reply or ""], MAX_REPLY):
            yield [
                email,
                *values,
                words.get(state, state),
                when,
                version,
                subject,
                mid,
                reply,
                attempts,
            ]
        else:
            yield _safe_xlsx_record(record, when, labels)


def table_rows(report: Report, as_text: bool) -> Iterator[list[Any]]:
    """The report's rows as safe cells; times as text (CSV) or naive local (XLSX)."""
    tz = ZoneInfo(report.summary.timezone)
    if isinstance(report, CampaignReport):
        rows: Iterator[Any] = (
            campaign_csv_rows(report) if as_text else _campaign_xlsx_rows(report, tz)
        )
        return rows
    return _period_rows(report, tz, as_text)


def _period_rows(report: PeriodReport, tz: ZoneInfo, as_text: bool) -> Iterator[list[Any]]:
    sc, reply_cap, labels = safe_cell, MAX_REPLY, report.labels
    at: Callable[[datetime], Any] = (
        (lambda d: time_text(d, tz)) if as_text else (lambda d: local_time(d, tz))
    )
    for s in report.rows:
        if as_text:
            yield [
                at(s.at),
                s.campaign_id,
                sc(s.campaign),
                s.kind,
                sc(s.address),
                s.result,
                sc(s.message_id),
                sc(s.reply, reply_cap),
                s.hourly_limit,
                s.monthly_limit,
                labels.result(s.result),
                labels.kind(s.kind),
            ]
        else:
            yield [
                at(s.at),
                s.campaign_id,
                sc(s.campaign),
                labels.kind(s.kind),
                sc(s.address),
                labels.result(s.result),
                sc(s.message_id),
                sc(s.reply, reply_cap),
                s.hourly_limit,
                s.monthly_limit,
            ]


@dataclass(frozen=True)
class Section:
    """A small table of the summary: shared by the XLSX summary sheet and the PDF."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[Any]]
